"""Partnership check-ins over HTTP, against the loopback Slack: on the partnership's rhythm each party's
focal point is asked once, in their language, in their daytime, with Answer; 14 days on, only a party that
did not answer is reminded, once; the answer is stored (a second replaces the first) and shown in
`/partnership show`; a target whose date passed unmet brings one nudge per party, and the ISU's channel
hears where the parties agreed. Bad figures are named on their fields, and a stranger's or a forged
answer stores nothing."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

from slack_sdk import WebClient
from sqlalchemy import select

from bot.notifier import Notifier
from bot.partnerships.blocks import ANSWER, ANSWER_FORM
from bot.partnerships.rules import Proposal, confirm, form
from bot.partnerships.terms import Commitment, Kind, Target, Terms
from bot.reminders.delivery import EVENT_TYPE, Outcome
from bot.settings import ReminderSettings
from bot.work import unit_of_work
from scheduled import partnership_check_ins
from scheduled.scheduler import Scheduler
from storage import audit
from storage.models import CheckInAnswer, Partnership, ProgressRating
from storage.people import get_person
from tests.conftest import ADMIN, ISU_CHANNEL
from tests.e2e.flows import block_action, delegate, form_submission, shown_view

KH, FR, FR2, NO = "UKHMER1", "UFRANCE1", "UFRANCE2", "UNORWAY1"
SETTINGS = ReminderSettings()
FIRST = date(2027, 2, 23)  # the first quarterly check-in of a partnership active since 23 November 2026
MORNING = datetime(2027, 2, 23, 8, 30, tzinfo=UTC)  # 15:30 in Phnom Penh, 09:30 in Paris: daytime for both
TYPES = {"rating": "radio_buttons"}


def terms(*, tell_isu: bool = True) -> Terms:
    return Terms(targets=[Target(Decimal("400"), "survivors assisted", date(2027, 6, 30)),
                          Target(Decimal("120"), "hectares released", date(2028, 6, 30))],
                 commitments=[Commitment("France", amount=Decimal("250000"), currency="EUR", year=2027)],
                 tell_isu=tell_isu)


def active_partnership(bot, *, tell_isu: bool = True) -> int:  # type: ignore[no-untyped-def]
    """Cambodia (an English-speaking focal point) and France (a French-speaking one), active today."""
    for user_id, state, locale, tz, focal in ((KH, "KH", "en-GB", "Asia/Phnom_Penh", True),
                                              (FR, "FR", "fr-FR", "Europe/Paris", True),
                                              (FR2, "FR", "fr-FR", "Europe/Paris", False),
                                              (NO, "NO", "en-GB", "Europe/Oslo", True)):
        delegate(bot, user_id, state, locale=locale, focal=focal)
        bot.fake.set_user(user_id, locale=locale, tz=tz)
    with bot.session() as session, unit_of_work(session):
        partnership = form(session, get_person(session, KH), Proposal(
            state_code="KH", kind=Kind.BILATERAL, terms=terms(tell_isu=tell_isu),
            responsibilities={"KH": "Assists the survivors <!channel>", "FR": "Funds the programme."}),
            now=bot.clock.now())
        number = partnership.id
    with bot.session() as session, unit_of_work(session):
        assert confirm(session, get_person(session, FR), number, version=1, now=bot.clock.now())
    return number


def tick(bot, owner: str = "scheduler-1") -> Counter:  # type: ignore[no-untyped-def]
    with bot.session() as session:
        return partnership_check_ins.run(session, bot.clock, bot.notifier, SETTINGS, owner=owner,
                                         isu_channel=ISU_CHANNEL)


def sent_to(bot, address: str, *, channel: bool = False) -> list[dict]:  # type: ignore[no-untyped-def]
    """What the jobs sent there (Slack's accepted messages carrying a ledger key)."""
    where = address if channel else bot.fake.dm_channel_id(address)
    return [m for m in bot.fake.delivered(where) if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE]


def keys(messages: list[dict]) -> list[str]:
    return [m["metadata"]["event_payload"]["key"] for m in messages]


def answer_button_of(message: dict) -> dict:
    return next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == ANSWER)


