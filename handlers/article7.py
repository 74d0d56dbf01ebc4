"""The **Report submitted** button of the Article 7 reminders: a delegate records their State's report as
received (ISU staff: any State's), and the reminders for it stop."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.reminders import article7
from bot.reminders.article7_blocks import SUBMITTED, read_submitted, recorded_text
from handlers.commands import Subcommands
from handlers.modals import after_ack
from storage.models import ReportSource


def register(app: App, pfp: Subcommands) -> None:
    app.action(SUBMITTED)(report_submitted)


def report_submitted(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    state_code, year = read_submitted(action)
    ack()

    def record() -> None:
        session, now = context["db"], context["clock"].now()
        recording = article7.mark_received(session, context["person"], state_code=state_code, year=year, now=now,
                                           source=ReportSource.BUTTON)
        session.commit()
        # The reminder's button is replaced by the answer, so nobody presses it twice.
        context["notifier"].tell(context, recorded_text(context["tr"], recording), replace=True)

    after_ack(body, context, record)
