"""Help > About TWS Companion: the app's version (the one of ``tws_companion.__version__``), the
Qt, PySide6 and Python it runs on, and its license as the SPDX expression the package declares.

A support engineer asks for these first; "Copy" puts them on the clipboard as plain text, in
English whatever the app's language, so that a pasted report reads the same for everyone.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata

import PySide6
from PySide6.QtCore import QEvent, Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tws_companion import __version__
from tws_companion.gui.layouts import page_title

#: The distribution whose metadata holds the license (pyproject.toml's ``project.name``).
DISTRIBUTION = "tws-companion"


@dataclass(frozen=True)
class BuildFacts:
    """What the About box shows, besides its texts."""

    version: str
    qt: str
    pyside: str
    python: str
    #: The SPDX expression of ``project.license``; ``None`` when no metadata is installed
    #: (the package run from a source folder that was never installed).
    license: str | None

    def as_text(self) -> str:
        """The facts as plain English lines, for a support request."""
        return "\n".join(
            [
                f"TWS Companion {self.version}",
                f"Qt {self.qt}, PySide6 {self.pyside}",
                f"Python {self.python} ({platform.system()} {platform.machine()})",
                f"License: {self.license or 'unknown'}",
            ]
        )


def license_expression() -> str | None:
    """The package's license as its metadata declares it (``License-Expression``, PEP 639), read
    from the installed distribution (a PyInstaller bundle carries a copy of it)."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    for field in ("License-Expression", "License"):
        values = meta.get_all(field)
        if values:
            return str(values[0])
    return None


def build_facts() -> BuildFacts:
    return BuildFacts(
        version=__version__,
        qt=qVersion(),
        pyside=PySide6.__version__,
        python=platform.python_version(),
        license=license_expression(),
    )


class AboutDialog(QDialog):
    """The About box: read-only facts, Copy, and Close (Escape too)."""

    def __init__(self, parent: QWidget | None = None, facts: BuildFacts | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.facts = facts or build_facts()
        self.heading = page_title(1.4)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(360)
        self.version_label, self.version_value = QLabel(), self._value(self.facts.version)
        self.qt_label, self.qt_value = QLabel(), self._value(self.facts.qt)
        self.pyside_label, self.pyside_value = QLabel(), self._value(self.facts.pyside)
        self.python_label, self.python_value = QLabel(), self._value(self.facts.python)
        self.license_label, self.license_value = QLabel(), self._value("")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, value in (
            (self.version_label, self.version_value),
            (self.qt_label, self.qt_value),
            (self.pyside_label, self.pyside_value),
            (self.python_label, self.python_value),
            (self.license_label, self.license_value),
        ):
            label.setBuddy(value)
            form.addRow(label, value)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton()
        self.copy_button.setObjectName("copyAbout")
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_facts)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.summary)
        column.addLayout(form)
        column.addWidget(self.buttons)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        self.retranslate()

    @staticmethod
    def _value(text: str) -> QLabel:
        value = QLabel(text)
        value.setTextFormat(Qt.TextFormat.PlainText)
        # Selectable and reachable with Tab, so a version can be copied by hand too.
        value.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        value.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return value

    def copy_facts(self) -> None:
        QGuiApplication.clipboard().setText(self.facts.as_text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("About TWS Companion"))
        self.heading.setText(self.tr("TWS Companion"))
        self.summary.setText(
            self.tr(
                "Desktop companion for a trading workstation: the Secure Login System, "
                "layout settings and support tools."
            )
        )
        self.version_label.setText(self.tr("&Version:"))
        self.qt_label.setText(self.tr("&Qt:"))
        self.pyside_label.setText(self.tr("Py&Side6:"))
        self.python_label.setText(self.tr("P&ython:"))
        self.license_label.setText(self.tr("&License:"))
        self.license_value.setText(self.facts.license or self.tr("not recorded"))
        self.copy_button.setText(self.tr("C&opy"))
        self.copy_button.setToolTip(
            self.tr("Copy these versions to the clipboard, for a support request")
        )
