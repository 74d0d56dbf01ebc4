"""The Slack stand-in in a process of its own, for benchmarks: the client's threads and the stand-in's then
compete for two interpreters' locks, not one, so neither slows the other's clock.

A multiprocessing manager hosts the stand-in and hands back a proxy; each thread that calls it gets its own
connection to the manager (one thread there per connection), so fifty client threads minting trigger ids do
not queue behind one another. What crosses is plain data (strings, numbers, `Opening`s, dicts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.managers import BaseManager
from typing import Any

from bot.sandbox.manifest import bot_scopes
from bot.sandbox.slack import Opening, SlackStandIn


class StandInHost:
    """Lives in the manager's process: the stand-in, started, and what a benchmark asks of it."""

    def __init__(self, token: str) -> None:
        self._fake = SlackStandIn(token=token, scopes=bot_scopes()).start()

    def base_url(self) -> str:
        return self._fake.base_url

    def pid(self) -> int:
        import os

        return os.getpid()

    def new_trigger_id(self, user_id: str) -> str:
        return self._fake.new_trigger_id(user_id)

    def new_response_url(self, user_id: str | None = None, channel: str | None = None,
                         message_ts: str | None = None) -> str:
        return self._fake.new_response_url(user_id, channel, message_ts)

    def set_latency(self, seconds: float) -> None:
        self._fake.set_latency(seconds)

    def openings(self, trigger_ids: Iterable[str]) -> dict[str, Opening]:
        return self._fake.openings(list(trigger_ids))

    def calls_to(self, method: str) -> list[tuple[str, dict]]:
        return [(c.method, c.body) for c in self._fake.calls_to(method)]

    def count(self) -> int:
        return len(self._fake.calls)

    def views(self, user_id: str) -> list[dict[str, Any]]:
        return self._fake.views(user_id)

    def clear(self) -> None:
        self._fake.clear()

    def stop(self) -> None:
        self._fake.stop()


class _Manager(BaseManager):
    pass


_Manager.register("StandInHost", StandInHost)


@contextmanager
def stand_in_process(token: str) -> Iterator[StandInHost]:
    """A proxy of a started StandInHost in its own process; stopped, and the process ended, on leaving."""
    manager = _Manager()
    manager.start()
    try:
        host = manager.StandInHost(token)  # type: ignore[attr-defined]
        try:
            yield host
        finally:
            host.stop()
    finally:
        manager.shutdown()
