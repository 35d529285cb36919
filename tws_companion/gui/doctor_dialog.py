"""Help > Check My Setup: the doctor's checks in a window, each result shown as it arrives.

:class:`DoctorDialog` runs every check of :func:`tws_companion.support.doctor.doctor_checks` on
the worker (one task per check, so a slow server does not hold up the others) and fills one row
per check: its status (with an icon), the check, and the finding with what to do. "Check again"
runs them all afresh; "Copy to clipboard" copies the results as text, in the language shown;
"Install TWS API components..." (macOS and Linux, when ``~/IBJts`` is missing or incomplete)
installs a downloaded ``twsapi_macunix.N.M.zip`` on the worker, asking first before replacing
an existing folder (which is kept beside it). Everything is reachable by keyboard.

The display and the fonts that can show Chinese are read through Qt, on the GUI thread, when
the checks start (:func:`gui_setup`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication, QIcon, QTextDocument, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.doctor_messages import check_title, finding_texts, status_text
from tws_companion.gui.worker import Task, Worker
from tws_companion.support.doctor import (
    Check,
    DoctorSetup,
    FontList,
    doctor_checks,
    run_check,
)
from tws_companion.support.doctor_findings import Finding, Status
from tws_companion.support.tws_api import API_FOLDER, ApiInstalled, install_tws_api

__all__ = ["DoctorDialog", "gui_setup"]

_COLUMNS = 3
_STATUS, _CHECK, _FINDING = range(_COLUMNS)


def qt_chinese_fonts() -> FontList:
    """The font families Qt knows that can show Simplified Chinese (GUI thread)."""
    return FontList(sorted(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)))


def qt_display() -> str | None:
    """The window system Qt shows this app on, with its screens (GUI thread)."""
    screens = QGuiApplication.screens()
    if not screens:
        return None
    sizes = ", ".join(f"{s.size().width()}×{s.size().height()}" for s in screens)
    return f"{QGuiApplication.platformName()}: {sizes}"


def gui_setup(server: str, home: Path | None = None) -> DoctorSetup:
    """The checks of the running app: its server and data folder, the display and fonts as Qt
    sees them (read now, on the GUI thread: the checks then only report them)."""
    display, fonts = qt_display(), qt_chinese_fonts()
    return DoctorSetup(
        server=server, home=home, gui=True, display=lambda: display, chinese_fonts=lambda: fonts
    )


class _WrappedText(QStyledItemDelegate):
    """Rows tall enough for their text wrapped as it is painted (at words, or anywhere within a
    long path or command), with a little room to spare: Qt's own size hint fills a cell to the
    pixel, and the painter then elides its last line (seen with Chinese findings)."""

    def __init__(self, table: QTableWidget) -> None:
        super().__init__(table)
        self._table = table

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        document = QTextDocument()
        document.setDefaultFont(option.font)
        wrapping = QTextOption()
        wrapping.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        document.setDefaultTextOption(wrapping)
        document.setPlainText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        document.setTextWidth(max(self._table.columnWidth(index.column()) - 6, 50))
        return QSize(size.width(), max(size.height(), math.ceil(document.size().height())))


class DoctorDialog(QDialog):
    """Check my setup. ``setup`` says what to check; the checks start when the dialog is made."""

    def __init__(self, worker: Worker, setup: DoctorSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doctorDialog")
        self._worker = worker
        self.setup = setup
        self.checks: list[Check] = []
        self.findings: dict[str, Finding] = {}
        self._generation = 0
        #: The tasks under way (cancelled when the checks start again or the dialog closes).
        self._tasks: set[Task] = set()
        #: Asked before an existing ``~/IBJts`` is replaced (tests answer it themselves).
        self.ask_replace: Callable[[Path], bool] = self._ask_replace

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, _COLUMNS)
        self.table.setObjectName("doctorResults")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_CHECK, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_FINDING, QHeaderView.ResizeMode.Stretch)
        # Rows grow to their wrapped text whatever the width: nothing is cut short.
        self.table.setItemDelegateForColumn(_FINDING, _WrappedText(self.table))
        header.sectionResized.connect(self._fit_rows)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.again_button = QPushButton()
        self.install_button = QPushButton()
        self.copy_button = QPushButton()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        for button in (self.again_button, self.install_button, self.copy_button):
            button.setAutoDefault(False)
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.install_button.setVisible(False)
        self.again_button.clicked.connect(self.start)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.install_button.clicked.connect(self._choose_archive)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.verdict)
        layout.addWidget(self.buttons)
        self.resize(860, 480)
        self.retranslate()
        self.start()

    # --- running --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return len(self.findings) < len(self.checks)

    @Slot()
    def start(self) -> None:
        """Run every check afresh; rows fill in as the results come."""
        self._cancel()
        self._generation += 1
        generation = self._generation
        self.checks = doctor_checks(self.setup)
        self.findings = {}
        self.table.setRowCount(len(self.checks))
        for row, check in enumerate(self.checks):
            self._show(row, check.id, None)
            self._submit(generation, check)
        self.again_button.setEnabled(False)
        self.install_button.setVisible(False)
        self._show_verdict()
        self.table.setFocus()

    def _track(self, task: Task) -> Task:
        self._tasks.add(task)
        task.finished.connect(functools.partial(self._tasks.discard, task))
        return task

    def _cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()

    def done(self, result: int) -> None:
        """Closing drops the results still to come (the checks end on the worker)."""
        self._cancel()
        super().done(result)

    def _submit(self, generation: int, check: Check) -> None:
        task = self._track(self._worker.submit(f"doctor:{check.id}", run_check, check, owner=self))
        task.succeeded.connect(functools.partial(self._arrived, generation))
        task.failed.connect(functools.partial(self._crashed, generation, check.id))

    def _crashed(self, generation: int, check_id: str, error: object) -> None:
        params = {"reason": type(error).__name__}
        self._arrived(generation, Finding(check_id, Status.PROBLEM, "check.failed", params))

    def _arrived(self, generation: int, finding: object) -> None:
        if generation != self._generation or not isinstance(finding, Finding):
            return  # an earlier run's late answer
        self.findings[finding.check] = finding
        row = next(i for i, check in enumerate(self.checks) if check.id == finding.check)
        self._show(row, finding.check, finding)
        if finding.check == "tws_api":
            self.install_button.setVisible(finding.status is not Status.OK)
        if not self.running:
            self.again_button.setEnabled(True)
        self._show_verdict()

    # --- showing --------------------------------------------------------------------------------

    def _icon(self, status: Status | None) -> QIcon:
        pixmap = {
            Status.OK: QStyle.StandardPixmap.SP_DialogApplyButton,
            Status.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
            Status.PROBLEM: QStyle.StandardPixmap.SP_MessageBoxCritical,
            None: QStyle.StandardPixmap.SP_BrowserReload,
        }[status]
        return self.style().standardIcon(pixmap)

    def _finding_text(self, finding: Finding | None) -> str:
        if finding is None:
            return ""
        summary, action = finding_texts(finding)
        if not action:
            return summary
        return summary + "\n" + self.tr("What to do: {action}").format(action=action)

    def _show(self, row: int, check: str, finding: Finding | None) -> None:
        status = finding.status if finding is not None else None
        cells = (status_text(status), check_title(check), self._finding_text(finding))
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            if column == _STATUS:
                item.setIcon(self._icon(status))
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        self.table.resizeRowToContents(row)

    @Slot()
    def _fit_rows(self) -> None:
        self.table.resizeRowsToContents()

    def _show_verdict(self) -> None:
        if self.running:
            self.verdict.setText(
                self.tr("Checking… {done} of {total} done.").format(
                    done=len(self.findings), total=len(self.checks)
                )
            )
            return
        problems = sum(f.status is Status.PROBLEM for f in self.findings.values())
        warnings = sum(f.status is Status.WARNING for f in self.findings.values())
        if not problems and not warnings:
            self.verdict.setText(self.tr("All checks passed."))
        else:
            self.verdict.setText(
                self.tr("Problems: {problems}. Warnings: {warnings}.").format(
                    problems=problems, warnings=warnings
                )
            )

    def lines(self) -> list[str]:
        """Every row as "status | check | finding" (the finding on one line), as shown."""
        found = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in range(_COLUMNS)]
            found.append(" | ".join(c.text().replace("\n", " ") if c else "" for c in cells))
        return found

    def report_text(self) -> str:
        """The results as plain text, one check per line (what "Copy to clipboard" copies)."""
        head = self.tr("Check my setup: {server}").format(server=self.setup.server)
        return "\n".join([head, *(line.replace(" | ", "\t") for line in self.lines())]) + "\n"

    @Slot()
    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
        self.verdict.setText(self.tr("The results were copied to the clipboard."))

    # --- installing the TWS API -------------------------------------------------------------------

    def _ask_replace(self, folder: Path) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Replace the TWS API components?"),
            self.tr(
                "{folder} already exists. Replace it with the archive's contents? The current "
                "folder is kept beside it, renamed {name}.old-<date>."
            ).format(folder=folder, name=API_FOLDER),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def _choose_archive(self) -> None:
        downloads = self.setup.user_home / "Downloads"
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the downloaded TWS API archive"),
            str(downloads if downloads.is_dir() else self.setup.user_home),
            self.tr("TWS API for Mac / Unix (twsapi_macunix.*.zip);;Zip archives (*.zip)"),
        )
        if path:
            self.install_api(Path(path))

    def install_api(self, archive: Path) -> None:
        """Install ``archive`` as ``~/IBJts`` on the worker (asking before a replacement), then
        check again."""
        folder = self.setup.user_home / API_FOLDER
        replace = False
        if folder.exists():
            if not self.ask_replace(folder):
                return
            replace = True
        self.install_button.setEnabled(False)
        install = functools.partial(install_tws_api, replace=replace)
        task = self._track(
            self._worker.submit(
                "doctor:install-api", install, archive, self.setup.user_home, owner=self
            )
        )
        task.succeeded.connect(self._installed)
        task.failed.connect(self._install_failed)
        task.finished.connect(self._install_ended)

    @Slot()
    def _install_ended(self) -> None:
        self.install_button.setEnabled(True)

    def _installed(self, done: object) -> None:
        if isinstance(done, ApiInstalled):
            self.verdict.setText(
                self.tr("Installed the TWS API components in {folder}.").format(folder=done.folder)
            )
        self._recheck("tws_api")

    def _install_failed(self, error: object) -> None:
        QMessageBox.warning(
            self,
            self.tr("TWS API components not installed"),
            self.tr("The archive was not installed: {reason}").format(reason=error),
        )

    def _recheck(self, check_id: str) -> None:
        for row, check in enumerate(self.checks):
            if check.id == check_id:
                self.findings.pop(check_id, None)
                self._show(row, check_id, None)
                self._submit(self._generation, check)

    # --- language -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Check My Setup"))
        self.intro.setText(
            self.tr(
                "What this computer needs to log in to {server} and keep your settings. Each "
                "check says what is wrong and what to do."
            ).format(server=self.setup.server)
        )
        self.table.setHorizontalHeaderLabels(
            [self.tr("Status"), self.tr("Check"), self.tr("Finding")]
        )
        self.table.setAccessibleName(self.tr("Results of the checks"))
        self.again_button.setText(self.tr("Check &again"))
        self.install_button.setText(self.tr("&Install TWS API components..."))
        self.copy_button.setText(self.tr("Co&py to clipboard"))
        for row, check in enumerate(self.checks):
            self._show(row, check.id, self.findings.get(check.id))
        if self.checks:
            self._show_verdict()
