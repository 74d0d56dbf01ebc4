"""Two schedulers on one PostgreSQL database against one loopback Slack, ticking at the same moments for a
simulated year: no reminder twice, none missing.

Each scheduler runs in a thread of its own, with its own engine, sessions and Slack client; they share the
injected clock and the fake Slack. At each moment a barrier releases both at once and each runs a whole
tick: every job (Article 7, the Platform updates before the meetings, stale entries, the ISU's weekly
digest). Both believe they lead: the advisory lock, which would leave one of them idle, is bypassed, so
the delivery ledger alone stands between two senders of one reminder (with its claim made to always
succeed, every reminder goes out twice and this test fails).

The moments are 02:00 and 14:00 UTC each day: the fewest that give every recipient, from Bogotá (UTC-5)
to Tokyo (UTC+9), and the ISU in Geneva, a daytime tick on every weekday (checked by the first test),
so a year of them runs in well under a minute. What should have gone out is worked out here from the
rules as the README states them, not from the code under test."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.calendar import COMMAND_LINE, EventForm, add_event, unit_of_work
from bot.notifier import Notifier
from bot.reminders.delivery import EVENT_TYPE, Outcome
from bot.settings import ReminderSettings
from scheduled.scheduler import Scheduler
from storage.db import make_engine
from storage.models import ConventionEvent, Delivery, DeliveryStatus, EventKind, Need, Offer
from tests.conftest import ISU_CHANNEL
from tests.e2e.flows import delegate, need_values, offer_values, post_entry

# state: its delegate, their language and time zone, whether they are its focal point
DELEGATES = {
    "KH": ("UKHMER1", "fr-FR", "Asia/Phnom_Penh", True),  # UTC+7
    "SN": ("USENEG1", "fr-FR", "Africa/Dakar", True),  # UTC
    "CO": ("UCOLOM1", "es-419", "America/Bogota", True),  # UTC-5
    "JP": ("UJAPAN1", "en-US", "Asia/Tokyo", True),  # UTC+9
    "NO": ("UNORWAY1", "en-GB", "Europe/Oslo", False),  # a delegate, but Norway has no focal point
}
FOCAL_STATES = sorted(state for state, (*_, focal) in DELEGATES.items() if focal)
START = datetime(2027, 1, 4, 2, tzinfo=UTC)  # a Monday: 09:00 in Phnom Penh, 11:00 in Tokyo
STEP = timedelta(hours=12)  # then 14:00 UTC: 09:00 in Bogotá, 14:00 in Dakar, 15:00 or 16:00 in Geneva
END = START + timedelta(weeks=52)  # Monday 3 January 2028, not ticked
MOMENTS = [START + n * STEP for n in range((END - START) // STEP)]
POSTED = datetime(2027, 1, 3, 12, tzinfo=UTC)  # the entries, never confirmed again
MEETINGS = [  # kind, title, first day
    (EventKind.INTERSESSIONAL, "Intersessional Meetings 2027", date(2027, 6, 14)),
    (EventKind.OTHER, "Pledging conference", date(2027, 9, 20)),  # not a meeting the States are asked before
    (EventKind.MSP, "Twenty-Third Meeting of the States Parties", date(2027, 11, 29)),
]


class Leaderless(Scheduler):
    """A scheduler that believes it leads, whoever holds the advisory lock."""

    def leads(self) -> bool:
        return True


@pytest.fixture
def year(bot):
    """The workspace on 3 January 2027: the delegates, a need or an offer from three States, the meetings."""
    for state, (user_id, locale, tz, focal) in DELEGATES.items():
        delegate(bot, user_id, state, focal=focal, locale=locale)
        bot.fake.set_user(user_id, locale=locale, tz=tz)  # after: delegate() sets a Geneva user
    bot.clock.current = POSTED
    post_entry(bot, "UKHMER1", "need", need_values())
    post_entry(bot, "USENEG1", "offer", offer_values())
    post_entry(bot, "UNORWAY1", "need", need_values(title="Victim assistance centre"))
    for kind, title, starts in MEETINGS:
        with bot.session() as session, unit_of_work(session, now=bot.clock.now()):
            add_event(session, COMMAND_LINE, EventForm(kind=kind, title=title, starts_on=starts,
                                                       ends_on=starts + timedelta(days=3), place="Geneva"),
                      now=bot.clock.now())
    return bot


def first_daytime(day: date, tz: str) -> datetime:
    """09:00 where the recipient is, on `day` or, if it falls on a weekend, the Monday after."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo(tz))


