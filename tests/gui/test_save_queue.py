"""The save queue when its window is deleted (after a logout) while a save runs: the queue hears
nothing more (the worker's owner rule), whoever waits for the save still hears how it ended, and
a save asked for behind it never starts."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from tws_companion.gui.save_queue import SaveQueue
from tws_companion.gui.worker import Task, Worker

pytestmark = pytest.mark.gui
WAIT_MS = 10_000


def delete_window(qtbot: QtBot, window: QObject) -> None:
    with qtbot.waitSignal(window.destroyed, timeout=WAIT_MS):
        window.deleteLater()  # as the workstation is after a logout


class GatedSave:
    """A save that waits until :attr:`release` is set, records the value saved in
    :attr:`written`, then raises ``error`` if one is given (a full disk)."""

    def __init__(self, error: Exception | None = None) -> None:
        self.release = threading.Event()
        self.written: list[int] = []
        self.error = error

    def __call__(self, value: int) -> None:
        self.release.wait(WAIT_MS / 1000)
        self.written.append(value)
        if self.error is not None:
            raise self.error


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[Worker]:
    worker = Worker()
    yield worker
    qtbot.waitUntil(lambda: not worker.findChildren(Task), timeout=WAIT_MS)
    assert not worker.busy
    assert worker.shutdown()


def test_a_failed_save_after_the_window_is_gone_reaches_its_caller(
    qtbot: QtBot, worker: Worker
) -> None:
    full_disk = GatedSave(OSError("the drive is full"))
    window = QObject()
    queue = SaveQueue(worker, "test-save", full_disk, lambda: 7, 10, parent=window)
    signals: list[str] = []
    queue.saved.connect(lambda: signals.append("saved"))
    queue.failed.connect(lambda _error: signals.append("failed"))
    done: list[BaseException | None] = []
    queue.save_now(done.append)
    queue.save_now(done.append)  # behind the running one
    queue.save_now(done.append)  # joins the waiting one
    delete_window(qtbot, window)
    assert not shiboken6.isValid(queue)
    full_disk.release.set()
    qtbot.waitUntil(lambda: len(done) == 3, timeout=WAIT_MS)
    assert isinstance(done[0], OSError)
    assert "full" in str(done[0])
    for later in done[1:]:
        assert isinstance(later, RuntimeError)
        assert "closed before the save started" in str(later)
    assert full_disk.written == [7]  # the waiting save never ran
    assert signals == []  # the dead queue emitted nothing


def test_a_window_gone_with_no_save_waiting_ends_quietly(qtbot: QtBot, worker: Worker) -> None:
    slow_save = GatedSave()
    window = QObject()
    queue = SaveQueue(worker, "test-save", slow_save, lambda: 3, 10, parent=window)
    queue.save_now()  # nobody waits for it
    delete_window(qtbot, window)
    slow_save.release.set()
    qtbot.waitUntil(lambda: slow_save.written == [3], timeout=WAIT_MS)


def test_while_the_window_lives_the_waiting_save_follows(qtbot: QtBot, worker: Worker) -> None:
    slow_save = GatedSave()
    window = QObject()
    state = [1]
    queue = SaveQueue(worker, "test-save", slow_save, lambda: state[0], 10, parent=window)
    saved: list[bool] = []
    queue.saved.connect(lambda: saved.append(True))
    done: list[BaseException | None] = []
    queue.save_now(done.append)
    state[0] = 2
    queue.save_now(done.append)
    slow_save.release.set()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=WAIT_MS)
    assert done == [None, None]
    assert slow_save.written == [1, 2]
    assert saved == [True, True]
    assert not queue.busy
    delete_window(qtbot, window)
