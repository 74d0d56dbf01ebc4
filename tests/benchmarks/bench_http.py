"""Round trips through the real HTTP server, signed like Slack's, on SQLite and (if set) PostgreSQL.

Prints figures; asserts nothing about speed. Run:
    .venv/bin/python -m tests.benchmarks.bench_http [--requests 300]
with PFP_TEST_DATABASE_URL set for the PostgreSQL figures.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from contextlib import ExitStack

from bot.registration.blocks import APPROVE_ACTION
from bot.sandbox.slack import SlackStandIn
from bot.startup import prepare_database
from storage import audit
from storage.db import make_engine, make_session_factory
from tests.conftest import ADMIN, POSTGRES_URL, MovableClock, bot_settings, postgres_schema, serve_bot
from tests.e2e.flows import press, register, requests_of


def figures(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{label:<44} n={len(samples):>4}  median {statistics.median(samples) * 1000:6.1f} ms  "
        f"p95 {p95 * 1000:6.1f} ms  max {ordered[-1] * 1000:6.1f} ms"
    )


def run(backend: str, url: str, requests: int) -> None:
    with SlackStandIn(token="xoxb-test-token") as fake:
        engine = make_engine(url)
        clock = MovableClock()
        settings = bot_settings(fake, url)
        prepare_database(engine, settings, clock)
        with serve_bot(settings, engine, make_session_factory(engine), clock, fake) as bot:
            whoami = []
            for i in range(requests):
                started = time.perf_counter()
                response = bot.slack.command("/pfp", "whoami", user_id=f"UBENCH{i % 50}")
                whoami.append(time.perf_counter() - started)
                assert response.status == 200
            print(figures(f"[{backend}] /pfp whoami (HTTP answer)", whoami))

            # A flood of forgeries: each is refused at the door and folded into the minute's audit row.
            forged, body = [], b"command=%2Fpfp&text=whoami&user_id=UFORGER"
            for _ in range(requests):
                started = time.perf_counter()
                response = bot.slack.post(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
                forged.append(time.perf_counter() - started)
                assert response.status == 401
            with bot.session() as session:
                rows = audit.entries(session, action="request.rejected")
            print(figures(f"[{backend}] forged request (401, audited)", forged)
                  + f"  audit rows {len(rows)}, count {sum(r.count for r in rows)}")

            flows = []
            for i in range(min(requests, 100)):
                started = time.perf_counter()
                register(bot, f"UDELEG{i}", state="FR")
                press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[-1].id)
                flows.append(time.perf_counter() - started)
            print(figures(f"[{backend}] register -> approve -> DM (all work)", flows))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/bench.sqlite3", args.requests)
    if POSTGRES_URL:
        with ExitStack() as stack:
            run("postgresql", stack.enter_context(postgres_schema()), args.requests)
    else:
        print("PostgreSQL: set PFP_TEST_DATABASE_URL for its figures")


if __name__ == "__main__":
    main()
