"""What every workstation panel widget offers the window that holds it.

A panel widget shows one :class:`~tws_companion.layout.model.Panel`'s state, lets the trader edit
it, and gives it back as a fresh state object (unknown parts of the file, ``extra``, kept).

Signals of PanelWidget:
    changed() — the trader edited something the layout saves.
    symbolChosen(str) — the trader picked a symbol; panels in the same color group follow it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from tws_companion.gui.i18n import TranslatedWidget
from tws_companion.layout.model import PanelState

__all__ = ["PanelWidget"]


class PanelWidget(TranslatedWidget):
    changed = Signal()
    symbolChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def state(self) -> PanelState:
        """The panel's state as the widgets show it now (a new object)."""
        raise NotImplementedError

    def show_symbol(self, symbol: str) -> None:
        """Follow ``symbol`` chosen in another panel of the same color group (default: ignore)."""
