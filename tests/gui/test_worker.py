"""The worker and the garbage collector: slow work off the GUI thread, Qt objects die on it."""

from __future__ import annotations

import gc
import threading

import pytest
from pytestqt.qtbot import QtBot

from tws_companion.gui.garbage import GuiThreadCollector
from tws_companion.gui.worker import Task, Worker

pytestmark = pytest.mark.gui


def test_results_come_back_on_the_gui_thread(qtbot: QtBot) -> None:
    worker = Worker()
    threads: list[int] = []

    def slow() -> int:
        threads.append(threading.get_ident())
        return 42

    results: list[object] = []
    task = worker.submit("slow", slow)
    task.succeeded.connect(results.append)
    qtbot.waitUntil(lambda: bool(results))
    assert results == [42]
    assert threads != [threading.get_ident()]
    worker.shutdown()


def test_a_failure_comes_back_as_a_value(qtbot: QtBot) -> None:
    worker = Worker()

    def broken() -> None:
        raise OSError("disk gone")

    failures: list[object] = []
    task = worker.submit("broken", broken)
    task.failed.connect(failures.append)
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], OSError)
    worker.shutdown()


def test_a_cancelled_task_never_reports(qtbot: QtBot) -> None:
    worker = Worker()
    reported: list[object] = []
    gate = threading.Event()
    task = worker.submit("wait", gate.wait, 10)
    finished: list[bool] = []
    task.succeeded.connect(reported.append)
    task.finished.connect(lambda: finished.append(True))
    task.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(finished))
    assert reported == []
    worker.shutdown()


def test_finished_tasks_do_not_pile_up(qtbot: QtBot) -> None:
    worker = Worker()
    for number in range(20):
        worker.submit("n", int, number)
    qtbot.waitUntil(lambda: not worker.findChildren(Task), timeout=10_000)
    assert not worker.busy
    worker.shutdown()


class _Cycle:
    died_on: list[int] = []  # noqa: RUF012 - shared on purpose

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.died_on.append(threading.get_ident())


def test_garbage_is_collected_on_the_gui_thread(qtbot: QtBot) -> None:
    automatic_before = gc.isenabled()
    collector = GuiThreadCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        _Cycle.died_on.clear()
        _Cycle()
        # Another thread allocates (as a worker does) and keeps what it made, pushing the
        # collector's counts past their thresholds: the collection must still happen here.
        kept: list[list[object]] = []
        allocator = threading.Thread(target=lambda: kept.extend([] for _ in range(50_000)))
        allocator.start()
        allocator.join()
        qtbot.waitUntil(lambda: bool(_Cycle.died_on), timeout=10_000)
        assert _Cycle.died_on == [threading.get_ident()]
    finally:
        collector.stop()
    assert gc.isenabled() == automatic_before
