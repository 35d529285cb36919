"""A Security Code Card on screen, printable to PDF.

The card is a grid of index numbers with their 3-character values; at login two index numbers
are shown and the user types both values, without spaces.

Qt paints the PDF on the GUI thread (QPrinter and QTextDocument must), into a local temporary
file, in a few milliseconds; writing it to the chosen place (maybe a USB stick or a network drive)
runs on the worker, atomically.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontDatabase, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.i18n import TranslatedWidget
from tws_companion.gui.layouts import right_aligned
from tws_companion.gui.messages import device_kind_name
from tws_companion.gui.worker import Worker
from tws_companion.sls.code_card import CodeCard
from tws_companion.storage.atomic import atomic_write_bytes

__all__ = ["CodeCardViewer"]

#: Index/value pairs per table row.
PAIRS_PER_ROW = 4


def save_pdf(path: Path, data: bytes) -> None:
    """Write a PDF atomically; the previous file (if any) survives a failure."""
    if not path.parent.is_dir():
        raise FileNotFoundError(f"the folder {path.parent} does not exist")
    atomic_write_bytes(path, data, mode=0o600)


class CodeCardViewer(TranslatedWidget):
    def __init__(
        self,
        label: str,
        card: CodeCard,
        parent: QWidget | None = None,
        worker: Worker | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker or Worker(self)
        self.label = label
        self._card = card
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold; color: #14263b;")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        indices = sorted(card.values)
        rows = (len(indices) + PAIRS_PER_ROW - 1) // PAIRS_PER_ROW
        self.table = QTableWidget(rows, PAIRS_PER_ROW * 2)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for position, index in enumerate(indices):
            row, pair = divmod(position, PAIRS_PER_ROW)
            number = QTableWidgetItem(f"{index:03d}")
            number.setForeground(self.palette().placeholderText())
            self.table.setItem(row, pair * 2, number)
            self.table.setItem(row, pair * 2 + 1, QTableWidgetItem(card.values[index]))
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self._print_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(right_aligned(self.print_button))
        self.resize(460, 600)
        self.retranslate()

    def value_at(self, index: int) -> str | None:
        """What the table shows next to ``index`` (what a user would read off the card)."""
        for row in range(self.table.rowCount()):
            for pair in range(PAIRS_PER_ROW):
                number = self.table.item(row, pair * 2)
                if number is not None and int(number.text()) == index:
                    value = self.table.item(row, pair * 2 + 1)
                    return value.text() if value is not None else None
        return None

    def _document(self) -> QTextDocument:
        cells = []
        indices = sorted(self._card.values)
        for start in range(0, len(indices), PAIRS_PER_ROW * 2):
            chunk = indices[start : start + PAIRS_PER_ROW * 2]
            cells.append(
                "<tr>"
                + "".join(
                    f"<td><span style='color:#777'>{i:03d}</span>&nbsp;"
                    f"<b>{self._card.values[i]}</b></td>"
                    for i in chunk
                )
                + "</tr>"
            )
        advice = self.tr(
            "Keep this card private. Type the two values asked for at login, without spaces."
        )
        document = QTextDocument()
        document.setHtml(
            f"<h2>{html.escape(self.label)}</h2>"
            f"<p>{html.escape(advice)}</p>"
            "<table cellpadding='4' style='font-family: monospace; font-size: 10pt'>"
            + "".join(cells)
            + "</table>"
        )
        return document

    def render_pdf(self) -> bytes:
        """The card as a PDF document. Qt paints on this (GUI) thread, into a private temporary
        file on the local disk; the bytes then go wherever the user chose, off this thread."""
        with tempfile.TemporaryDirectory(prefix="tws-card-") as folder:
            target = Path(folder) / "card.pdf"
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setPageLayout(
                QPageLayout(
                    QPageSize(QPageSize.PageSizeId.A4),
                    QPageLayout.Orientation.Portrait,
                    printer.pageLayout().margins(),
                )
            )
            printer.setOutputFileName(str(target))
            self._document().print_(printer)
            return target.read_bytes()

    @Slot()
    def _print_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Print to PDF"), f"{self.label}.pdf", self.tr("PDF files (*.pdf)")
        )
        if not name:
            return
        # A USB stick or a network drive may be slow or gone: the write runs on the worker.
        task = self.worker.submit("save card", save_pdf, Path(name), self.render_pdf(), owner=self)
        task.failed.connect(self._print_failed)

    @Slot(object)
    def _print_failed(self, error: object) -> None:
        QMessageBox.warning(
            self,
            self.tr("Print to PDF"),
            self.tr("The card could not be saved: {reason}").format(reason=error),
        )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Security Code Card - {label}").format(label=self.label))
        self.heading.setText(device_kind_name("code_card"))
        self.hint.setText(
            self.tr("At login, find the two index numbers asked for and type both values.")
        )
        self.print_button.setText(self.tr("Print to PDF…"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Index") if column % 2 == 0 else self.tr("Value") for column in range(8)]
        )
