"""Lock and Exit timers: the idle lock, and the daily auto log-off with its warning."""

from __future__ import annotations

import time as clock_time
from datetime import datetime, time, timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tws_companion.gui.idle import AutoLogoff, IdleLock, next_occurrence, parse_time_of_day

pytestmark = pytest.mark.gui


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# --- idle lock -------------------------------------------------------------------------------


def test_idle_fires_after_the_interval_without_input(qtbot: QtBot) -> None:
    lock = IdleLock()
    started = clock_time.monotonic()
    with qtbot.waitSignal(lock.idle, timeout=5_000):
        lock.set_interval_ms(80)
    assert clock_time.monotonic() - started >= 0.07
    assert not lock.active
    lock.stop()


def test_key_presses_keep_it_from_locking(qtbot: QtBot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    lock = IdleLock()
    fired: list[float] = []
    lock.idle.connect(lambda: fired.append(clock_time.monotonic()))
    typed: list[float] = []

    def type_a_key() -> None:
        qtbot.keyClick(field, "a")
        typed.append(clock_time.monotonic())
        if len(typed) == 8:
            ticker.stop()

    ticker = QTimer()
    ticker.timeout.connect(type_a_key)
    lock.set_interval_ms(500)
    ticker.start(100)  # 8 keys over about 800 ms: longer than the interval
    qtbot.waitUntil(lambda: bool(fired), timeout=5_000)
    assert len(typed) == 8
    assert fired[0] >= typed[-1] + 0.45  # counted from the last key, not from the start
    assert field.text() == "a" * 8
    lock.stop()


def test_never_means_no_timer_and_no_filter(qtbot: QtBot) -> None:
    lock = IdleLock()
    lock.set_interval_ms(60_000)
    assert lock.active
    lock.set_interval_ms(None)
    assert not lock.active
    assert lock.interval_ms is None
    lock.set_interval_ms(0)
    assert not lock.active


# --- auto log-off ----------------------------------------------------------------------------


def test_parse_time_of_day() -> None:
    assert parse_time_of_day("23:45") == time(23, 45)
    assert parse_time_of_day(" 7:05 ") == time(7, 5)
    assert parse_time_of_day("24:00") is None
    assert parse_time_of_day("noon") is None


def test_next_occurrence_is_today_or_tomorrow() -> None:
    morning = datetime(2024, 3, 1, 9, 0)
    assert next_occurrence(morning, time(23, 45)) == datetime(2024, 3, 1, 23, 45)
    assert next_occurrence(morning, time(8, 0)) == datetime(2024, 3, 2, 8, 0)
    assert next_occurrence(datetime(2024, 3, 1, 23, 45), time(23, 45)) == datetime(
        2024, 3, 2, 23, 45
    )


def test_warning_then_log_off(qtbot: QtBot) -> None:
    clock = FakeClock(datetime(2024, 3, 1, 9, 0))
    logoff = AutoLogoff(clock=clock, tick_ms=10)
    warnings: list[int] = []
    dues: list[bool] = []
    logoff.warning.connect(warnings.append)
    logoff.due.connect(lambda: dues.append(True))
    logoff.configure(time(23, 45), 5)
    assert logoff.due_at == datetime(2024, 3, 1, 23, 45)

    clock.now = datetime(2024, 3, 1, 23, 39, 59)
    logoff.check()
    assert warnings == []
    clock.now = datetime(2024, 3, 1, 23, 40, 0)
    with qtbot.waitSignal(logoff.warning, timeout=5_000):
        pass  # the ticking timer sees the new time
    assert warnings == [5]
    logoff.check()
    assert warnings == [5]  # once
    assert dues == []

    clock.now = datetime(2024, 3, 1, 23, 45, 0)
    with qtbot.waitSignal(logoff.due, timeout=5_000):
        pass
    assert dues == [True]
    assert logoff.due_at == datetime(2024, 3, 2, 23, 45)  # tomorrow's is armed
    logoff.stop()


def test_postponing_moves_the_log_off_and_warns_again() -> None:
    clock = FakeClock(datetime(2024, 3, 1, 23, 41))
    logoff = AutoLogoff(clock=clock)
    warnings: list[int] = []
    logoff.warning.connect(warnings.append)
    logoff.configure(time(23, 45), 5)
    logoff.check()
    assert warnings == [4]
    logoff.postpone(60)
    assert logoff.due_at == datetime(2024, 3, 2, 0, 45)
    clock.now += timedelta(minutes=10)
    logoff.check()
    assert warnings == [4]
    clock.now = datetime(2024, 3, 2, 0, 41)
    logoff.check()
    assert warnings == [4, 4]
    logoff.stop()


def test_a_login_after_the_time_logs_off_tomorrow() -> None:
    clock = FakeClock(datetime(2024, 3, 1, 23, 50))
    logoff = AutoLogoff(clock=clock)
    dues: list[bool] = []
    logoff.due.connect(lambda: dues.append(True))
    logoff.configure(time(23, 45), 5)
    logoff.check()
    assert dues == []
    assert logoff.due_at == datetime(2024, 3, 2, 23, 45)
    logoff.configure(None, 5)
    assert logoff.due_at is None
