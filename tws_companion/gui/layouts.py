"""Small layout helpers shared by the windows."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


def right_aligned(*widgets: QWidget) -> QHBoxLayout:
    """A row with ``widgets`` pushed to the right (where a dialog's main button goes)."""
    row = QHBoxLayout()
    row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    return row


def page_title(scale: float = 1.15) -> QLabel:
    """The heading of a page of a dialog: bold and ``scale`` times the size of the text under
    it."""
    label = QLabel()
    label.setObjectName("pageTitle")
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label
