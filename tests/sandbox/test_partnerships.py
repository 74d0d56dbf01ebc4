"""Partnerships in the sandbox, scripted as people would use them through the page: Cambodia's focal point
forms one with Mines Advisory Group in the two steps of `/partnership new`, MAG's officer confirms it from
her DM and it is active; the demo workspace holds one partnership at risk, which ISU staff see on the App
Home, and one whose first check-in "+1 week" brings to Cambodia's focal point, in French."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.partnerships.progress import progress
from bot.sandbox import demo
from bot.sandbox.clock import SandboxClock
from bot.sandbox.run import start
from storage.db import make_engine, make_session_factory
from storage.models import Partnership, PartnershipStatus
from storage.partnerships import answers_of
from tests.sandbox.test_scripted import dm, open_modal, until, values_of

CAMBODIA, COLOMBIA, NORWAY, FATIMA, ANNA = demo.CAMBODIA, demo.COLOMBIA, demo.NORWAY, demo.FATIMA, demo.ADMINS[0]
START = datetime(2027, 2, 1, 9, tzinfo=UTC)  # a Monday: 16:00 in Phnom Penh
STEP1 = {"state": "static_select", "partners": "multi_static_select", "kind": "static_select"}
STEP2 = {"ownership": "checkboxes", "rhythm": "radio_buttons", "tell_isu": "checkboxes"}


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'sandbox.sqlite3'}"


@pytest.fixture
def sandbox(database_url):
    running, _web, stop = start(port=0, database_url=database_url, clock=SandboxClock(START), scheduler=False)
    try:
        yield running
    finally:
        stop()


def partnerships_in(database_url: str) -> list[tuple[Partnership, bool]]:
    """Every partnership in the sandbox's database, with whether it reads as at risk today."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            found = list(session.query(Partnership).order_by(Partnership.id))
            answers = answers_of(session, [p.id for p in found])
            return [(p, progress(p, answers[p.id], today=START.date()).at_risk) for p in found]
    finally:
        engine.dispose()


def button(message: dict, action_id: str) -> dict:
    return next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == action_id)


def test_cambodia_forms_a_partnership_with_mines_advisory_group_who_confirms_it_and_it_is_active(sandbox,
                                                                                              database_url):
    stand_in = sandbox.stand_in
    first = open_modal(sandbox, CAMBODIA, "/partnership", "new", callback_id="partnership.parties")
    partners = next(b for b in first["blocks"] if b.get("block_id") == "partners")["element"]
    mag = next(o["value"] for g in partners["option_groups"] for o in g["options"]
               if o["text"]["text"] == "Mines Advisory Group")
    assert sandbox.submit(CAMBODIA, first["id"], values_of("partnership.parties", {
        "state": "KH", "partners": [mag], "kind": "bilateral"}, STEP1)) == {"ok": True}
    second = until(sandbox, lambda: next((v for v in stand_in.views(CAMBODIA)
                                          if v.get("callback_id") == "partnership.terms"), None))
    assert "Mines Advisory Group" in json.dumps(second["blocks"], ensure_ascii=False)  # what MAG will do
    answer = sandbox.submit(CAMBODIA, second["id"], values_of("partnership.terms", {
        "responsibilities.KH": "Le CMAC attribue les zones et contrôle la qualité.",
        f"responsibilities.{mag}": "Two clearance teams in Battambang.",
        "targets": "120 | hectares libérés | 2028-06-30\n"
                   "300 | survivants assistés | 2028-12-31 | femmes 120, hommes 100, filles 40, garçons 40",
        "commitments": "Mines Advisory Group | en nature | deux équipes de déminage",
        "ownership": ["plan"], "rhythm": "3", "tell_isu": ["yes"]}, STEP2))
    assert answer == {"ok": True}, answer
    assert stand_in.views(CAMBODIA) == []

    # MAG's officer gets the terms in her DM, and confirms them for her organisation.
    terms = until(sandbox, lambda: next((m for m in stand_in.messages(stand_in.dm_channel_id(FATIMA))
                                         if "partnership.confirm" in json.dumps(m)), None))
    assert "Two clearance teams in Battambang." in json.dumps(terms, ensure_ascii=False)
    assert sandbox.action(FATIMA, {"container": "message", "channel": stand_in.dm_channel_id(FATIMA),
                                   "message_ts": terms["ts"], "block_id": "",
                                   "action": {"type": "button", **button(terms, "partnership.confirm")}})["ok"]
    until(sandbox, lambda: "is active: every party has confirmed its terms" in dm(sandbox, FATIMA))
    until(sandbox, lambda: "est actif : toutes les parties ont confirmé ses termes" in dm(sandbox, CAMBODIA))

    formed, _at_risk = partnerships_in(database_url)[-1]
    assert (formed.state_code, formed.status) == ("KH", PartnershipStatus.ACTIVE)
    assert sorted(p.key for p in formed.parties) == sorted(["KH", mag])
    assert abs(formed.activated_at - START) < timedelta(minutes=5)  # the sandbox's time, not the wall clock's


def test_the_demo_holds_a_partnership_at_risk_and_one_whose_first_check_in_comes_in_a_week(sandbox, database_url):
    stand_in = sandbox.stand_in
    (cambodia, cambodia_at_risk), (colombia, colombia_at_risk) = partnerships_in(database_url)
    assert (cambodia.state_code, cambodia.status, cambodia_at_risk) == ("KH", PartnershipStatus.ACTIVE, False)
    assert len(cambodia.parties) == 3 and [n.area for n in cambodia.needs] == ["clearance"]
    assert (colombia.state_code, colombia.status, colombia_at_risk) == ("CO", PartnershipStatus.ACTIVE, True)

    # ISU staff see it on the App Home's overview.
    assert sandbox.open_home(ANNA)["ok"]
    home = until(sandbox, lambda: stand_in.home(ANNA))
    assert "Active: 2 · At risk: 1" in json.dumps(home["blocks"], ensure_ascii=False)

    # Nobody is asked yet; a week on, Cambodia's focal point is, in French, and so are its partners.
    assert "Point d'étape" not in dm(sandbox, CAMBODIA)
    assert sandbox.move_clock({"days": 7})["ok"]
    until(sandbox, lambda: "Point d'étape du" in dm(sandbox, CAMBODIA))
    assert f"sur le partenariat n° {cambodia.id} pour Cambodge" in dm(sandbox, CAMBODIA)
    until(sandbox, lambda: "Check-in of" in dm(sandbox, FATIMA) and "Check-in of" in dm(sandbox, NORWAY))
    assert "Check-in" not in dm(sandbox, COLOMBIA)  # Colombia's next one is weeks away
