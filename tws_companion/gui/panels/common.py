"""Pieces the panels share: a symbol field, the column chooser menu, number formats."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRegularExpression, Signal, Slot
from PySide6.QtGui import QAction, QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QMenu, QWidget

from tws_companion.gui.panels.symbols import SYMBOL_CHARACTERS, SYMBOL_MAX_LENGTH, normalize_symbol
from tws_companion.layout.model import Extra

__all__ = [
    "ColumnMenu",
    "SymbolEdit",
    "copy_extra",
    "format_change",
    "format_number",
    "format_percent",
    "format_volume",
    "with_column",
]


def copy_extra(extra: Extra) -> Extra:
    """A copy of ``extra`` (so a state handed out never shares it with the panel's)."""
    return Extra(dict(extra.attributes), list(extra.children))


def symbol_validator(parent: QWidget) -> QRegularExpressionValidator:
    """Lets through only what can become a symbol (either case; stored upper-case)."""
    pattern = QRegularExpression(f"{SYMBOL_CHARACTERS}{{0,{SYMBOL_MAX_LENGTH}}}")
    return QRegularExpressionValidator(pattern, parent)


class SymbolEdit(QLineEdit):
    """A line edit for one symbol: only valid characters, upper-cased as typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxLength(SYMBOL_MAX_LENGTH)
        self.setValidator(symbol_validator(self))
        self.textEdited.connect(self._upper_case)

    @Slot(str)
    def _upper_case(self, text: str) -> None:
        if text != text.upper():
            position = self.cursorPosition()
            self.setText(text.upper())
            self.setCursorPosition(position)

    def symbol(self) -> str:
        """The symbol typed, or "" if the text is not one."""
        return normalize_symbol(self.text()) or ""


def with_column(columns: Sequence[str], column: str, order: Sequence[str]) -> list[str]:
    """``columns`` with ``column`` added where ``order`` puts it (before the first chosen column
    that ``order`` lists after it), or at the end."""
    if column in columns:
        return list(columns)
    after = set(order[order.index(column) + 1 :]) if column in order else set()
    for position, chosen in enumerate(columns):
        if chosen in after:
            return [*columns[:position], column, *columns[position:]]
    return [*columns, column]


class ColumnMenu(QMenu):
    """A menu of checkable columns; ``columnToggled(column, shown)`` when the trader picks one."""

    columnToggled = Signal(str, bool)

    def __init__(
        self, columns: Sequence[str], label: Callable[[str], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._label = label
        self.column_actions: dict[str, QAction] = {}
        for column in columns:
            action = self.addAction("")
            action.setCheckable(True)
            action.setData(column)
            action.toggled.connect(self._toggled)
            self.column_actions[column] = action
        self.retranslate()

    def retranslate(self) -> None:
        for column, action in self.column_actions.items():
            action.setText(self._label(column).replace("&", "&&"))

    def set_shown(self, columns: Sequence[str]) -> None:
        """Tick the columns shown (without signalling)."""
        for column, action in self.column_actions.items():
            action.blockSignals(True)
            action.setChecked(column in columns)
            action.blockSignals(False)

    @Slot(bool)
    def _toggled(self, shown: bool) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.columnToggled.emit(str(action.data()), shown)


def format_number(value: float) -> str:
    return f"{value:,.2f}"


def format_change(value: float) -> str:
    return f"{value:+,.2f}"


def format_percent(value: float) -> str:
    return f"{value:+.2f}%"


def format_volume(value: int) -> str:
    return f"{value:,}"