def press_answer(bot, user_id: str, value: str, *, message_ts: str = "1700000000.000100") -> dict:  # type: ignore[no-untyped-def]
    channel = bot.fake.dm_channel_id(user_id)
    response = bot.slack.interaction(block_action(
        user_id, ANSWER, value, channel=channel, message_ts=message_ts,
        response_url=bot.fake.new_response_url(user_id, channel, message_ts),
        trigger_id=bot.fake.new_trigger_id(user_id)))
    assert response.status == 200
    return shown_view(bot)


def submit_answer(bot, user_id: str, values: dict, metadata: dict):  # type: ignore[no-untyped-def]
    response = bot.slack.interaction(form_submission(user_id, ANSWER_FORM, values, metadata=metadata, types=TYPES,
                                                     trigger_id=bot.fake.new_trigger_id(user_id)))
    bot.settle()
    assert response.status == 200
    return response


def spaced(text: str) -> str:
    """CLDR's French separates thousands with a narrow no-break space: a plain one here, to read the test."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def stored_answers(bot) -> list[CheckInAnswer]:  # type: ignore[no-untyped-def]
    with bot.session() as session:
        return list(session.scalars(select(CheckInAnswer).order_by(CheckInAnswer.id)))


def answer_through_the_button(bot, user_id: str, values: dict) -> dict:  # type: ignore[no-untyped-def]
    """Presses Answer under the last question in the person's DM and submits the form it opened."""
    question = sent_to(bot, user_id)[-1]
    view = press_answer(bot, user_id, answer_button_of(question)["value"], message_ts=question["ts"])
    assert view["callback_id"] == ANSWER_FORM
    submit_answer(bot, user_id, values, json.loads(view["private_metadata"]))
    return question


def test_each_party_is_asked_once_in_its_language_and_only_the_silent_one_is_reminded(bot):
    number = active_partnership(bot)
    bot.clock.current = datetime(2027, 2, 22, 8, 30, tzinfo=UTC)  # the day before: nothing yet
    assert tick(bot)[Outcome.SENT] == 0
    bot.clock.current = MORNING
    assert tick(bot)[Outcome.SENT] == 2
    [english], [french] = sent_to(bot, KH), sent_to(bot, FR)
    assert english["text"] == ("Check-in of 23 February 2027 on partnership #1 for Cambodia: how is Cambodia doing "
                               "on its responsibilities, and where do the targets stand?")
    assert french["text"].startswith("Point d'étape du 23 février 2027 sur le partenariat n° 1 pour Cambodge : où en est France")
    shown = json.dumps(english["blocks"])
    assert "Assists the survivors &lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "400 survivors assisted by 30 June 2027" in shown
    assert keys([english]) == [f"checkin|KH|partnership-{number}-2027-02-23|+0d"]

    bot.clock.advance(hours=1)
    outcomes = tick(bot)
    assert outcomes[Outcome.SENT] == 0 and outcomes[Outcome.DONE] == 2  # once, whatever the ticks
    assert len(sent_to(bot, KH)) == len(sent_to(bot, FR)) == 1

    answer_through_the_button(bot, KH, {"rating": "on_track", "figure.0": "350", "figure.1": "",
                                        "disbursed": "", "comment": "Two new centres <@U0ALL> opened."})
    bot.clock.current = datetime(2027, 3, 9, 8, 30, tzinfo=UTC)  # 14 days on, a Tuesday
    assert tick(bot)[Outcome.SENT] == 1
    assert len(sent_to(bot, KH)) == 1
    [_, reminder] = sent_to(bot, FR)
    assert reminder["text"].startswith("Rappel : les autres parties au partenariat n° 1 pour Cambodge attendent "
                                       "toujours la réponse de France")
    assert answer_button_of(reminder)
    bot.clock.advance(days=1)
    assert tick(bot)[Outcome.SENT] == 0


