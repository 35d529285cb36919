"""The worker's owner rule: a task's signals belong to the object whose callbacks they call; once
that owner is deleted (as the app deletes a window: ``deleteLater``), they are never emitted, the
job's outcome comes as ``abandoned`` instead, and the worker lets go of the task."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from tws_companion.gui.worker import Report, Task, Worker

pytestmark = pytest.mark.gui
WAIT_MS = 10_000


class Owner(QObject):
    """Stands for a window: its callbacks touch it (a dead one raises in Qt's event loop)."""

    shown = Signal(object)

    def show_result(self, what: object) -> None:
        self.setObjectName(f"showing {what!r}")  # a call into the C++ object
        self.shown.emit(what)


def follow(task: Task, owner: Owner, heard: list[str]) -> None:
    """Connect the owner's callbacks as callers do: lambdas that outlive the owner."""

    def hear(signal: str, what: object) -> None:
        heard.append(signal)
        owner.show_result(what)

    task.succeeded.connect(lambda result: hear("succeeded", result))
    task.failed.connect(lambda error: hear("failed", error))
    task.finished.connect(lambda: hear("finished", None))
    task.progress.connect(lambda done, _total: hear("progress", done))


def delete_as_the_app_does(qtbot: QtBot, owner: QObject) -> None:
    with qtbot.waitSignal(owner.destroyed, timeout=WAIT_MS):
        owner.deleteLater()
    assert not shiboken6.isValid(owner)


def test_an_owner_deleted_while_its_job_runs_is_never_called_back(qtbot: QtBot) -> None:
    worker = Worker()
    gate = threading.Event()
    owner = Owner()
    heard: list[str] = []
    task = worker.submit("slow", lambda: gate.wait(WAIT_MS / 1000) and 42, owner=owner)
    follow(task, owner, heard)
    delete_as_the_app_does(qtbot, owner)
    assert task.cancelled  # at once: whoever holds the task can tell
    assert worker.busy  # the job still runs in the pool
    with qtbot.waitSignal(task.abandoned, timeout=WAIT_MS) as ended:
        gate.set()
    assert ended.args == [True, 42]  # how the job really ended, for a caller that must hear it
    assert heard == []
    assert task.orphaned
    qtbot.waitUntil(lambda: not worker.findChildren(Task), timeout=WAIT_MS)  # let go of
    assert not worker.busy
    assert worker.shutdown()


def test_a_failure_after_the_owner_is_gone_is_abandoned_too(qtbot: QtBot) -> None:
    worker = Worker()
    gate = threading.Event()
    owner = Owner()
    heard: list[str] = []

    def broken() -> None:
        gate.wait(WAIT_MS / 1000)
        raise OSError("disk gone")

    task = worker.submit("broken", broken, owner=owner)
    follow(task, owner, heard)
    delete_as_the_app_does(qtbot, owner)
    with qtbot.waitSignal(task.abandoned, timeout=WAIT_MS) as ended:
        gate.set()
    ok, error = ended.args
    assert ok is False
    assert isinstance(error, OSError)
    assert heard == []
    qtbot.waitUntil(lambda: not worker.findChildren(Task), timeout=WAIT_MS)
    assert worker.shutdown()


def test_progress_stops_when_the_owner_goes(qtbot: QtBot) -> None:
    worker = Worker()
    first = threading.Event()
    more = threading.Event()
    owner = Owner()
    heard: list[str] = []

    def upload(report: Report) -> str:
        report(1, 10)
        first.set()
        more.wait(WAIT_MS / 1000)
        for done in range(2, 11):
            report(done, 10)
        return "stored"

    task = worker.submit_with_progress("upload", upload, owner=owner)
    follow(task, owner, heard)
    qtbot.waitUntil(lambda: "progress" in heard, timeout=WAIT_MS)
    assert owner.objectName() == "showing 1"
    delete_as_the_app_does(qtbot, owner)
    heard.clear()
    with qtbot.waitSignal(task.abandoned, timeout=WAIT_MS) as ended:
        more.set()
    assert ended.args == [True, "stored"]
    assert heard == []
    qtbot.waitUntil(lambda: not worker.findChildren(Task), timeout=WAIT_MS)
    assert worker.shutdown()


def test_a_living_owner_hears_everything_and_nothing_is_abandoned(qtbot: QtBot) -> None:
    worker = Worker()
    owner = Owner()
    heard: list[str] = []
    abandoned: list[object] = []
    task = worker.submit("quick", int, "7", owner=owner)
    follow(task, owner, heard)
    task.abandoned.connect(lambda ok, payload: abandoned.append(payload))
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert heard == ["succeeded", "finished"]
    assert owner.objectName() == "showing None"
    assert abandoned == []
    assert not task.orphaned
    qtbot.waitUntil(lambda: not worker.findChildren(Task), timeout=WAIT_MS)
    delete_as_the_app_does(qtbot, owner)  # after the task is gone: nothing to tell
    assert worker.shutdown()


def test_one_owner_going_leaves_the_tasks_of_another_alone(qtbot: QtBot) -> None:
    worker = Worker()
    gate = threading.Event()
    gone, staying = Owner(), Owner()
    heard_gone: list[str] = []
    heard_staying: list[str] = []
    first = worker.submit("first", lambda: gate.wait(WAIT_MS / 1000) and 1, owner=gone)
    second = worker.submit("second", lambda: gate.wait(WAIT_MS / 1000) and 2, owner=staying)
    follow(first, gone, heard_gone)
    follow(second, staying, heard_staying)
    delete_as_the_app_does(qtbot, gone)
    assert not second.cancelled
    with qtbot.waitSignal(second.finished, timeout=WAIT_MS):
        gate.set()
    qtbot.waitUntil(lambda: not worker.findChildren(Task), timeout=WAIT_MS)
    assert heard_gone == []
    assert heard_staying == ["succeeded", "finished"]
    assert staying.objectName() == "showing None"
    assert worker.shutdown()
