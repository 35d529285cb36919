"""Pieces the panels share: a symbol field, the column chooser menu, a table model with chosen
columns, number formats."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
    QTimer,
    QTimerEvent,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QColor, QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QMenu, QWidget

from tws_companion.gui.panels.symbols import SYMBOL_CHARACTERS, SYMBOL_MAX_LENGTH, normalize_symbol
from tws_companion.layout import bulk
from tws_companion.layout.model import Extra

__all__ = [
    "DOWN",
    "REFRESH_MS",
    "REFRESH_PHASES",
    "UP",
    "ColumnMenu",
    "ColumnsTableModel",
    "RefreshTimer",
    "SymbolEdit",
    "copy_extra",
    "format_change",
    "format_number",
    "format_percent",
    "format_volume",
    "toggled_columns",
    "with_column",
]

#: Milliseconds between refreshes of simulated prices on screen.
REFRESH_MS = 1000
#: Panels' refreshes are spread over this many moments of each refresh period.
REFRESH_PHASES = 20


class RefreshTimer(QTimer):
    """A panel's refresh timer: every :data:`REFRESH_MS` while the panel is shown, each panel's
    at a phase of its own (:meth:`start_in_phase`).

    A hundred panels shown at once would otherwise refresh, and repaint, in the same turn of the
    event loop every second (Qt even aligns coarse timers on purpose): a stall of the GUI thread
    of a few hundred milliseconds, every second. Spread over :data:`REFRESH_PHASES` moments,
    each turn refreshes a few panels.

    A refresh due while another thread makes objects in bulk (the worker reading a layout:
    :func:`tws_companion.layout.bulk.under_way`) is skipped. That thread holds the GIL nearly
    all the time, and every Python call of the GUI thread waits to take it (up to the switch
    interval, 5 ms, each time): a refresh and the repaint of its table are hundreds of such
    calls, which held every other event of the GUI thread back (100-160 ms, a whole load).
    """

    _phases = 0

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setTimerType(Qt.TimerType.PreciseTimer)
        self.setInterval(REFRESH_MS)
        self.timeout.connect(self._steady)

    def start_in_phase(self) -> None:
        """Start: the first refresh after :data:`REFRESH_MS` and this timer's phase, then every
        :data:`REFRESH_MS`."""
        RefreshTimer._phases = (RefreshTimer._phases + 1) % REFRESH_PHASES
        self.start(REFRESH_MS + RefreshTimer._phases * REFRESH_MS // REFRESH_PHASES)

    def timerEvent(self, event: QTimerEvent) -> None:
        if not bulk.under_way():
            super().timerEvent(event)

    @Slot()
    def _steady(self) -> None:
        if self.interval() != REFRESH_MS:
            self.setInterval(REFRESH_MS)  # from now on, in step with its first timeout


#: Colors of a rise and a fall, in every panel.
UP = QColor("#1f9d55")
DOWN = QColor("#d64541")

_Index = QModelIndex | QPersistentModelIndex


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


def toggled_columns(
    columns: Sequence[str], column: str, shown: bool, order: Sequence[str]
) -> list[str]:
    """``columns`` with ``column`` added where ``order`` puts it (``shown``) or taken out."""
    if shown:
        return with_column(columns, column, order)
    return [chosen for chosen in columns if chosen != column]


class ColumnsTableModel(QAbstractTableModel):
    """A table model whose column 0 is the symbol, followed by the columns the trader chose.

    Subclasses supply the rows (``rowCount``, ``data``); this class holds the chosen columns and
    their header labels. ``order`` is every column id in its canonical order, and ``label`` gives
    a column id's translated label (called again on :meth:`retranslate`). A column id ``label``
    was not asked about (one a newer version wrote) is shown as it is.

    ``edited()`` is emitted for every change the layout saves.
    """

    edited = Signal()

    def __init__(
        self,
        columns: Sequence[str],
        order: Sequence[str],
        label: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._order = tuple(order)
        self._label = label
        self._labels: dict[str, str] = {}
        self._update_labels()

    @property
    def columns(self) -> list[str]:
        """The chosen columns shown, in order (the symbol column is always first)."""
        return list(self._columns)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 1 + len(self._columns)

    def multiData(
        self,
        index: _Index,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803 - Qt's name
    ) -> None:
        """Every role a view asks of a cell at once, each from :meth:`data`: a cell painted is one
        call from Qt into Python instead of one per role (seven or more). Each such call takes
        the GIL again, and while a worker runs Python (opening a file, saving) each can wait for
        it for up to the switch interval (5 ms)."""
        span = [roleDataSpan] if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan
        for role_data in cast("Iterable[QModelRoleData]", span):
            role_data.setData(self.data(index, role_data.role()))

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        column = "symbol" if section == 0 else self._columns[section - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._labels.get(column, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and section > 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def set_columns(self, columns: Sequence[str]) -> None:
        """Show these columns (after the symbol), in this order."""
        if list(columns) == self._columns:
            return
        self.beginResetModel()
        self._columns = list(columns)
        self.endResetModel()
        self.edited.emit()

    @Slot(str, bool)
    def toggle_column(self, column: str, shown: bool) -> None:
        """Show ``column`` in its canonical place, or hide it."""
        self.set_columns(toggled_columns(self._columns, column, shown, self._order))

    def retranslate(self) -> None:
        """Take the header labels again, in the current language."""
        self._update_labels()
        if self.columnCount():
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def _update_labels(self) -> None:
        self._labels = {column: self._label(column) for column in self._order}
        self._labels["symbol"] = self._label("symbol")


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