def test_each_hears_in_their_own_daytime_and_a_bot_down_past_the_grace_never_asks_late(bot):
    active_partnership(bot)
    bot.clock.current = datetime(2027, 2, 23, 2, 30, tzinfo=UTC)  # 09:30 in Phnom Penh, 03:30 in Paris
    outcomes = tick(bot)
    assert outcomes[Outcome.SENT] == 1 and outcomes[Outcome.WAITING] == 1
    assert len(sent_to(bot, KH)) == 1 and sent_to(bot, FR) == []
    bot.clock.current = datetime(2027, 3, 1, 8, 30, tzinfo=UTC)  # down until Paris's grace was over
    assert tick(bot)[Outcome.SKIPPED] == 1
    assert sent_to(bot, FR) == []
    bot.clock.current = datetime(2027, 3, 9, 8, 30, tzinfo=UTC)  # neither answered: both reminded
    assert tick(bot)[Outcome.SENT] == 2
    assert [k.rsplit("|", 1)[1] for k in keys(sent_to(bot, KH))] == ["+0d", "+14d"]
    assert [k.rsplit("|", 1)[1] for k in keys(sent_to(bot, FR))] == ["+14d"]


def test_the_answer_is_stored_replaces_the_question_and_shows_in_partnership_show(bot):
    number = active_partnership(bot)
    bot.clock.current = MORNING
    tick(bot)
    question = answer_through_the_button(bot, KH, {
        "rating": "at_risk", "figure.0": "350", "figure.1": "",
        "disbursed": "2027 | 50 000 EUR", "comment": "Two centres opened. <!here> *late* rains."})
    [answer] = stored_answers(bot)
    assert (answer.rating, answer.figures, answer.due, answer.answered_by) == (
        ProgressRating.AT_RISK, {"0": "350"}, FIRST, KH)
    assert answer.disbursed == {"2027": {"EUR": "50000"}}
    dm = bot.fake.messages(bot.fake.dm_channel_id(KH))
    [replaced] = [m for m in dm if m["ts"] == question["ts"]]
    assert replaced["text"] == "Thank you, your answer is recorded for the check-in of 23 February 2027 on partnership #1."
    assert all(b["type"] != "actions" for b in replaced["blocks"])  # no second answer from an old message
    assert "&lt;!here&gt;" in json.dumps(replaced["blocks"])

    # A second answer to the same check-in replaces the first.
    answer_through_the_button(bot, KH, {"rating": "on_track", "figure.0": "360", "disbursed": "", "comment": ""})
    [answer] = stored_answers(bot)
    assert (answer.rating, answer.figures, answer.disbursed, answer.comment) == (
        ProgressRating.ON_TRACK, {"0": "360"}, {}, None)
    answer_through_the_button(bot, KH, {"rating": "at_risk", "figure.0": "350",
                                        "disbursed": "2027 | 50000 EUR", "comment": "Rains <!here> came late."})

    assert bot.slack.command("/partnership", f"show {number}", user_id=FR).status == 200
    shown = spaced(json.dumps(shown_view(bot)["blocks"], ensure_ascii=False))
    assert "▓▓▓▓▓▓▓▓▓░ 88 % 350 sur 400 survivors assisted, d'ici le 30 juin 2027" in shown
    assert "2027 : 50 000,00 € versés sur 250 000,00 € promis" in shown
    assert "Cambodge, 23 février 2027 : menacé" in shown
    assert "Rains &lt;!here&gt; came late." in shown and "<!here>" not in shown
    assert bot.slack.command("/partnership", f"show {number}", user_id=KH).status == 200
    shown = json.dumps(shown_view(bot)["blocks"], ensure_ascii=False)
    assert "350 of 400 survivors assisted, by 30 June 2027" in shown
    assert "2027: €50,000.00 disbursed of €250,000.00 pledged" in shown


