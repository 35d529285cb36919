"""Small layout helpers shared by the windows."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget


def right_aligned(*widgets: QWidget) -> QHBoxLayout:
    """A row with ``widgets`` pushed to the right (where a dialog's main button goes)."""
    row = QHBoxLayout()
    row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    return row
