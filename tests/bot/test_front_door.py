"""The front door: work after an acknowledgement waits while other requests still wait for theirs."""

from __future__ import annotations

import threading
import time

from bot.work import FrontDoor


def test_work_waits_until_every_request_waiting_at_the_door_is_answered():
    front = FrontDoor(patience=10)
    front.arrived()
    front.arrived()
    started = threading.Event()
    done = threading.Event()

    def work() -> None:
        started.set()
        front.wait_for_quiet()
        done.set()

    threading.Thread(target=work, daemon=True).start()
    assert started.wait(2)
    front.answered()
    assert not done.wait(0.2)  # one request still waits for its answer
    front.answered()
    assert done.wait(2)


def test_work_is_delayed_never_starved():
    front = FrontDoor(patience=0.05)
    front.arrived()  # a crowd that never ends
    began = time.monotonic()
    front.wait_for_quiet()
    assert 0.04 <= time.monotonic() - began < 2


def test_with_nobody_at_the_door_work_goes_at_once():
    front = FrontDoor(patience=10)
    began = time.monotonic()
    front.wait_for_quiet()
    assert time.monotonic() - began < 1
