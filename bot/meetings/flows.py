"""What follows each step of a meeting request: the ISU channel's message updated in place and a line in
its thread, the requesting delegation's message kept current and the news told to it, and, on
scheduling, the invitations with the meeting's .ics. Each send is attempted on its own: Slack refusing
one never costs the others, nor the saved change."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.i18n import Translator
from bot.meetings import blocks, rules
from bot.meetings.rules import Move
from bot.notifier import Notifier, attempt
from bot.review import Review
from bot.settings import Settings
from storage.models import MeetingInvitation, MeetingRequest, Person, ReportSharing
from storage.people import focal_point_of

log = logging.getLogger(__name__)


def delegation_contact(session: Session, request: MeetingRequest) -> Person:
    """Who hears for the requesting State: the delegate who asked, or the State's focal point when ISU
    staff asked on its behalf."""
    if request.on_behalf:
        return focal_point_of(session, request.state_code) or request.requester
    return request.requester


def _where(request: MeetingRequest) -> tuple[str | None, str | None]:
    return request.review_channel, request.review_ts


def request_submitted(session: Session, notifier: Notifier, settings: Settings, request: MeetingRequest) -> None:
    """A new request: posted for review in the ISU channel, and the delegation gets its own message."""
    review = Review(notifier, settings.isu_channel)

    def post_for_review() -> None:
        where = review.post(lambda isu: blocks.review_message(isu, request))
        rules.record_messages(request, review=where)
        session.commit()

    def tell_delegation() -> None:
        contact = delegation_contact(session, request)
        where = notifier.notify(contact, lambda tr: blocks.requester_message(tr, request))
        rules.record_messages(request, requester=where)
        session.commit()

    attempt("post a meeting request for review", post_for_review, session=session)
    attempt("tell the delegation its meeting request was sent", tell_delegation, session=session)


def show_everywhere(session: Session, notifier: Notifier, settings: Settings, request: MeetingRequest) -> None:
    """The two living messages of a request, updated in place to show where it stands."""
    attempt("update the meeting request's review message", lambda: Review(notifier, settings.isu_channel).show(
        _where(request), lambda isu: blocks.review_message(isu, request)))
    if request.requester_channel and request.requester_ts:
        tr = Translator(delegation_contact(session, request).locale)
        text, shown = blocks.requester_message(tr, request)
        attempt("update the delegation's meeting message",
                lambda: notifier.update(request.requester_channel, request.requester_ts, text, shown))


def moved(session: Session, notifier: Notifier, settings: Settings, request: MeetingRequest, *, move: Move,
          actor: Person, text: str | None, now: datetime) -> None:
    """After a move: both messages show it, the thread says it, and the delegation (or, for an answer,
    nobody more) is told; a scheduled meeting sends its invitations, a withdrawn one tells the invited."""
    review = Review(notifier, settings.isu_channel)
    if move != Move.SCHEDULE:  # a scheduled meeting is shown once its invitations (the attendance) exist
        show_everywhere(session, notifier, settings, request)
    attempt("tell the ISU thread", lambda: review.thread(_where(request), blocks.thread_line(
        review.tr, move, actor.slack_user_id, text)))
    contact = delegation_contact(session, request)
    if move == Move.ASK:  # a fresh message with the question and its Answer button, kept current from now on
        def ask() -> None:
            where = notifier.notify(contact, lambda tr: blocks.requester_message(tr, request))
            rules.record_messages(request, requester=where)
            session.commit()

        attempt("ask the delegation", ask, session=session)
    elif move in blocks.TOLD and contact.id != actor.id:
        attempt("tell the delegation", lambda: notifier.notify(
            contact, lambda tr: blocks.requester_told(tr, move, request, text)))
    if move == Move.SCHEDULE:
        send_invitations(session, notifier, settings, request, now=now)
    if move == Move.RECORD:
        attempt("offer the challenges as needs", lambda: notifier.notify(
            contact, lambda tr: blocks.challenges_message(tr, request)))
    if move in (Move.DRAFT, Move.FINALISE):
        share_report(notifier, settings, request, contact)
    if move == Move.WITHDRAW:
        for invitation in request.invitations:
            attempt("tell an invitee the meeting is off", lambda i=invitation: notifier.notify(
                i.person, lambda tr: blocks.withdrawn_for_invitee(tr, request)))


def send_invitations(session: Session, notifier: Notifier, settings: Settings, request: MeetingRequest, *,
                     now: datetime) -> None:
    """Each invitee gets a DM in their own language with Accept and Decline, and the meeting's .ics; the
    delegation and the ISU thread get the .ics too."""
    new, without_focal_point = rules.invite(session, request, now=now)
    session.commit()  # the invitations are kept before anyone hears of them
    for invitation in new:
        attempt("send an invitation", lambda i=invitation: _invite(session, notifier, i, now=now), session=session)
    contact = delegation_contact(session, request)
    tr = Translator(contact.locale)
    attempt("share the meeting's .ics with the delegation", lambda: notifier.upload(
        contact.slack_user_id, blocks.ics_name(request), blocks.meeting_ics(tr, request, now=now),
        title=tr._("Add it to your calendar")))
    review = Review(notifier, settings.isu_channel)
    channel, ts = _where(request)
    attempt("post the agenda in the ISU thread", lambda: review.thread((channel, ts), blocks.agenda(request)))
    if channel and ts:
        attempt("share the meeting's .ics in the ISU thread", lambda: notifier.upload(
            channel, blocks.ics_name(request), blocks.meeting_ics(review.tr, request, now=now),
            title=review.tr._("Add it to your calendar"), thread_ts=ts, direct=False))
        if without_focal_point:
            attempt("tell the ISU thread who could not be invited", lambda: review.thread(
                (channel, ts), blocks.no_focal_point_line(review.tr, without_focal_point)))
    show_everywhere(session, notifier, settings, request)  # the attendance list, everyone pending


def _invite(session: Session, notifier: Notifier, invitation: MeetingInvitation, *, now: datetime) -> None:
    tr = Translator(invitation.person.locale)
    channel, ts = notifier.notify(invitation.person, lambda tr: blocks.invitation_message(tr, invitation))
    rules.record_invitation_message(invitation, channel, ts)
    session.commit()
    notifier.upload(invitation.person.slack_user_id, blocks.ics_name(invitation.meeting),
                    blocks.meeting_ics(tr, invitation.meeting, now=now), title=tr._("Add it to your calendar"))


def invitation_answered(session: Session, notifier: Notifier, settings: Settings,
                        invitation: MeetingInvitation) -> None:
    """An invitee answered: their invitation shows it, the attendance list is updated, the thread says it."""
    request = invitation.meeting
    if invitation.channel and invitation.ts:
        text, shown = blocks.invitation_message(Translator(invitation.person.locale), invitation)
        attempt("update an invitation", lambda: notifier.update(invitation.channel, invitation.ts, text, shown))
    show_everywhere(session, notifier, settings, request)
    review = Review(notifier, settings.isu_channel)
    attempt("tell the ISU thread an answer", lambda: review.thread(
        _where(request), blocks.invitation_answer_line(review.tr, invitation)))


def share_report(notifier: Notifier, settings: Settings, request: MeetingRequest, contact: Person) -> None:
    """The report as a Word document and as Markdown, in the ISU thread and with the delegation; once final,
    the anonymised summary too in the thread, where the State chose to share one."""
    from bot.meetings import report

    channel, ts = _where(request)
    kinds = [False, True] if request.sharing == ReportSharing.ANONYMISED and request.report is not None else [False]
    for anonymised in kinds:
        for fmt in ("docx", "md"):
            name = report.filename(request, fmt, anonymised=anonymised)
            content = report.render(request, fmt, anonymised=anonymised)
            heading = Translator(request.language)._(report.TITLES["summary" if anonymised else "report"])
            if channel and ts:
                attempt("share the report in the ISU thread", lambda n=name, c=content, h=heading: notifier.upload(
                    channel, n, c, title=h, thread_ts=ts, direct=False))
            if not anonymised:
                attempt("share the report with the delegation", lambda n=name, c=content, h=heading: notifier.upload(
                    contact.slack_user_id, n, c, title=h))