def expected_keys(bot) -> list[str]:
    """Every reminder of the year, from the rules as the README states them."""
    keys = [f"article7|{state}|2027|{offset}" for state in FOCAL_STATES  # 60, 30, 14, 3 days before, 7 after
            for offset in ("-60d", "-30d", "-14d", "-3d", "+7d")]
    with bot.session() as session:
        campaign = session.scalars(select(ConventionEvent.id).where(
            ConventionEvent.kind.in_([EventKind.INTERSESSIONAL, EventKind.MSP]))).all()
        entries = [(side, entry.id, entry.state_code) for side, model in (("need", Need), ("offer", Offer))
                   for entry in session.scalars(select(model))]
    keys += [f"platform|{state}|event-{event_id}|{offset}" for state in FOCAL_STATES for event_id in campaign
             for offset in ("-56d", "-28d")]  # 8 and 4 weeks before
    stale_from = POSTED.date() + timedelta(days=182)  # six months unconfirmed: 4 July 2027
    for side, entry_id, state in entries:
        if state not in FOCAL_STATES:
            continue  # nobody to nudge
        tz = DELEGATES[state][2]
        days = [stale_from + timedelta(days=30 * n) for n in range(12)]  # one nudge every 30 days
        keys += [f"stale|{state}|{side}-{entry_id}-{POSTED.date().isoformat()}|{n}"
                 for n, day in enumerate(days) if first_daytime(day, tz) <= MOMENTS[-1]]
    mondays = [START.date() + timedelta(weeks=n) for n in range(52)]
    keys += [f"digest|ISU|{monday.isoformat()}|+0d" for monday in mondays]
    return sorted(keys)


def tick_together(clock, schedulers: list[Scheduler], moments: list[datetime]) -> list[Counter]:
    """Each scheduler ticks in a thread of its own at each moment; a barrier releases them together, once
    the last to arrive has moved the clock on. Returns each one's outcomes; raises what a thread raised."""
    upcoming = iter(moments)
    barrier = threading.Barrier(len(schedulers), action=lambda: setattr(clock, "current", next(upcoming)),
                                timeout=60)
    outcomes = [Counter() for _ in schedulers]
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            for _ in moments:
                barrier.wait()
                outcomes[index] += schedulers[index].tick()
        except BaseException as error:
            errors.append(error)
            barrier.abort()  # the other thread stops waiting at once

    threads = [threading.Thread(target=run, args=(i,), name=s.owner) for i, s in enumerate(schedulers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise next((e for e in errors if not isinstance(e, threading.BrokenBarrierError)), errors[0])
    return outcomes


def accepted_reminders(fake) -> list[dict]:
    """Every message the loopback Slack accepted, in any channel, that carries a reminder's key."""
    named = {call.body.get("channel", "") for call in fake.calls_to("chat.postMessage")}
    channels = {fake.dm_channel_id(c) if c[:1] in ("U", "W") else c for c in named}
    return [{**message, "channel": channel} for channel in sorted(channels) for message in fake.delivered(channel)
            if (message.get("metadata") or {}).get("event_type") == EVENT_TYPE]


def test_every_recipient_has_a_daytime_tick_on_every_weekday_of_the_year():
    zones = {tz for _, _, tz, focal in DELEGATES.values() if focal} | {"Europe/Zurich"}  # the ISU's digest
    weekdays = {day for day in (START.date() + timedelta(days=n) for n in range(364)) if day.weekday() < 5}
    for tz in zones:
        local = [moment.astimezone(ZoneInfo(tz)) for moment in MOMENTS]
        assert weekdays <= {m.date() for m in local if 9 <= m.hour < 17}, tz


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two connections at once: PostgreSQL's
def test_two_schedulers_ticking_together_for_a_year_send_each_reminder_once_and_none_is_missing(year,
                                                                                              database_url):
    bot = year
    engines = [make_engine(database_url) for _ in range(2)]
    schedulers = [Leaderless(engine, bot.clock, Notifier(WebClient(token=bot.fake.token, base_url=bot.fake.base_url)),
                             ReminderSettings(), owner=f"scheduler-{n}", isu_channel=ISU_CHANNEL)
                  for n, engine in enumerate(engines, start=1)]
    try:
        outcomes = tick_together(bot.clock, schedulers, MOMENTS)
    finally:
        for scheduler, engine in zip(schedulers, engines, strict=True):
            scheduler.stop()
            engine.dispose()

    expected = expected_keys(bot)
    assert len(expected) == 4 * 5 + 4 * 2 * 2 + 2 * 7 + 52  # Article 7, Platform, stale (7 nudges each), digest
    sent = accepted_reminders(bot.fake)
    keys = [message["metadata"]["event_payload"]["key"] for message in sent]
    twice = sorted(key for key, n in Counter(keys).items() if n > 1)
    assert not twice, f"sent more than once: {twice}"
    assert sorted(keys) == expected, {"missing": sorted(set(expected) - set(keys)),
                                      "unexpected": sorted(set(keys) - set(expected))}
    assert sum(o[Outcome.SENT] for o in outcomes) == len(expected)
    assert all(o[Outcome.SENT] for o in outcomes), outcomes  # both really raced: neither stood idle
    with bot.session() as session:
        rows = list(session.scalars(select(Delivery)))
    assert sorted(row.key for row in rows) == expected
    assert {row.status for row in rows} == {DeliveryStatus.SENT}
    where = {message["metadata"]["event_payload"]["key"]: (message["channel"], message["ts"]) for message in sent}
    assert all((row.channel, row.ts) == where[row.key] for row in rows)  # the ledger names the very message
