"""The page the workstation shows while the idle lock holds it (see :mod:`tws_companion.gui.idle`).

:class:`LockedPage` has no signals; the window connects to its ``logout_button``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

__all__ = ["LockedPage"]

from tws_companion.gui.layouts import page_title


class LockedPage(QWidget):
    """What the idle-locked workstation shows instead of its workspaces: a heading, why it is
    locked, and Log Out, the only way on (a full login again).

    No signals: the window connects to ``logout_button`` and sets the texts (they are
    translated in its ``retranslate``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = page_title(1.4)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.logout_button = QPushButton()
        self.logout_button.setObjectName("primary")
        self.details.setFixedWidth(480)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(self.heading)
        column.addWidget(self.details)
        column.addSpacing(12)
        column.addWidget(self.logout_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column)
        outer.addStretch(1)