def test_bad_figures_an_unknown_currency_and_an_out_of_range_rating_are_named_and_nothing_is_stored(bot):
    active_partnership(bot)
    bot.clock.current = MORNING
    tick(bot)
    question = sent_to(bot, FR)[-1]
    view = press_answer(bot, FR, answer_button_of(question)["value"], message_ts=question["ts"])
    metadata = json.loads(view["private_metadata"])
    errors = submit_answer(bot, FR, {"rating": "splendid", "figure.0": "-5", "figure.1": "beaucoup",
                                     "disbursed": "2027 | 100 XYZ", "comment": "x" * 1501}, metadata).json()["errors"]
    assert errors["rating"] == "Veuillez choisir l'une des options."
    assert errors["figure.0"] == "Le chiffre atteint ne peut pas être inférieur à zéro."
    assert errors["figure.1"].startswith("Indiquez le chiffre atteint sous forme de nombre")
    assert errors["disbursed"].startswith("Ligne 1 : XYZ n'est pas une monnaie en usage")
    assert errors["comment"].startswith("Veuillez limiter ce texte à 1500 caractères")
    errors = submit_answer(bot, FR, {"figure.0": "4000000", "disbursed": "2031 | 100 EUR"}, metadata).json()["errors"]
    assert errors["rating"] == "Veuillez choisir une option."
    assert errors["figure.0"].startswith("C'est bien au-delà de l'objectif de 400")
    assert errors["disbursed"] == "Ligne 1 : indiquez l'année du versement, de 2025 à 2027."
    assert stored_answers(bot) == []


def test_someone_who_does_not_speak_for_the_party_is_refused_and_audited(bot):
    number = active_partnership(bot)
    bot.clock.current = MORNING
    tick(bot)
    cambodia = answer_button_of(sent_to(bot, KH)[-1])["value"]
    # Cambodia's question forwarded to a French delegate, and to a State that is no party at all.
    for stranger in (FR2, NO):
        shown = json.dumps(press_answer(bot, stranger, cambodia)["blocks"], ensure_ascii=False)
        assert "can answer this check-in" in shown or "peuvent répondre à ce point d'étape" in shown
    # A form forged from France's own, naming Cambodia's party.
    view = press_answer(bot, FR, answer_button_of(sent_to(bot, FR)[-1])["value"])
    metadata = {**json.loads(view["private_metadata"]), "party": json.loads(cambodia)["party"]}
    refused = submit_answer(bot, FR, {"rating": "on_track", "figure.0": "400"}, metadata).json()
    assert refused["errors"]["rating"].startswith("Seuls les délégués de la partie interrogée peuvent répondre")
    assert stored_answers(bot) == []
    with bot.session() as session:
        refusals = audit.entries(session, action="partnership.refused", subject=f"partnership:{number}")
    assert [r.actor for r in refusals] == [FR2, NO, FR]
    assert refusals[-1].detail == "check-in KH 2027-02-23"


def what_was_answered(bot, user_id: str, value: str) -> str:  # type: ignore[no-untyped-def]
    """Presses Answer with `value`: a button the bot cannot read is answered at once (response_url), one it
    reads but that names no check-in it asked about in the form's place."""
    before = len(bot.fake.calls_to("response_url"))
    channel = bot.fake.dm_channel_id(user_id)
    response = bot.slack.interaction(block_action(user_id, ANSWER, value, channel=channel, message_ts="1.2",
                                                  response_url=bot.fake.new_response_url(user_id, channel, "1.2"),
                                                  trigger_id=bot.fake.new_trigger_id(user_id)))
    bot.settle()
    assert response.status == 200
    answers = bot.fake.calls_to("response_url")[before:]
    return answers[-1].body["text"] if answers else json.dumps(shown_view(bot)["blocks"])


