"""Progress of the settings transfers: the worker's progress reports, the progress dialog, and
stopping a slow download at login (with a stand-in for the client's ServerSettings, so that the
download waits exactly as long as the test wants)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, cast

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tws_companion.client.settings_sync import Downloaded, DownloadOutcome, ServerSettings
from tws_companion.gui.server_settings import ProgressDialog, ServerSettingsController, Stopped
from tws_companion.gui.worker import Worker
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import Layout, Workspace
from tws_companion.protocol.models import SettingsVersion

pytestmark = pytest.mark.gui
WAIT_MS = 10_000


def test_progress_comes_to_the_gui_thread_in_order_and_ends_at_the_total(qtbot: QtBot) -> None:
    worker = Worker()
    threads: list[int] = []

    def copy(report: Any, size: int) -> str:
        threads.append(threading.get_ident())
        for done in range(0, size + 1, 1_000):
            report(done, size)
        return "copied"

    seen: list[tuple[int, int, int]] = []
    results: list[object] = []
    task = worker.submit_with_progress("copy", copy, 1_000_000)
    task.progress.connect(lambda done, total: seen.append((done, total, threading.get_ident())))
    task.succeeded.connect(results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT_MS)
    assert results == ["copied"]
    assert threads
    assert threads[0] != threading.get_ident()
    assert {thread for _done, _total, thread in seen} == {threading.get_ident()}
    dones = [done for done, _total, _thread in seen]
    assert dones == sorted(dones)
    assert seen[-1][:2] == (1_000_000, 1_000_000)
    # A thousand reports, at most one per half percent shown (plus the first).
    assert 100 <= len(seen) <= 202
    worker.shutdown()


def test_a_cancelled_task_reports_no_progress(qtbot: QtBot) -> None:
    worker = Worker()
    gate = threading.Event()

    def slow(report: Any) -> None:
        gate.wait(10)
        report(5, 10)

    task = worker.submit_with_progress("slow", slow)
    seen: list[tuple[int, int]] = []
    finished: list[bool] = []
    task.progress.connect(lambda done, total: seen.append((done, total)))
    task.finished.connect(lambda: finished.append(True))
    task.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=WAIT_MS)
    assert seen == []
    worker.shutdown()


def test_figures_beyond_a_c_int_are_scaled(qtbot: QtBot) -> None:
    worker = Worker()
    seen: list[tuple[int, int]] = []
    task = worker.submit_with_progress("big", lambda report: report(3 * 2**32, 6 * 2**32))
    task.progress.connect(lambda done, total: seen.append((done, total)))
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    (done, total) = seen[0]
    assert total < 2**31
    assert done * 2 == total
    worker.shutdown()


def test_the_progress_dialog_says_how_far_and_stops_with_its_button_or_escape(
    qtbot: QtBot,
) -> None:
    dialog = ProgressDialog()
    qtbot.addWidget(dialog)
    dialog.set_texts(lambda: ("TWS Companion", "Downloading settings from server…", "Stop"))
    dialog.set_progress(1_200_000, 5_000_000)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "TWS Companion"
    assert dialog.label.text().startswith("Downloading settings from server… ")
    assert " of " in dialog.label.text()
    assert (dialog.bar.value(), dialog.bar.maximum()) == (1_200_000, 5_000_000)
    with qtbot.waitSignal(dialog.stopped, timeout=WAIT_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    with qtbot.waitSignal(dialog.stopped, timeout=WAIT_MS):
        dialog.button.click()
    with qtbot.waitSignal(dialog.stopped, timeout=WAIT_MS):
        dialog.close()
    assert dialog.isVisible()  # closing is stopping: the owner decides what goes


# --- stopping the download at login ----------------------------------------------------------


class SlowDownload:
    """Stands in for ServerSettings.download: reports a little, then waits for ``gate``."""

    def __init__(self, outcome: Downloaded) -> None:
        self.gate = threading.Event()
        self.outcome = outcome
        self.stopped = False

    def download(self, *, progress: Any = None) -> Downloaded:
        assert progress is not None
        progress(1_000, 100_000)
        self.gate.wait(10)
        try:
            progress(50_000, 100_000)
        except Stopped:
            self.stopped = True
            raise
        return self.outcome


@pytest.fixture
def worker() -> Iterator[Worker]:
    running = Worker()
    yield running
    running.shutdown()


def controller_for(worker: Worker, fake: SlowDownload) -> ServerSettingsController:
    return ServerSettingsController(worker, lambda: cast(ServerSettings, fake), progress_delay_ms=0)


def test_stopping_the_download_opens_this_computers_settings_at_once(
    qtbot: QtBot, worker: Worker
) -> None:
    fake = SlowDownload(Downloaded(DownloadOutcome.UP_TO_DATE, None, None))
    controller = controller_for(worker, fake)
    local = default_layout()
    opened: list[tuple[Layout, str]] = []
    controller.download_at_login(local, lambda layout, note: opened.append((layout, note)))
    qtbot.waitUntil(lambda: controller.progress_dialog is not None, timeout=WAIT_MS)
    dialog = controller.progress_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.bar.value() == 1_000, timeout=WAIT_MS)
    assert dialog.isVisible()
    assert dialog.button.text() == "Use This Computer's Settings"
    assert dialog.button.hasFocus() or not dialog.isActiveWindow()

    dialog.button.click()
    assert opened == [
        (
            local,
            "Downloading settings from server was stopped. This computer's settings are in use.",
        )
    ]
    assert controller.progress_dialog is None
    fake.gate.set()
    qtbot.waitUntil(lambda: not controller.busy, timeout=WAIT_MS)
    assert fake.stopped  # the transfer ended at its next report
    assert len(opened) == 1


def test_a_copy_taken_after_the_user_stopped_waiting_is_still_shown(
    qtbot: QtBot, worker: Worker
) -> None:
    server_layout = default_layout()
    server_layout.workstation.workspaces.append(Workspace(name="From the server"))

    class TakesBeforeTheStop(SlowDownload):
        def download(self, *, progress: Any = None) -> Downloaded:
            assert progress is not None
            progress(1_000, 100_000)
            self.gate.wait(10)  # the user stops here; the copy was taken already
            return self.outcome

    fake = TakesBeforeTheStop(Downloaded(DownloadOutcome.TAKEN, server_layout, None))
    controller = controller_for(worker, fake)
    opened: list[Layout] = []
    controller.download_at_login(default_layout(), lambda layout, _note: opened.append(layout))
    qtbot.waitUntil(lambda: controller.progress_dialog is not None, timeout=WAIT_MS)
    dialog = controller.progress_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.bar.value() == 1_000, timeout=WAIT_MS)
    taken: list[object] = []
    controller.layoutTaken.connect(taken.append)
    dialog.button.click()
    assert len(opened) == 1
    fake.gate.set()
    qtbot.waitUntil(lambda: bool(taken), timeout=WAIT_MS)
    assert taken == [server_layout]
    assert len(opened) == 1  # the workstation opened once, then shows the server's copy


def test_uploads_asked_for_during_one_follow_with_the_newest(qtbot: QtBot, worker: Worker) -> None:
    gate = threading.Event()
    uploaded: list[list[str]] = []

    class Uploads:
        def upload(self, layout: Layout, *, progress: Any = None) -> Any:
            gate.wait(10)
            uploaded.append([space.name for space in layout.workstation.workspaces])
            return SettingsVersion.model_validate(
                {
                    "number": len(uploaded),
                    "etag": f'"{len(uploaded)}"',
                    "saved_at": "2024-05-12T12:00:00Z",
                    "size": 1,
                    "machine": "here",
                }
            )

    controller = ServerSettingsController(
        worker, lambda: cast(ServerSettings, Uploads()), progress_delay_ms=0
    )
    results: list[int | None] = []

    def layout(name: str) -> Layout:
        made = default_layout()
        made.workstation.workspaces = [Workspace(name=name)]
        return made

    for name in ("one", "two", "three"):
        controller.upload(
            layout(name), lambda r: results.append(r.version.number if r.version else None)
        )
    assert controller.busy
    gate.set()
    qtbot.waitUntil(lambda: not controller.busy, timeout=WAIT_MS)
    assert uploaded == [["one"], ["three"]]
    assert results == [1, 2, 2]
