"""The sandbox's time: it runs on with the wall clock from wherever the page last set it, so that a person
trying the bot can move the year on ("+30 days") and watch the reminders arrive."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SandboxClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = (start - datetime.now(UTC)) if start is not None else timedelta(0)

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._offset += delta
        return self.now()

    def go_to(self, moment: datetime) -> datetime:
        """Sets the time to `moment` (aware), from which it runs on."""
        with self._lock:
            self._offset = moment - datetime.now(UTC)
        return self.now()
