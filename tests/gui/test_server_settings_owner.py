"""The server settings controller owns its calls (the worker's owner rule): a controller deleted
with its window (after a logout) while a call runs shows nothing afterwards — no conflict dialog
over nothing, no ``then`` for a flow nobody waits for — and the worker lets go of the calls."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tws_companion.client.settings_sync import ServerCopy, ServerSettings, SettingsConflict
from tws_companion.gui.conflict_dialog import SettingsConflictDialog
from tws_companion.gui.server_settings import ServerSettingsController
from tws_companion.gui.worker import Task, Worker
from tws_companion.layout.compare import LayoutComparison, compare
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import Layout, Workspace
from tws_companion.protocol.models import SettingsVersion

pytestmark = pytest.mark.gui
WAIT_MS = 10_000


@pytest.fixture
def worker() -> Iterator[Worker]:
    running = Worker()
    yield running
    running.shutdown()


def server_copy() -> ServerCopy:
    layout = default_layout()
    layout.workstation.workspaces.append(Workspace(name="From the server"))
    version = SettingsVersion(
        number=2, etag='"v2"', saved_at=datetime(2026, 1, 5, tzinfo=UTC), size=1, machine="b"
    )
    return ServerCopy(version=version, layout=layout)


class SlowTake:
    """Stands in for ServerSettings.take_server: waits for ``gate``."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.took: list[ServerCopy] = []

    def take_server(self, copy: ServerCopy) -> Layout:
        self.gate.wait(WAIT_MS / 1000)
        self.took.append(copy)
        return copy.layout


def delete_with_its_window(qtbot: QtBot, controller: QObject) -> None:
    with qtbot.waitSignal(controller.destroyed, timeout=WAIT_MS):
        controller.deleteLater()  # the workstation is deleted after a logout, and it with it


def conflict_dialogs() -> list[SettingsConflictDialog]:
    return [
        widget
        for widget in QApplication.topLevelWidgets()
        if isinstance(widget, SettingsConflictDialog) and widget.isVisible()
    ]


def test_no_conflict_dialog_once_the_controller_is_gone(
    qtbot: QtBot, worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    compared: list[bool] = []

    def slow_compare(left: Layout, right: Layout) -> LayoutComparison:
        gate.wait(WAIT_MS / 1000)
        compared.append(True)
        return compare(left, right)

    monkeypatch.setattr("tws_companion.gui.server_settings.compare", slow_compare)
    controller = ServerSettingsController(worker, lambda: cast(ServerSettings, None))
    answers: list[object] = []
    controller.ask_conflict(SettingsConflict(default_layout(), server_copy()), answers.append)
    delete_with_its_window(qtbot, controller)
    gate.set()
    qtbot.waitUntil(lambda: bool(compared), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not worker.findChildren(Task), timeout=WAIT_MS)
    assert conflict_dialogs() == []
    assert answers == []
    assert not worker.busy


def test_a_conflict_asked_while_the_controller_lives_shows_the_dialog(
    qtbot: QtBot, worker: Worker
) -> None:
    controller = ServerSettingsController(worker, lambda: cast(ServerSettings, None))
    answers: list[object] = []
    controller.ask_conflict(SettingsConflict(default_layout(), server_copy()), answers.append)
    qtbot.waitUntil(lambda: controller.conflict_dialog is not None, timeout=WAIT_MS)
    dialog = controller.conflict_dialog
    assert dialog is not None
    assert dialog in conflict_dialogs()
    dialog.reject()
    qtbot.waitUntil(lambda: bool(answers), timeout=WAIT_MS)
    assert answers == [None]  # Cancel


class Taking:
    """A controller taking the server's copy through :class:`SlowTake`, with what it tells."""

    def __init__(self, worker: Worker) -> None:
        self.fake = SlowTake()
        fake = self.fake
        self.controller = ServerSettingsController(worker, lambda: cast(ServerSettings, fake))
        self.after: list[bool] = []
        self.controller.after_take = lambda: self.after.append(True)
        self.results: list[Any] = []
        self.copy = server_copy()
        self.controller.take(self.copy, self.results.append)


def test_taking_the_server_copy_ends_quietly_once_the_controller_is_gone(
    qtbot: QtBot, worker: Worker
) -> None:
    taking = Taking(worker)
    delete_with_its_window(qtbot, taking.controller)
    taking.fake.gate.set()
    qtbot.waitUntil(lambda: bool(taking.fake.took), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not worker.findChildren(Task), timeout=WAIT_MS)
    assert taking.results == []  # the window that asked is gone: nobody is told
    assert taking.after == []
    assert not worker.busy


def test_taking_the_server_copy_while_the_controller_lives_answers(
    qtbot: QtBot, worker: Worker
) -> None:
    taking = Taking(worker)
    taking.fake.gate.set()
    qtbot.waitUntil(lambda: bool(taking.results), timeout=WAIT_MS)
    assert taking.results == [taking.copy.layout]
    assert taking.after == [True]
    delete_with_its_window(qtbot, taking.controller)
