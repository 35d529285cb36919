"""The notes panel: free text the trader keeps with the layout."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from tws_companion.gui.panels.base import PanelWidget
from tws_companion.gui.panels.common import copy_extra
from tws_companion.layout.model import Notes

__all__ = ["NotesPanel"]


class NotesPanel(PanelWidget):
    def __init__(self, state: Notes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._extra = copy_extra(state.extra)
        #: The text as stored: given back unchanged (line endings included) until edited.
        self._stored = state.text
        self.editor = QPlainTextEdit()
        self.editor.setPlainText(state.text)
        self.editor.document().setModified(False)
        # Tab moves on to the next control, so the panel never traps the keyboard.
        self.editor.setTabChangesFocus(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.editor)
        self.editor.textChanged.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.editor.setPlaceholderText(self.tr("Your notes, saved with the layout"))
        self.editor.setAccessibleName(self.tr("Notes"))

    def state(self) -> Notes:
        edited = self.editor.document().isModified()
        text = self.editor.toPlainText() if edited else self._stored
        return Notes(text=text, extra=copy_extra(self._extra))

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().expandedTo(QSize(160, 80))
