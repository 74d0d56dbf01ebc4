"""Partnerships' check-ins: on each partnership's rhythm every party's contact is asked how its part goes
(Answer), reminded once 14 days later if it has not answered, and told once when a target's date passed
unmet; the ISU's channel too, where the parties agreed. All under one rule, `checkin`, for a pause."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.notifier import Notifier
from bot.partnerships import blocks
from bot.partnerships.check_ins import CHECK_IN, check_ins_due, missed_targets_due, to_party
from bot.reminders.delivery import Zones, deliver_all, time_zones, to_channel
from bot.settings import ReminderSettings
from storage.partnerships import answers_of, get_partnership

RULE = CHECK_IN


def run(session: Session, clock: Clock, notifier: Notifier, settings: ReminderSettings, *, owner: str,
        isu_channel: str | None = None, zones: Zones | None = None) -> Counter:
    now = clock.now()
    today, destine = now.date(), to_party(zones or time_zones(notifier))

    def ask(check_in, tr, _today):
        return blocks.check_in_message(tr, get_partnership(session, check_in.partnership_id), check_in)

    def missed(nudge, tr, today):
        partnership = get_partnership(session, nudge.partnership_id)
        answers = answers_of(session, [partnership.id])[partnership.id]
        return blocks.missed_target_message(tr, partnership, answers, nudge, today=today)

    outcomes = deliver_all(session, notifier, check_ins_due(session, today), ask, now=now, owner=owner,
                           settings=settings, destine=destine)
    outcomes += deliver_all(session, notifier, missed_targets_due(session, today, to_isu=False), missed, now=now,
                            owner=owner, settings=settings, destine=destine)
    if isu_channel is not None:
        outcomes += deliver_all(session, notifier, missed_targets_due(session, today, to_isu=True), missed, now=now,
                                owner=owner, settings=settings, destine=to_channel(isu_channel))
    return outcomes
