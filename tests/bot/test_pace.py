"""The pace of messages to Slack (bot/pace.py), on a fake clock: nothing here really sleeps."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from bot.pace import Pace
from bot.settings import Settings
from bot.slack import make_notifier


class FakeTime:
    """A monotonic clock that only moves when someone sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def paced(interval: float = 1.0) -> tuple[Pace, FakeTime]:
    time = FakeTime()
    return Pace(interval, clock=time.clock, sleep=time.sleep), time


def post(pace: Pace, channel: str, *, time: FakeTime | None = None, taking: float = 0.0) -> None:
    """One message: its turn, then Slack's answer `taking` seconds later."""
    with pace.turn(channel):
        if time is not None:
            time.now += taking


def test_two_messages_to_one_channel_are_an_interval_apart():
    pace, time = paced(1.0)
    post(pace, "D0KHMER")
    assert time.now == 0.0 and time.sleeps == []  # the first goes at once
    post(pace, "D0KHMER")
    assert time.now == 1.0 and time.sleeps == [1.0]
    post(pace, "D0KHMER")
    assert time.now == 2.0


def test_a_message_waits_only_for_what_is_left_of_the_interval():
    pace, time = paced(1.0)
    post(pace, "C0ISU")
    time.now = 0.25
    post(pace, "C0ISU")
    assert time.sleeps == [0.75]
    time.now = 5.0
    post(pace, "C0ISU")
    assert time.sleeps == [0.75]  # long after the last one: no wait


def test_the_next_turn_is_an_interval_after_slack_answered_the_last_message():
    pace, time = paced(1.0)
    post(pace, "D0KHMER", time=time, taking=0.3)  # however late it arrived, it was there by its answer
    post(pace, "D0KHMER")
    assert time.sleeps == [pytest.approx(1.0)] and time.now == pytest.approx(1.3)


def test_a_message_that_failed_still_spaces_the_next_one():
    pace, time = paced(1.0)
    with pytest.raises(ConnectionError), pace.turn("D0KHMER"):
        time.now += 0.5
        raise ConnectionError
    post(pace, "D0KHMER")
    assert time.now == pytest.approx(1.5)


def test_different_channels_do_not_wait_for_each_other():
    pace, time = paced(1.0)
    for channel in ("D0KHMER", "D0SENEG", "C0ISU", "C0PLATFORM"):
        post(pace, channel)
    assert time.sleeps == [] and time.now == 0.0


def test_threads_posting_to_one_channel_each_get_their_own_turn():
    time = FakeTime()
    pace = Pace(1.0, clock=time.clock, sleep=time.sleeps.append)  # the clock stands still: each turn is distinct
    start = threading.Barrier(8)

    def send() -> None:
        start.wait()
        post(pace, "D0KHMER")

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(time.sleeps) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]  # and one went at once


def test_an_interval_of_zero_never_waits():
    pace, time = paced(0)
    for _ in range(100):
        post(pace, "D0KHMER")
    assert time.sleeps == [] and len(pace) == 0


def test_channels_whose_turn_is_long_past_are_forgotten():
    pace, time = paced(1.0)
    for number in range(1000):
        post(pace, f"D{number:06d}")
    assert len(pace) == 1000
    time.now = 120.0
    post(pace, "C0ISU")
    assert len(pace) == 1


@pytest.mark.parametrize("interval", [-1.0, float("nan")])
def test_an_interval_must_be_zero_or_more_seconds(interval):
    with pytest.raises(ValueError):
        Pace(interval)


def test_the_processs_notifier_keeps_the_pace_the_settings_give():
    settings = Settings(slack_bot_token="xoxb-1", slack_signing_secret="secret", isu_channel="C0ISU")
    assert make_notifier(settings).pace.interval == 1.0
    assert make_notifier(replace(settings, slack_pace_seconds=0.5)).pace.interval == 0.5
