"""Matching under concurrency: a need and the offer that fits it saved at the same moment both refresh the
same (need, offer) pair. Whatever the interleaving, there is one match, nobody gets an error, and it is
announced once.

The worst interleaving is first staged without timing (on SQLite and PostgreSQL), then, on PostgreSQL,
played for real by two threads whose INSERTs meet on the unique index."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select

from bot.platform import matching
from bot.platform import rules as p
from bot.platform.matching import refresh
from storage.models import Match, Need, Offer, Person
from storage.taxonomy import Answer, Region
from tests.bot.test_matching import delegate, need_form, offer_form
from tests.races import after_first_read, wait_until_blocked_behind


def count_matches(database) -> int:
    with database() as check:
        return check.scalar(select(func.count()).select_from(Match))


def test_a_need_saved_while_its_offer_is_edited_makes_one_match_announced_once(database, clock):
    with database() as setup:
        now = clock.now()
        kh = delegate(setup, "UKH1", "KH", now)
        no = delegate(setup, "UNO1", "NO", now)
        offer_id = p.post(setup, no, offer_form(regions=[Region.AFRICA]), now=now).id  # not for Cambodia yet
        setup.commit()
    clock.advance(minutes=5)
    now = clock.now()
    editing, saving = database(), database()
    announced_by_edit = []

    # The need's refresh has found no match for it; the offer's edit, now serving Cambodia, is saved and
    # refreshed, and makes the match; only then does the need's refresh rank the offer and insert.
    def edit_the_offer():
        person = editing.get(Person, no.id)
        offer = p.edit(editing, person, "offer", offer_id, offer_form(countries=["KH"]), now=now)
        editing.commit()  # as the listener does, then the flow matches and commits
        announced_by_edit.extend(refresh(editing, offer, now=now))
        editing.commit()

    try:
        need = p.post(saving, saving.get(Person, kh.id), need_form(), now=now)
        saving.commit()
        staged = after_first_read(saving, Match, edit_the_offer)
        announced_by_need = refresh(saving, need, now=now)
        saving.commit()
        assert staged
        assert [(m.need_id, m.offer_id) for m in announced_by_edit] == [(need.id, offer_id)]
        assert announced_by_need == []  # already announced by the other side: not twice
        [match] = announced_by_edit
        assert match.need.title == need.title and match.offer.id == offer_id
    finally:
        editing.close()
        saving.close()
    assert count_matches(database) == 1
    with database() as check:
        [match] = check.scalars(select(Match))
        assert (match.need_id, match.offer_id) == (need.id, offer_id)
        assert match.score == pytest.approx(0.35 + 0.25 + 0.10)
        assert {"reason": "country", "state": "KH"} in match.reasons


def test_two_refreshes_of_one_pair_on_postgresql_meet_on_the_unique_index(database, engine, clock):
    """Two threads, two sessions, the need's refresh and the offer's started together. The first INSERT
    of the match holds its transaction open until PostgreSQL shows the second INSERT waiting on it (the
    unique index makes it wait for the first to commit or roll back); then the first commits and the
    second must do nothing."""
    if engine.dialect.name != "postgresql":
        pytest.skip("two connections writing at once: the genuinely concurrent leg is PostgreSQL's")
    with database() as setup:
        now = clock.now()
        kh = delegate(setup, "UKH1", "KH", now)
        no = delegate(setup, "UNO1", "NO", now)
        offer_id = p.post(setup, no, offer_form(countries=["KH"]), now=now).id
        need_id = p.post(setup, kh, need_form(), now=now).id
        setup.commit()

    first_insert = threading.Lock()
    held: list[bool] = []

    @event.listens_for(engine, "after_cursor_execute")
    def hold_the_first_insert(connection, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("INSERT INTO MATCHES"):
            return
        with first_insert:
            if held:
                return  # the second INSERT, released once the first transaction ended
            held.append(True)
        wait_until_blocked_behind(engine, connection.connection.driver_connection.info.backend_pid)

    barrier = threading.Barrier(2, timeout=10)
    announced: dict[str, list[tuple[int, int]]] = {}
    failures: list[BaseException] = []

    def run(side: str) -> None:
        try:
            with database() as session:
                entry = session.get(Need, need_id) if side == "need" else session.get(Offer, offer_id)
                barrier.wait()
                announced[side] = [(m.need_id, m.offer_id) for m in refresh(session, entry, now=now)]
                session.commit()
        except BaseException as error:
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(side,), name=f"refresh-{side}") for side in ("need", "offer")]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        event.remove(engine, "after_cursor_execute", hold_the_first_insert)
    assert failures == []
    assert held  # the INSERTs did meet
    assert sorted(len(pairs) for pairs in announced.values()) == [0, 1]  # announced by exactly one side
    assert [pair for pairs in announced.values() for pair in pairs] == [(need_id, offer_id)]
    assert count_matches(database) == 1


def test_a_match_dismissed_before_the_racing_insert_is_left_as_it_is(database, clock):
    with database() as setup:
        now = clock.now()
        kh = delegate(setup, "UKH1", "KH", now)
        no = delegate(setup, "UNO1", "NO", now)
        offer_id = p.post(setup, no, offer_form(countries=["KH"]), now=now).id
        setup.commit()
    other, saving = database(), database()
    need = p.post(saving, saving.get(Person, kh.id), need_form(), now=now)
    saving.commit()

    # Between the need's "is there a match?" and its insert, the offer's refresh makes the match and the
    # offering State already calls it not relevant.
    def make_and_dismiss():
        [made] = refresh(other, other.get(Offer, offer_id), now=now)
        other.commit()
        matching.answer(other, other.get(Person, no.id), made.id, accept=False, now=now)
        other.commit()

    try:
        staged = after_first_read(saving, Match, make_and_dismiss)
        clock.advance(minutes=1)
        assert refresh(saving, need, now=clock.now()) == []
        saving.commit()
        assert staged
    finally:
        other.close()
        saving.close()
    with database() as check:
        [match] = check.scalars(select(Match))
        assert match.offer_answer == Answer.NOT_RELEVANT
        assert match.updated_at == now  # not re-scored by the refresh that lost the race
