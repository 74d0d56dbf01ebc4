"""`pfp export partnerships --format csv|json [--as U123 | --visibility ...]`: from the database alone, no
Slack settings needed."""

from __future__ import annotations

import argparse
import re

_USER = re.compile(r"[UW][A-Z0-9]{2,31}")  # a Slack user ID, as the people table keeps it


def export(args: argparse.Namespace, *, clock, database_for, fail, write_out, database_error) -> int:
    """`pfp export partnerships`: only what the reader may see. `--as` reads as that person; otherwise the
    level of `--visibility` (public by default, which sees no partnership: their terms are the parties')."""
    import sys

    from sqlalchemy.exc import DBAPIError, OperationalError

    from bot.partnerships.export import Reader, collect, render
    from storage.db import make_session_factory
    from storage.people import get_person
    from storage.taxonomy import Visibility

    as_user = getattr(args, "as_user", None)
    if as_user is not None and not _USER.fullmatch(as_user):
        return fail(f"'{as_user[:40]}' is not a Slack user ID (such as U0123ABCD).")
    if as_user is not None and args.visibility != "public":
        return fail("give --as or --visibility, not both: --as reads as that person.")
    opened = database_for("partnerships", no_file=" (an export never creates one).",
                          no_table="the database has no partnerships yet: run `pfp db upgrade` (or check "
                                   "DATABASE_URL).")
    if isinstance(opened, int):
        return opened
    url, engine = opened
    try:
        now = clock.now()
        with make_session_factory(engine)() as session:
            if as_user is not None:
                person = get_person(session, as_user)
                if person is None:
                    return fail(f"nobody with the Slack ID {as_user} has used the bot: check the ID.")
                reader = Reader.of(person)
            else:
                reader = Reader.level(Visibility(args.visibility))
            records = collect(session, reader, now=now)
            data = render(records, fmt=args.fmt, reader=reader, now=now).encode("utf-8")
    except (OperationalError, DBAPIError) as error:
        return fail(database_error(url, error))
    finally:
        engine.dispose()
    if records:
        print(f"pfp: this export holds partnerships' terms, which are their parties' (read as {reader.name}); "
              "do not publish it.", file=sys.stderr)
    return write_out(data, args.output, f"{len(records)} partnerships ({args.fmt}, read as {reader.name})")
