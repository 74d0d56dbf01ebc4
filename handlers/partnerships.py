"""`/partnership new`: the partnership's form, in two steps (who, then what each will do and the terms), and
**Form a partnership** on an accepted match or a meeting's commitments, which opens the second step filled in;
`/partnership list` and `/partnership show N` (with **Completed** for the affected State); **Confirm** and
**Propose a change**, by which a party answers for itself only; and a check-in's **Answer** button and form."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext
from slack_sdk.models.views import View

from bot import payloads
from bot.blocks import field_errors
from bot.errors import N_, FieldErrors, PfpError
from bot.notifier import attempt
from bot.partnerships import answers, blocks, flows, rules
from bot.partnerships.terms import Terms
from bot.platform.rules import require_delegate
from bot.registration.people import is_isu
from bot.registration.rules import states_parties_on
from handlers.commands import Subcommands
from handlers.modals import after_ack, open_now, open_then_fill
from storage.partnerships import answers_of, organisations

USAGE = N_("Type `/partnership new` to propose a partnership for completion, `/partnership list` to see yours, "
           "or `/partnership show 12` to read one.")
_SHOW = re.compile(r"^show\s+#?(\d{1,9})$", re.IGNORECASE)


def register(app: App, pfp: Subcommands) -> None:
    app.command("/partnership")(partnership_command)
    app.view(blocks.PARTIES_FORM)(submit_parties)
    app.view(blocks.TERMS_FORM)(submit_terms)
    app.action(blocks.CONFIRM)(confirm_button)
    app.action(blocks.FORM_FROM_MATCH)(form_from_match)
    app.action(blocks.FORM_FROM_MEETING)(form_from_meeting)
    app.action(blocks.COMPLETE)(complete_button)
    app.action(blocks.CHANGE)(change_button)
    app.view(blocks.CHANGE_FORM)(submit_change)
    app.action(blocks.ANSWER)(answer_button)
    app.view(blocks.ANSWER_FORM)(submit_answer)


def _known(context: BoltContext) -> set[str]:
    return rules.known_parties(context["db"], context["clock"].now().date())


def partnership_command(ack: Ack, command: dict, context: BoltContext) -> None:
    text = payloads.command_text(command)
    if text.lower() == "list":
        ack()
        after_ack(command, context, lambda: context["notifier"].tell(
            context, *blocks.list_message(context["tr"], rules.mine(context["db"], context["person"]))))
        return
    if shown := _SHOW.match(text):
        number, trigger = int(shown.group(1)), payloads.trigger_id(command)
        ack()

        def show() -> View:
            partnership = rules.shown(context["db"], context["person"], number)
            found = answers_of(context["db"], [partnership.id])[partnership.id]
            return blocks.partnership_view(context["tr"], partnership, found, today=context["clock"].now().date(),
                                           reader=context["person"])

        open_then_fill(context, trigger, blocks.form_title(context["tr"]), body=command, build=show)
        return
    if text.lower() not in ("", "new"):
        raise PfpError(USAGE)
    person = context["person"]
    if not is_isu(person) and rules.party_key(person) is None:
        require_delegate(person)  # tells them how to register
    trigger = payloads.trigger_id(command)
    ack()
    open_now(command, context, trigger, lambda: blocks.parties_form(
        context["tr"], states_parties_on(context["db"], context["clock"].now().date()),
        organisations(context["db"]), state_code=person.state_code))


def submit_parties(ack: Ack, view: dict, context: BoltContext) -> None:
    person, tr = context["person"], context["tr"]
    try:
        parties = rules.read_parties_form(payloads.form_values(view), language=tr.language, known=_known(context))
        if not is_isu(person) and rules.party_key(person) not in (parties.state_code, *parties.partners):
            raise FieldErrors({blocks.F_STATE: (N_("You can propose a partnership your own State is a party to: "
                                                   "choose it as the affected State or as a partner."), {})})
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    session = context["db"]
    needs = rules.needs_to_serve(session, parties.state_code, person)
    ack(response_action="update", view=blocks.terms_form(tr, parties, names=rules.organisation_names(session),
                                                        needs=needs))


def submit_terms(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    tr, now = context["tr"], context["clock"].now()
    parties = rules.Parties.from_json(payloads.metadata(view), known=_known(context))
    try:
        values = payloads.form_values(view)
        responsibilities, terms = rules.read_terms_form(values, parties, language=tr.language, today=now.date())
        need_ids = rules.chosen_needs(values, parties.need_ids)
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack()

    def propose() -> None:
        session, notifier = context["db"], context["notifier"]
        partnership = rules.form(session, context["person"], rules.Proposal(
            state_code=parties.state_code, kind=parties.kind, responsibilities=responsibilities, terms=terms,
            need_ids=need_ids, source=parties.source), now=now)
        session.commit()
        unreached = flows.ask_parties(session, notifier, partnership)
        notifier.tell(context, blocks.proposed_text(tr, partnership, unreached))

    after_ack(body, context, propose)


def confirm_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    partnership_id, version = blocks.read_confirm(action)
    ack()

    def confirm() -> None:
        session, now = context["db"], context["clock"].now()
        active = rules.confirm(session, context["person"], partnership_id, version=version, now=now)
        session.commit()
        partnership = rules.get(session, partnership_id)
        # The terms stay in the message, without the button: nobody confirms twice.
        text, shown = blocks.confirmed_message(context["tr"], partnership, active=active)
        context["notifier"].tell(context, text, shown, replace=True)
        if active:
            flows.tell_active(session, context["notifier"], partnership)

    after_ack(body, context, confirm)


def form_from_match(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    """**Form a partnership** on an accepted match: the form's second step, filled in from the match."""
    match_id, trigger, tr = payloads.reference(action, "match"), payloads.trigger_id(body), context["tr"]
    ack()

    def build():  # type: ignore[no-untyped-def]
        session = context["db"]
        draft = rules.draft_from_match(session, context["person"], match_id)
        names = rules.organisation_names(session)
        return blocks.terms_form(tr, draft.parties, names=names, initial=blocks.match_initial(tr, draft, names),
                                 needs=rules.needs_to_serve(session, draft.parties.state_code, context["person"]))

    open_then_fill(context, trigger, blocks.form_title(tr), build, body=body)