def test_a_forged_answer_button_or_form_is_refused_politely(bot):
    active_partnership(bot)
    bot.clock.current = MORNING
    tick(bot)
    value = json.loads(answer_button_of(sent_to(bot, KH)[-1])["value"])
    for forged in ({**value, "partnership": "all"}, {**value, "partnership": 99999}, {**value, "due": "2027-02-24"},
                   {**value, "due": "tomorrow"}, {**value, "party": 2**40}, "{not json", [1]):
        text = what_was_answered(bot, KH, forged if isinstance(forged, str) else json.dumps(forged))
        assert "This button is out of date" in text, forged
    for metadata in ({**value, "partnership": 99999}, {**value, "due": "2026-01-01"}, {"party": value["party"]}):
        refused = submit_answer(bot, KH, {"rating": "on_track"}, metadata).json()
        assert refused["errors"]["rating"].startswith("This form is out of date"), metadata
    assert stored_answers(bot) == []


def test_a_missed_target_brings_one_nudge_per_party_and_the_isu_hears_where_the_parties_agreed(bot):
    agreed = active_partnership(bot, tell_isu=True)
    with bot.session() as session, unit_of_work(session):
        silent = form(session, get_person(session, KH), Proposal(
            state_code="KH", kind=Kind.BILATERAL, terms=terms(tell_isu=False),
            responsibilities={"KH": "Assists.", "NO": "Funds."}), now=bot.clock.now()).id
    with bot.session() as session, unit_of_work(session):
        confirm(session, get_person(session, NO), silent, version=1, now=bot.clock.now())
    bot.clock.current = datetime(2027, 7, 1, 8, 30, tzinfo=UTC)  # 30 June passed; nobody reported 400
    tick(bot)
    missed = {user: [m for m in sent_to(bot, user) if "|missed" in keys([m])[0]] for user in (KH, FR, NO)}
    assert len(missed[KH]) == 2 and len(missed[FR]) == 1 and len(missed[NO]) == 1  # Cambodia is in both
    assert missed[FR][0]["text"] == ("Un objectif du partenariat n° 1 pour Cambodge n'a pas été atteint : 400 "
                                     "survivors assisted d'ici le 30 juin 2027, et 0 à ce jour.")
    [isu] = sent_to(bot, ISU_CHANNEL, channel=True)
    assert keys([isu]) == [f"checkin|isu|partnership-{agreed}-target-0|missed"]
    assert isu["text"].startswith(f"A target of partnership #{agreed} for Cambodia was missed: 400 survivors")
    bot.clock.advance(hours=2)
    tick(bot)
    assert len(sent_to(bot, ISU_CHANNEL, channel=True)) == 1
    assert [len([m for m in sent_to(bot, u) if "|missed" in keys([m])[0]]) for u in (KH, FR, NO)] == [2, 1, 1]


def test_a_met_target_brings_no_nudge(bot):
    active_partnership(bot)
    bot.clock.current = MORNING
    tick(bot)
    answer_through_the_button(bot, FR, {"rating": "on_track", "figure.0": "400"})
    bot.clock.current = datetime(2027, 7, 1, 8, 30, tzinfo=UTC)
    tick(bot)
    assert not [m for u in (KH, FR) for m in sent_to(bot, u) if "|missed" in keys([m])[0]]
    assert sent_to(bot, ISU_CHANNEL, channel=True) == []


def test_the_scheduler_runs_the_check_ins_and_isu_staff_pause_them(bot):
    active_partnership(bot)
    bot.clock.current = MORNING
    pause = bot.slack.command("/pfp", "admin reminders pause checkin", user_id=ADMIN).json()["text"]
    assert pause == "The checkin reminders are paused: none will be sent until you resume them."
    client = WebClient(token=bot.fake.token, base_url=bot.fake.base_url)
    scheduler = Scheduler(bot.engine, bot.clock, Notifier(client), SETTINGS, isu_channel=ISU_CHANNEL)
    try:
        scheduler.tick()  # the ISU's digest of Monday may go: the check-ins do not
        assert sent_to(bot, KH) == sent_to(bot, FR) == []
        bot.slack.command("/pfp", "admin reminders resume checkin", user_id=ADMIN)
        assert scheduler.tick()[Outcome.SENT] == 2
        assert len(sent_to(bot, KH)) == len(sent_to(bot, FR)) == 1
    finally:
        scheduler.stop()
    with bot.session() as session:
        assert session.get(Partnership, 1).status.value == "active"
