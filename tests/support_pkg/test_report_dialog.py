"""Help > Report a login problem: the dialog shows exactly what the zip will hold, saves it on the
worker, and explains a save that failed (pytest-qt, offscreen)."""

from __future__ import annotations

import errno
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.test_workstation import Env, env, open_window
from tws_companion.gui.layout_dialogs import FolderMemory
from tws_companion.gui.report_dialog import ReportDialog, display_info
from tws_companion.gui.worker import Worker
from tws_companion.storage.paths import user_dir
from tws_companion.support import bundle as bundle_module
from tws_companion.support.environment import collect_environment
from tws_companion.support.locations import pseudonym_key_path
from tws_companion.support.pseudonyms import Pseudonyms
from tws_companion.support.trace_format import LoginTrace, TraceStep
from tws_companion.support.trace_store import TraceStore

USER = "carol.trader"
LAYOUT = b"<layout>SECRET-WATCHLIST</layout>"

pytestmark = pytest.mark.gui
__all__ = ["env"]  # the workstation's fixture, used by the last test


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This machine's data root (``$TWS_COMPANION_HOME``): a user's settings and one trace."""
    root = tmp_path / "machine"
    monkeypatch.setenv("TWS_COMPANION_HOME", str(root))
    folder = user_dir(root, USER)
    folder.mkdir(parents=True)
    (folder / "settings.xml").write_bytes(LAYOUT)
    trace = LoginTrace(
        trace_id="00000000deadbeef",
        started_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        user=Pseudonyms(pseudonym_key_path()).of(USER),
        platform="tws",
        surface="dialog",
        outcome="expired",
        duration_ms=120_000,
        environment=collect_environment(),
        steps=(TraceStep(0, "begin", "credentials"),),
    )
    TraceStore(root / "logs" / "traces").write(trace)
    return root


@pytest.fixture
def dialog(qtbot: QtBot, worker: Worker, machine: Path, tmp_path: Path) -> ReportDialog:
    folders = FolderMemory()
    folders.set(tmp_path)
    shown = ReportDialog(worker, machine, language="zh_CN", folders=folders)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: shown.save_button.isEnabled())
    return shown


def test_it_shows_every_file_and_the_environment_first(dialog: ReportDialog, machine: Path) -> None:
    names = dialog.file_names
    assert names[:2] == ["environment.txt", "settings-summary.txt"]
    assert [name for name in names if name.startswith("traces/")] == [
        f"traces/{p.name}" for p in (machine / "logs" / "traces").iterdir()
    ]
    environment = dialog.content.toPlainText()
    assert environment == dialog.file_text("environment.txt")
    assert f"Qt: {qVersion()} (offscreen)" in environment
    assert f"Screens: {len(QApplication.screens())}" in environment
    assert "Language: zh_CN" in environment
    assert dialog.files.item(0).text().startswith("environment.txt  (")
    assert dialog.status.text().startswith(f"{len(names)} files, ")


def test_selecting_a_file_shows_its_exact_text(dialog: ReportDialog) -> None:
    dialog.files.setCurrentRow(dialog.file_names.index("settings-summary.txt"))
    summary = dialog.content.toPlainText()
    assert summary == dialog.file_text("settings-summary.txt")
    pseudonym = Pseudonyms(pseudonym_key_path()).of(USER)
    assert f"{pseudonym}: 1 files" in summary
    assert "carol" not in summary
    assert "SECRET-WATCHLIST" not in summary
    trace_row = next(i for i, n in enumerate(dialog.file_names) if n.startswith("traces/"))
    dialog.files.setCurrentRow(trace_row)
    assert '"outcome": "expired"' in dialog.content.toPlainText()


def test_save_writes_the_files_shown(qtbot: QtBot, dialog: ReportDialog, tmp_path: Path) -> None:
    output = tmp_path / "stick" / "report.zip"
    output.parent.mkdir()
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_to(output)
    assert saved.args == [str(output)]
    with zipfile.ZipFile(output) as archive:
        assert archive.namelist() == dialog.file_names
        assert archive.read("environment.txt").decode() == dialog.file_text("environment.txt")
    assert dialog.status.text() == f"Report saved to {output}"


def test_save_asks_where_in_a_file_dialog(
    qtbot: QtBot, dialog: ReportDialog, tmp_path: Path
) -> None:
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.file_dialog is not None)
    file_dialog = dialog.file_dialog
    assert file_dialog is not None
    assert file_dialog.windowTitle() == "Save the Report As"
    assert Path(file_dialog.directory().absolutePath()) == tmp_path  # the folder last used
    name = file_dialog.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(name, QLineEdit)
    assert name.text().startswith("tws-companion-report-")  # a name is proposed
    name.selectAll()
    QTest.keyClicks(name, "for-support")  # typed, then Enter
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        QTest.keyClick(name, Qt.Key.Key_Return)
    assert saved.args == [str(tmp_path / "for-support.zip")]  # the suffix is added
    assert zipfile.is_zipfile(tmp_path / "for-support.zip")


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (errno.ENOSPC, "The drive is full."),
        (errno.EROFS, "the drive is read-only"),
    ],
)
def test_a_failed_save_is_explained_and_the_previous_file_kept(
    qtbot: QtBot,
    dialog: ReportDialog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: int,
    words: str,
) -> None:
    output = tmp_path / "report.zip"
    output.write_bytes(b"the previous report")

    def failing_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
        raise OSError(error, "refused by the test", str(path))

    monkeypatch.setattr(bundle_module, "atomic_write_bytes", failing_write)
    with qtbot.waitSignal(dialog.saveFailed, timeout=10_000) as failed:
        dialog.save_to(output)
    assert words in failed.args[0]
    box = dialog.error_box
    assert box is not None
    assert box.isVisible()
    assert box.icon() is QMessageBox.Icon.Warning
    assert box.text() == f"The report was not saved to {output}."
    assert words in box.informativeText()
    assert "left as it was" in box.informativeText()
    assert output.read_bytes() == b"the previous report"
    assert dialog.save_button.isEnabled()  # the user can choose another place


def test_display_info_describes_the_screens() -> None:
    info = display_info("en")
    assert info.qt_version == qVersion()
    assert len(info.screens) == len(QApplication.screens())
    assert sum(screen.primary for screen in info.screens) == 1


def test_the_dialog_imports_nothing_heavy_before_save() -> None:
    import subprocess

    code = (
        "import sys; import tws_companion.gui.report_dialog; "
        "print(sorted(m for m in ('requests', 'keyring', 'pydantic', 'sqlalchemy', 'fastapi') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_help_report_a_login_problem_opens_it_from_the_workstation(qtbot: QtBot, env: Env) -> None:
    window = open_window(qtbot, env)
    help_menu = next(
        action.menu()
        for action in window.menuBar().actions()
        if action.text() == "&Help" and isinstance(action.menu(), QMenu)
    )
    assert isinstance(help_menu, QMenu)
    report = next(a for a in help_menu.actions() if a.text() == "Report a Login Problem...")
    report.trigger()
    qtbot.waitUntil(lambda: isinstance(window.report_dialog, ReportDialog))
    dialog = window.report_dialog
    assert isinstance(dialog, ReportDialog)
    assert dialog.isVisible()
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert dialog.root == env.home
    assert dialog.file_names[:2] == ["environment.txt", "settings-summary.txt"]
    report.trigger()
    assert window.report_dialog is dialog, "a second click shows the same dialog"
    dialog.reject()
    qtbot.waitUntil(lambda: window.report_dialog is None)