def complete_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    """The affected State marks the partnership completed (in `/partnership show`): its needs are met."""
    partnership_id = payloads.reference(action, "partnership")
    ack()

    def complete() -> None:
        session, notifier = context["db"], context["notifier"]
        partnership = rules.complete(session, context["person"], partnership_id, now=context["clock"].now())
        session.commit()
        if view_id := (body.get("view") or {}).get("id"):
            found = answers_of(session, [partnership.id])[partnership.id]
            notifier.update_view(view_id, blocks.partnership_view(context["tr"], partnership, found,
                                                                  today=context["clock"].now().date(),
                                                                  reader=context["person"]))
        flows.tell_completed(session, notifier, partnership)

    after_ack(body, context, complete)


def change_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    """**Propose a change**, beside Confirm: the form filled in with the terms as they stand."""
    partnership_id, version = blocks.read_confirm(action)
    trigger, tr = payloads.trigger_id(body), context["tr"]
    ack()

    def build():  # type: ignore[no-untyped-def]
        session = context["db"]
        partnership = rules.changeable(session, context["person"], partnership_id, version=version)
        keys = [p.key for p in partnership.parties]
        parties = rules.Parties(keys[0], tuple(keys[1:]), rules.Kind(partnership.kind))
        return blocks.terms_form(tr, parties, names=rules.organisation_names(session),
                                 initial=blocks.change_initial(tr, partnership), change_of=partnership)

    open_then_fill(context, trigger, blocks.form_title(tr), build, body=body)


def submit_change(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    tr, now = context["tr"], context["clock"].now()
    partnership_id, version, keys = rules.read_change_metadata(payloads.metadata(view))
    try:
        responsibilities, terms = rules.read_terms_form(payloads.form_values(view), keys, language=tr.language,
                                                        today=now.date())
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack()

    def propose() -> None:
        session, notifier = context["db"], context["notifier"]
        partnership = rules.propose_change(session, context["person"], partnership_id, terms, version=version,
                                           now=now, responsibilities=responsibilities)
        session.commit()
        unreached = flows.ask_parties(session, notifier, partnership)
        notifier.tell(context, blocks.change_proposed_text(tr, partnership, unreached))

    after_ack(body, context, propose)


def form_from_meeting(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    """**Form a partnership** on a meeting's recorded commitments: the form filled in from them."""
    meeting_id, trigger, tr = payloads.reference(action, "meeting"), payloads.trigger_id(body), context["tr"]
    ack()

    def build():  # type: ignore[no-untyped-def]
        draft = rules.draft_from_meeting(context["db"], context["person"], meeting_id)
        return blocks.terms_form(tr, draft.parties, names=rules.organisation_names(context["db"]),
                                 initial=blocks.meeting_initial(tr, draft),
                                 needs=rules.needs_to_serve(context["db"], draft.parties.state_code, context["person"]))

    open_then_fill(context, trigger, blocks.form_title(tr), build, body=body)


def answer_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    """A check-in's Answer: the form, for one who speaks for the party asked (anyone else is refused)."""
    ref, trigger = blocks.read_answer_button(action), payloads.trigger_id(body)
    where = payloads.channel_of(body), payloads.message_ts(body)
    ack()

    def build() -> View:
        partnership, party = answers.answerable(context["db"], context["person"], ref,
                                                today=context["clock"].now().date(), message=payloads.STALE_BUTTON)
        return blocks.answer_form(context["tr"], partnership, party, ref, channel=where[0], ts=where[1])

    open_then_fill(context, trigger, blocks.form_title(context["tr"]), body=body, build=build)


def submit_answer(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    tr, now, person = context["tr"], context["clock"].now(), context["person"]
    ref, channel, ts = blocks.read_answer_form_metadata(view)
    # A refusal here (not the party's, or a form the bot did not write) is shown on the form, and audited.
    partnership, _party = answers.answerable(context["db"], person, ref, today=now.date(), message=payloads.STALE_FORM)
    assert partnership.activated_at is not None
    try:
        answer = answers.read_answer_form(payloads.form_values(view), Terms.from_json(partnership.terms),
                                          activated_on=partnership.activated_at.date(), language=tr.language,
                                          today=now.date())
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack()

    def store() -> None:
        session, notifier = context["db"], context["notifier"]
        stored = answers.record(session, person, ref, answer, now=now, message=payloads.STALE_FORM)
        session.commit()
        text, shown = blocks.answered_message(tr, rules.get(session, ref.partnership_id), stored)
        # The question is replaced, so nobody answers from an old message by mistake; else they are told.
        if channel is None or ts is None or not attempt("replace a check-in's question",
                                                        lambda: notifier.update(channel, ts, text, shown)):
            notifier.tell(context, text, shown)

    after_ack(body, context, store)
