"""Block Kit of the reminders, in the recipient's language."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ContextBlock, MarkdownTextObject

from bot.blocks import section
from bot.calendar.blocks import occurrence_line
from bot.i18n import Translator
from bot.platform.blocks import entry_card, entry_heading
from bot.reminders.article7_blocks import submitted_button
from bot.reminders.digest import DigestFacts
from bot.reminders.rules import Article7Reminder, PlatformReminder
from bot.text import Mrkdwn, StateCode

POST_NEED = "reminder.post_need"


def article7_message(tr: Translator, reminder: Article7Reminder, *, today: date) -> tuple[str, list[Block]]:
    """The Article 7 reminder (recommendation 14(b)): what is due and when, and an invitation to state
    the challenges and needs under the heading *cooperation and assistance*, with a button to post a need."""
    state, covered, deadline = StateCode(reminder.state_code), reminder.year - 1, reminder.deadline
    if reminder.offset < 0:
        text = tr.mrkdwn(
            "Reminder: the Article 7 transparency report of {state}, covering {covered}, is due by {deadline} "
            "({days} days from today).", state=state, covered=covered, deadline=deadline,
            days=(deadline - today).days)
    else:
        text = tr.mrkdwn(
            "The Article 7 transparency report of {state}, covering {covered}, was due on {deadline} and is not "
            "yet recorded as received. If it has been sent, press Report submitted; otherwise please send it "
            "to the ISU as soon as you can.", state=state, covered=covered, deadline=deadline)
    ask = tr.mrkdwn(
        "In the report, please describe your State's challenges and needs under the heading *cooperation and "
        "assistance*. If your State needs help, you can also post a need on the Platform for Partnerships, where "
        "States in a position to assist will see it.")
    buttons = [ButtonElement(text=tr._("Post a need"), action_id=POST_NEED, style="primary"),
               submitted_button(tr, reminder.state_code, reminder.year)]
    blocks: list[Block] = [
        section(text), section(ask), ActionsBlock(elements=buttons),
        ContextBlock(elements=[MarkdownTextObject(text=tr.mrkdwn(
            "You receive this as the focal point of {state}. Type `/pfp calendar` for the Convention's dates.",
            state=state))]),
    ]
    return text, blocks


ENTRIES_SHOWN = 10  # a message holds 50 blocks at most; the App Home lists them all
POST_OFFER = "reminder.post_offer"


def platform_message(tr: Translator, reminder: PlatformReminder, entries: list, *, today: date,
                     now: datetime) -> tuple[str, list[Block]]:
    """Recommendation 14(d), ahead of a meeting: the State's entries, each a click from Still current or
    Edit, and buttons to post a need or an offer; a State with no entry is invited to post one."""
    state, meeting = StateCode(reminder.state_code), reminder.meeting
    text = tr.mrkdwn(
        "{meeting} open on {day} ({days} days from today). Please bring what {state} has on the Platform for "
        "Partnerships up to date, so that States in a position to assist see your current needs and offers.",
        meeting=meeting.heading(tr), day=meeting.starts_on, days=(meeting.starts_on - today).days, state=state)
    blocks: list[Block] = [section(text)]
    if entries:
        blocks.append(section(tr.mrkdwn("Is each of these still current? Press *Still current*, or *Edit* it.")))
        for entry in entries[:ENTRIES_SHOWN]:
            blocks += entry_card(tr, entry, now=now, actions=True)
        if len(entries) > ENTRIES_SHOWN:
            more = len(entries) - ENTRIES_SHOWN
            blocks.append(section(tr.mrkdwn("…and {more} more on the App Home tab.", more=more)))
    else:
        blocks.append(section(tr.mrkdwn(
            "{state} has nothing on the Platform yet. Post what your State needs, or what it can offer: it takes "
            "a minute, and the bot tells you when someone can help.", state=state)))
    blocks.append(ActionsBlock(elements=[
        ButtonElement(text=tr._("Post a need"), action_id=POST_NEED, style="primary"),
        ButtonElement(text=tr._("Post an offer"), action_id=POST_OFFER),
    ]))
    return text, blocks


def stale_message(tr: Translator, entry, *, now: datetime) -> tuple[str, list[Block]]:
    """An entry nobody confirmed for six months: still current, to change, or to withdraw?"""
    text = tr.mrkdwn(
        "{heading} has not been confirmed for six months, so it no longer shows in the default browse and is no "
        "longer matched. Is it still current? Press *Still current*, change it, or withdraw it.",
        heading=entry_heading(tr, entry))
    return text, [section(text), *entry_card(tr, entry, now=now, actions=True)]


def digest_message(tr: Translator, facts: DigestFacts) -> tuple[str, list[Block]]:
    """The ISU's weekly digest."""
    def states(codes: list[str], shown: int = 40) -> str:
        names = ", ".join(sorted((tr.country(code) for code in codes), key=str.casefold)[:shown])
        return names + (tr._(" and {more} more", more=len(codes) - shown) if len(codes) > shown else "")

    text = tr.mrkdwn("*Weekly digest of the Platform for Partnerships* (since {since})", since=facts.since.date())
    lines = [
        tr.mrkdwn("*Platform*: {new} new and {updated} updated entries.", new=len(facts.new),
                  updated=len(facts.updated)),
        tr.mrkdwn("*Registrations waiting for a decision*: {count}.", count=len(facts.waiting)),
        tr.mrkdwn("*Article 7 reports due on 30 April {year}*: {received} received; missing ({count}): {states}.",
                  year=facts.article7_year, received=facts.received, count=len(facts.missing),
                  states=states(facts.missing) or "—"),
        tr.mrkdwn("*States Parties with no focal point* ({count}): {states}.", count=len(facts.without_focal_point),
                  states=states(facts.without_focal_point) or "—"),
    ]
    coming = [occurrence_line(tr, o).replace("\n", " · ") for o in facts.coming]
    lines.append(tr.mrkdwn("*In the next 60 days*: {dates}", dates=Mrkdwn("; ".join(coming) or "—")))
    if facts.undeliverable:
        gone = ", ".join(f"{tr.country(state) if state else '—'} ({rule}: {count})"
                         for rule, state, count in facts.undeliverable)
        lines.append(tr.mrkdwn("*Reminders that could not be delivered* (the person left Slack?): {who}", who=gone))
    return text, [section(text), *[section(line) for line in lines]]
