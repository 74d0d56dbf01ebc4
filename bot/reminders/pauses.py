"""ISU staff pause and resume a series of reminders (`/pfp admin reminders pause article7`), audited. A
paused series sends nothing; resumed, it picks up what is still within its grace, as after an outage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.errors import N_, NotAuthorised, PfpError, Refusal
from bot.meetings.reminders import MEETING
from bot.partnerships.check_ins import CHECK_IN
from bot.registration.people import is_isu
from bot.reminders.digest import DIGEST
from bot.reminders.rules import ARTICLE7, PLATFORM, STALE
from storage import audit, pauses
from storage.models import Person

RULES = (ARTICLE7, PLATFORM, STALE, DIGEST, MEETING, CHECK_IN)  # checkin: questions, reminders, missed targets


def change(session: Session, actor: Person, *, rule: str, paused: bool, now: datetime) -> bool:
    """Pauses or resumes `rule`; False when there was nothing to change. ISU staff only."""
    verb = "pause" if paused else "resume"
    if not is_isu(actor):
        raise NotAuthorised(N_("Only ISU staff can pause or resume reminders. Nothing was changed."),
                            refusal=Refusal(actor.slack_user_id, "reminders.refused", f"reminders:{rule[:32]}", verb,
                                            at=now))
    if rule not in RULES:
        raise PfpError(N_("There is no series of reminders called '{rule}'. The series are: {rules}."),
                       rule=rule[:40], rules=", ".join(RULES))
    changed = (pauses.pause(session, rule=rule, by=actor.slack_user_id, now=now) if paused
               else pauses.resume(session, rule=rule))
    if changed:
        audit.record(session, at=now, actor=actor.slack_user_id, action=f"reminders.{verb}d",
                     subject=f"reminders:{rule}")
    return changed
