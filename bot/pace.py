"""The pace of messages to Slack: Slack takes about one message a second in each channel (a DM is a
channel too), so each post waits for its channel's turn. Different channels never wait for each other;
a 429 that still comes is waited out by the client's retry handlers (bot/slack.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# How often, at most, channels whose next turn is already past are forgotten: a channel with no turn
# ahead of it waits for nothing, so forgetting it changes nothing but the size of the table.
_FORGET_EVERY = 60.0


class Pace:
    """At most one message per `interval` seconds in each channel; `interval` 0 never waits."""

    def __init__(self, interval: float = 1.0, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not interval >= 0:  # also refuses NaN
            raise ValueError(f"a pace's interval is seconds, 0 or more, not {interval!r}")
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}  # channel -> the first moment its next message may go
        self._forget_at = clock() + _FORGET_EVERY

    @contextmanager
    def turn(self, channel: str) -> Iterator[None]:
        """`with pace.turn(channel): post(...)`: waits for the channel's next turn, which it takes under a
        lock and sleeps for outside it, so threads posting to one channel get distinct turns and nobody
        waits holding the lock. The turn after it is then at least `interval` after Slack answered, not
        just after the message left: however long the message took to arrive, the next one arrives
        `interval` later at the soonest."""
        if self.interval <= 0:
            yield
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(channel, now))
            self._next[channel] = start + self.interval
            if now >= self._forget_at:
                self._next = {c: moment for c, moment in self._next.items() if moment > now}
                self._forget_at = now + _FORGET_EVERY
        if start > now:
            self._sleep(start - now)
        try:
            yield
        finally:
            with self._lock:
                answered = self._clock()
                self._next[channel] = max(self._next.get(channel, answered), answered + self.interval)

    def __len__(self) -> int:
        """How many channels it remembers (those whose next turn may still lie ahead)."""
        with self._lock:
            return len(self._next)
