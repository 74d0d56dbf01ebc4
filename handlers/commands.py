"""`/pfp <word> ...`: one slash command, routed to the capability that owns each word."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, BoltContext

from bot import payloads
from bot.errors import N_, PfpError

Subcommand = Callable[..., None]
_SHOWN_MAX = 40


class Subcommands:
    def __init__(self) -> None:
        self._handlers: dict[str, Subcommand] = {}

    def add(self, word: str) -> Callable[[Subcommand], Subcommand]:
        def decorator(handler: Subcommand) -> Subcommand:
            self._handlers[word] = handler
            return handler

        return decorator

    def __call__(self, ack: Ack, command: dict, context: BoltContext) -> None:
        word, _, args = payloads.command_text(command).partition(" ")
        handler = self._handlers.get(word.lower() or "help")
        if handler is None:
            shown = word if len(word) <= _SHOWN_MAX else word[:_SHOWN_MAX] + "…"
            raise PfpError(N_("I do not know `/pfp {word}`. Type `/pfp help` to see what I can do."), word=shown)
        handler(ack=ack, args=args.strip(), command=command, context=context)
