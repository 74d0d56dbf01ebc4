"""A request reviewed by ISU staff in `PFP_ISU_CHANNEL` (a registration, a meeting request): posted once
with its buttons, its message kept (channel, ts) and updated in place to show where it stands, and what
happens to it afterwards told in that message's thread. The channel is read by many, so it is written
in the Convention's working language."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import Block

from bot.i18n import Translator
from bot.notifier import Notifier

Compose = Callable[[Translator], tuple[str, list[Block]]]


class Review:
    def __init__(self, notifier: Notifier, channel: str | None) -> None:
        self._notifier, self._channel = notifier, channel
        self.tr = Translator()

    def post(self, compose: Compose) -> tuple[str, str] | None:
        """Posts the request for review; where its message is, to keep (None with no ISU channel set)."""
        if not self._channel:
            return None
        text, blocks = compose(self.tr)
        return self._notifier.post(self._channel, text, blocks)

    def show(self, where: tuple[str | None, str | None], compose: Compose) -> None:
        """The review message, updated in place to show where the request stands now."""
        channel, ts = where
        if channel and ts:
            text, blocks = compose(self.tr)
            self._notifier.update(channel, ts, text, blocks)

    def thread(self, where: tuple[str | None, str | None], text: str) -> None:
        """One line in the review message's thread: what just happened to the request."""
        channel, ts = where
        if channel and ts:
            self._notifier.post(channel, text, thread_ts=ts)
