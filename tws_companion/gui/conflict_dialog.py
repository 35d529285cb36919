"""The settings conflict: another computer saved the user's settings to the server in between.

:class:`SettingsConflictDialog` says which computer saved when (in local time), after the copy
this computer's settings are based on, and lets the user choose: "Keep this computer's
settings", "Use the server's settings", or Cancel (decide later: nothing changes). "Compare..."
opens, below, a side-by-side view (this computer | server) of what differs, from
:func:`tws_companion.layout.compare.compare`: the mode, the workspaces and their panels, the
watchlist rows, the color groups and the Global Configuration (:class:`ComparisonTree`).

Nothing is decided without the user's click: ``choice`` is set by the two choice buttons only
(the dialog is then accepted); Escape, Cancel and closing the window leave it ``None``.

    dialog = SettingsConflictDialog(conflict.local, conflict.server.layout,
                                    server_saved_at=version.saved_at,
                                    server_machine=version.machine, parent=window)
    dialog.finished.connect(lambda _result: act_on(dialog.choice))
    dialog.open()
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import Enum

from PySide6.QtCore import QDate, QEvent, QLocale, QSize, Qt, Slot
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.file_text import clean_name
from tws_companion.gui.i18n import LANGUAGES
from tws_companion.gui.layouts import page_title
from tws_companion.gui.panel_dock import chip_icon, display_title
from tws_companion.gui.panels.labels import (
    action_label,
    bar_size_label,
    color_group_label,
    kind_label,
    news_source_label,
    order_type_label,
    portfolio_column_label,
    time_in_force_label,
    watchlist_column_label,
)
from tws_companion.gui.server_messages import local_datetime
from tws_companion.layout.compare import (
    Aspect,
    Change,
    ColorGroupDifference,
    LayoutComparison,
    PanelDifference,
    Presence,
    Row,
    Value,
    WatchlistDifference,
    WorkspaceDifference,
    compare,
)
from tws_companion.layout.model import (
    DockArea,
    Layout,
    Mode,
    OrderAction,
    OrderType,
    Panel,
    PanelKind,
    Theme,
    TimeInForce,
    new_state,
)

__all__ = ["ComparisonTree", "ConflictChoice", "SettingsConflictDialog"]

#: At most this many rows of one watchlist (of each side), or panels of one workspace, are
#: listed; the rest are counted.
MAX_LISTED = 50
#: At most this many watchlist rows are listed in all (a large layout's rows are counted).
MAX_ROWS_LISTED = 1000
#: A machine name from the server is cut to this many characters (the server's own limit).
_MACHINE_LENGTH = 64
#: A note's text is cut to this many characters in the comparison.
_TEXT_LENGTH = 60
#: The size of the dialog with the comparison open (shrunk to the screen).
_OPEN_SIZE = (900, 620)
#: How much taller the dialog grows to show that there are no differences.
_SAME_HEIGHT = 90
#: What a side without the item shows.
_ABSENT = "—"


class ConflictChoice(Enum):
    KEEP_THIS_COMPUTER = "keep_this_computer"
    TAKE_SERVER = "take_server"


def _panel_title(kind: PanelKind, title: str) -> str:
    """A panel's title as its title bar shows it (the default titles in the user's language)."""
    return clean_name(display_title(Panel(new_state(kind), title=title))) or kind_label(kind)


# --- the side-by-side view -------------------------------------------------------------------


class ComparisonTree(QTreeWidget):
    """What differs between two layouts, in three columns: what | this computer | server.

    The mode and the workspace shown, then groups (bold): Workspaces (each with its own changes
    and the panels that differ), Watchlist rows, Color groups, Global Configuration. A side without
    an item shows "—"; the side with it says "only here" (or its size). Every name from the
    layouts is shown as plain text, on one line, cut short.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comparison: LayoutComparison | None = None
        self._rows_left = MAX_ROWS_LISTED
        self.setColumnCount(3)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(80)
        self.retranslate()

    def show_comparison(self, comparison: LayoutComparison) -> None:
        self.comparison = comparison
        self._fill()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._size_columns()

    def _size_columns(self) -> None:
        side = max(self.viewport().width() * 3 // 10, 120)
        self.setColumnWidth(1, side)
        self.setColumnWidth(2, side)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setHeaderLabels([self.tr("Difference"), self.tr("This computer"), self.tr("Server")])
        self.setAccessibleName(self.tr("Differences between this computer and the server"))
        self._fill()

    def lines(self) -> list[str]:
        """Every row as "what | this computer | server", indented by depth (for tests and
        accessibility)."""
        found: list[str] = []

        def walk(item: QTreeWidgetItem | None, depth: int) -> None:
            if item is None:
                return
            texts = " | ".join(item.text(column) for column in range(3))
            found.append("  " * depth + texts)
            for index in range(item.childCount()):
                walk(item.child(index), depth + 1)

        for index in range(self.topLevelItemCount()):
            walk(self.topLevelItem(index), 0)
        return found

    # --- filling ------------------------------------------------------------------------------

    def _fill(self) -> None:
        self.clear()
        self._rows_left = MAX_ROWS_LISTED
        comparison = self.comparison
        if comparison is None:
            return
        if comparison.same:
            nothing = self._row(
                self.tr("No differences: both copies hold the same settings."), "", ""
            )
            self.addTopLevelItem(nothing)
            nothing.setFirstColumnSpanned(True)
        for change in comparison.workstation:
            self.addTopLevelItem(self._change(change, None))
        if comparison.workspaces:
            group = self._group(self.tr("Workspaces"))
            for space in comparison.workspaces:
                group.addChild(self._workspace(space))
        if comparison.watchlists:
            group = self._group(self.tr("Watchlist rows"))
            for watchlist in comparison.watchlists:
                group.addChild(self._watchlist(watchlist))
        if comparison.color_groups:
            group = self._group(self.tr("Color groups"))
            for color_group in comparison.color_groups:
                group.addChild(self._color_group(color_group))
        if comparison.global_config:
            group = self._group(self.tr("Global Configuration"))
            for change in comparison.global_config:
                group.addChild(self._change(change, None))
        if comparison.other:
            self.addTopLevelItem(self._other(self.tr("Settings written by a newer version")))
        self.expandAll()
        self._size_columns()

    def _group(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([title, "", ""])
        font = QFont(self.font())
        font.setBold(True)
        item.setFont(0, font)
        self.addTopLevelItem(item)
        return item

    def _row(self, what: str, left: str, right: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([what, left, right])
        for column, text in enumerate((what, left, right)):
            item.setToolTip(column, text)
        return item

    def _presence(self, presence: Presence, here: str) -> tuple[str, str]:
        """The two sides' texts of an item on one side only (``here`` on that side)."""
        if presence is Presence.LEFT_ONLY:
            return here, _ABSENT
        if presence is Presence.RIGHT_ONLY:
            return _ABSENT, here
        return "", ""

    def _only_here(self) -> str:
        return self.tr("only here")

    def _other(self, what: str) -> QTreeWidgetItem:
        differ = self.tr("differ")
        return self._row(what, differ, differ)

    def _more(self, parent: QTreeWidgetItem, count: int) -> None:
        if count > 0:
            more = self.tr("… and {count} more").format(count=QLocale().toString(count))
            parent.addChild(self._row(more, "", ""))

    def _workspace(self, space: WorkspaceDifference) -> QTreeWidgetItem:
        name = clean_name(space.name) or self.tr("(no name)")
        if space.presence is Presence.BOTH:
            left = self._panels_count(space.left_panel_count)
            right = self._panels_count(space.right_panel_count)
        else:
            left, right = self._presence(
                space.presence,
                self._panels_count(max(space.left_panel_count, space.right_panel_count)),
            )
        item = self._row(name, left, right)
        for change in space.changes:
            item.addChild(self._change(change, None, workspace=True))
        if space.other:
            item.addChild(self._other(self.tr("Settings written by a newer version")))
        for panel in space.panels[:MAX_LISTED]:
            item.addChild(self._panel(panel))
        self._more(item, len(space.panels) - MAX_LISTED)
        return item

    def _panels_count(self, count: int) -> str:
        if count == 1:
            return self.tr("1 panel")
        return self.tr("{count} panels").format(count=QLocale().toString(count))

    def _panel_name(self, panel: PanelDifference) -> str:
        kind = kind_label(panel.kind)
        title = _panel_title(panel.kind, panel.title)
        if title == kind:
            return kind
        return self.tr("{title} ({kind})").format(title=title, kind=kind)

    def _panel(self, panel: PanelDifference) -> QTreeWidgetItem:
        name = self._panel_name(panel)
        if panel.presence is not Presence.BOTH:
            left, right = self._presence(panel.presence, self._only_here())
            return self._row(name, left, right)
        if panel.moved_only:
            what = self.tr("moved")
        else:
            labels = [self.aspect_label(change.aspect) for change in panel.changes]
            if panel.other:
                labels.append(self.tr("settings written by a newer version"))
            what = self.tr(", ").join(labels)
        item = self._row(self.tr("{panel}: {what}").format(panel=name, what=what), "", "")
        for change in panel.changes:
            item.addChild(self._change(change, panel.kind))
        if panel.other:
            item.addChild(self._other(self.tr("Settings written by a newer version")))
        return item

    def _watchlist(self, watchlist: WatchlistDifference) -> QTreeWidgetItem:
        name = self.tr("{workspace} › {watchlist}").format(
            workspace=clean_name(watchlist.workspace) or self.tr("(no name)"),
            watchlist=_panel_title(PanelKind.WATCHLIST, watchlist.title),
        )
        left = self._rows_count(watchlist.left_rows)
        right = self._rows_count(watchlist.right_rows)
        if watchlist.presence is Presence.LEFT_ONLY:
            right = _ABSENT
        elif watchlist.presence is Presence.RIGHT_ONLY:
            left = _ABSENT
        item = self._row(name, left, right)
        if watchlist.order_differs:
            item.addChild(self._row(self.tr("The same rows in another order"), "", ""))
        for rows, presence in (
            (watchlist.only_left, Presence.LEFT_ONLY),
            (watchlist.only_right, Presence.RIGHT_ONLY),
        ):
            listed = min(len(rows), MAX_LISTED, self._rows_left)
            self._rows_left -= listed
            for row in rows[:listed]:
                left, right = self._presence(presence, self._only_here())
                item.addChild(self._row(self._row_text(row), left, right))
            self._more(item, len(rows) - listed)
        return item

    def _rows_count(self, count: int) -> str:
        if count == 1:
            return self.tr("1 row")
        return self.tr("{count} rows").format(count=QLocale().toString(count))

    def _row_text(self, row: Row) -> str:
        symbol = clean_name(row.symbol) or self.tr("(no symbol)")
        if row.exchange == "SMART":
            return symbol
        return self.tr("{symbol} ({exchange})").format(
            symbol=symbol, exchange=clean_name(row.exchange, 16)
        )

    def _color_group(self, group: ColorGroupDifference) -> QTreeWidgetItem:
        name = color_group_label(clean_name(group.name)) or self.tr("(no name)")
        if group.presence is not Presence.BOTH:
            left, right = self._presence(group.presence, self._only_here())
            item = self._row(name, left, right)
            present = group.left or group.right
            if present is not None:
                column = 1 if group.presence is Presence.LEFT_ONLY else 2
                item.setIcon(column, chip_icon(present.color))
            return item
        item = self._row(name, "", "")
        for change in group.changes:
            item.addChild(self._change(change, None))
        if group.other:
            item.addChild(self._other(self.tr("Settings written by a newer version")))
        return item

    def _change(
        self, change: Change, kind: PanelKind | None, *, workspace: bool = False
    ) -> QTreeWidgetItem:
        label = self.aspect_label(change.aspect)
        if workspace and change.aspect is Aspect.ORDER:
            label = self.tr("Tab position")
        left = self.value_text(change.aspect, change.left, kind)
        right = self.value_text(change.aspect, change.right, kind)
        if change.aspect is Aspect.ROWS and change.left == change.right:
            # As many rows on both sides, but not the same ones (listed under Watchlist rows).
            left = right = self.tr("{rows}, not the same").format(rows=left)
        item = self._row(label, left, right)
        if change.aspect is Aspect.COLOR:
            for column, value in ((1, change.left), (2, change.right)):
                item.setIcon(column, chip_icon(str(value)))
        return item

    # --- words --------------------------------------------------------------------------------

    def aspect_label(self, aspect: Aspect) -> str:
        """What differs, in the user's language."""
        labels: dict[Aspect, Callable[[], str]] = {
            Aspect.MODE: lambda: self.tr("Mode"),
            Aspect.ACTIVE_WORKSPACE: lambda: self.tr("Workspace shown"),
            Aspect.AUTO_LOGOFF_TIME: lambda: self.tr("Auto log-off time"),
            Aspect.LOGOFF_WARNING_MINUTES: lambda: self.tr("Warn before log-off"),
            Aspect.LOCK_AFTER_IDLE_MINUTES: lambda: self.tr("Lock when idle"),
            Aspect.AUTOSAVE_MINUTES: lambda: self.tr("Auto-save settings"),
            Aspect.SAVE_ON_EXIT: lambda: self.tr("Save settings on exit"),
            Aspect.USE_SERVER_SETTINGS: lambda: self.tr("Use/store settings on server"),
            Aspect.THEME: lambda: self.tr("Theme"),
            Aspect.FONT_SIZE: lambda: self.tr("Font size"),
            Aspect.LANGUAGE: lambda: self.tr("Language"),
            Aspect.NAME: lambda: self.tr("Name"),
            Aspect.COLOR: lambda: self.tr("Color"),
            Aspect.TITLE: lambda: self.tr("Title"),
            Aspect.ORDER: lambda: self.tr("Place in the workspace"),
            Aspect.AREA: lambda: self.tr("Docked at"),
            Aspect.COLOR_GROUP: lambda: self.tr("Color group"),
            Aspect.SYMBOL: lambda: self.tr("Symbol"),
            Aspect.ACTION: lambda: self.tr("Action"),
            Aspect.ORDER_TYPE: lambda: self.tr("Order type"),
            Aspect.QUANTITY: lambda: self.tr("Quantity"),
            Aspect.TIME_IN_FORCE: lambda: self.tr("Time in force"),
            Aspect.OUTSIDE_RTH: lambda: self.tr("Outside regular trading hours"),
            Aspect.BAR_SIZE: lambda: self.tr("Bar size"),
            Aspect.COLUMNS: lambda: self.tr("Columns"),
            Aspect.SHOW_ZERO_POSITIONS: lambda: self.tr("Show zero positions"),
            Aspect.SOURCES: lambda: self.tr("News sources"),
            Aspect.KEYWORD: lambda: self.tr("Keyword"),
            Aspect.TEXT: lambda: self.tr("Text"),
            Aspect.ROWS: lambda: self.tr("Rows"),
        }
        return labels[aspect]()

    def value_text(self, aspect: Aspect, value: Value, kind: PanelKind | None = None) -> str:
        """A value of ``aspect`` on one side, in the user's language (``kind``: of the panel it
        belongs to, for its columns)."""
        if isinstance(value, bool):
            return self.tr("yes") if value else self.tr("no")
        if isinstance(value, tuple):
            return self._list_text(aspect, value, kind)
        if value is None:
            return self._none_text(aspect)
        if isinstance(value, int):
            return self._number_text(aspect, value)
        text = str(value)
        if aspect is Aspect.MODE:
            return self.tr("Mosaic") if text == Mode.MOSAIC else self.tr("Classic")
        if aspect is Aspect.THEME:
            return self.tr("Dark") if text == Theme.DARK else self.tr("Light")
        if aspect is Aspect.LANGUAGE:
            return LANGUAGES.get(text, clean_name(text, 16))
        if aspect is Aspect.AREA:
            return self._area_text(text)
        if aspect is Aspect.COLOR_GROUP:
            return color_group_label(clean_name(text)) or self.tr("(no name)")
        if aspect is Aspect.ACTION and text in set(OrderAction):
            return action_label(OrderAction(text))
        if aspect is Aspect.ORDER_TYPE and text in set(OrderType):
            return order_type_label(OrderType(text))
        if aspect is Aspect.TIME_IN_FORCE and text in set(TimeInForce):
            return time_in_force_label(TimeInForce(text))
        if aspect is Aspect.BAR_SIZE:
            return bar_size_label(text)
        if aspect is Aspect.TEXT:
            return clean_name(text, _TEXT_LENGTH) or self.tr("(empty)")
        if aspect is Aspect.COLOR:
            return text
        return clean_name(text) or (self.tr("(none)") if aspect is Aspect.SYMBOL else _ABSENT)

    def _number_text(self, aspect: Aspect, value: int) -> str:
        number = QLocale().toString(value)
        if aspect in (Aspect.LOGOFF_WARNING_MINUTES,):
            return self.tr("{minutes} min before").format(minutes=number)
        if aspect is Aspect.LOCK_AFTER_IDLE_MINUTES:
            return self.tr("after {minutes} min").format(minutes=number)
        if aspect is Aspect.AUTOSAVE_MINUTES:
            return self.tr("every {minutes} min").format(minutes=number)
        if aspect is Aspect.FONT_SIZE:
            return self.tr("{size} pt").format(size=number)
        if aspect is Aspect.ORDER:
            return self.tr("position {number}").format(number=number)
        if aspect is Aspect.ROWS:
            return self._rows_count(value)
        return number

    def _none_text(self, aspect: Aspect) -> str:
        if aspect in (Aspect.LOCK_AFTER_IDLE_MINUTES, Aspect.AUTOSAVE_MINUTES):
            return self.tr("never")
        return self.tr("none")

    def _list_text(self, aspect: Aspect, values: Sequence[str], kind: PanelKind | None) -> str:
        label: Callable[[str], str] = clean_name
        if aspect is Aspect.SOURCES:
            label = news_source_label
        elif aspect is Aspect.COLUMNS:
            label = (
                portfolio_column_label if kind is PanelKind.PORTFOLIO else watchlist_column_label
            )
        return self.tr(", ").join(label(value) for value in values) or self.tr("none")

    def _area_text(self, area: str) -> str:
        labels = {
            DockArea.LEFT: lambda: self.tr("Left"),
            DockArea.RIGHT: lambda: self.tr("Right"),
            DockArea.TOP: lambda: self.tr("Top"),
            DockArea.BOTTOM: lambda: self.tr("Bottom"),
            DockArea.FLOATING: lambda: self.tr("Floating window"),
        }
        found = labels.get(DockArea(area)) if area in set(DockArea) else None
        return found() if found is not None else clean_name(area, 16)


# --- the dialog ------------------------------------------------------------------------------


class SettingsConflictDialog(QDialog):
    """Another computer saved settings to the server in between: keep this computer's, use the
    server's, or compare them first (see module)."""

    def __init__(
        self,
        local: Layout,
        server: Layout,
        *,
        server_saved_at: datetime,
        server_machine: str,
        comparison: LayoutComparison | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``comparison``: ``compare(local, server)``, computed on the worker for a large
        layout; computed here when not given."""
        super().__init__(parent)
        self.local = local
        self.server = server
        self.server_saved_at = server_saved_at
        self.server_machine = server_machine
        self.choice: ConflictChoice | None = None
        self.comparison = comparison if comparison is not None else compare(local, server)
        self._compact_size: QSize | None = None
        self._build()
        self.retranslate()
        self.compare_button.setFocus()

    def _build(self) -> None:
        self.setModal(True)
        self.heading = page_title()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.safety = QLabel()
        self.safety.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.tree = ComparisonTree()
        self.tree.setVisible(False)
        self.keep_button = QPushButton()
        self.keep_button.clicked.connect(self.keep_this_computer)
        self.take_button = QPushButton()
        self.take_button.clicked.connect(self.take_server)
        self.compare_button = QPushButton()
        self.compare_button.setCheckable(True)
        self.compare_button.toggled.connect(self.show_comparison)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.reject)
        # No default button: Return decides nothing, only a click (or its key) does.
        for button in (self.compare_button, self.keep_button, self.take_button, self.cancel_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        buttons.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.message)
        column.addWidget(self.question)
        column.addWidget(self.safety)
        column.addSpacing(4)
        column.addWidget(self.summary)
        column.addWidget(self.tree, 1)
        column.addLayout(buttons)
        for before, after in (
            (self.compare_button, self.keep_button),
            (self.keep_button, self.take_button),
            (self.take_button, self.cancel_button),
            (self.cancel_button, self.tree),
        ):
            QWidget.setTabOrder(before, after)
        self.setMinimumWidth(640)

    # --- choices ------------------------------------------------------------------------------

    @Slot()
    def keep_this_computer(self) -> None:
        """Keep this computer's settings (they then go to the server over the other copy)."""
        self.choice = ConflictChoice.KEEP_THIS_COMPUTER
        self.accept()

    @Slot()
    def take_server(self) -> None:
        """Use the server's settings (this computer's are kept as a backup first)."""
        self.choice = ConflictChoice.TAKE_SERVER
        self.accept()

    def reject(self) -> None:
        self.choice = None
        super().reject()

    @property
    def comparison_shown(self) -> bool:
        return self.compare_button.isChecked()

    @Slot(bool)
    def show_comparison(self, shown: bool = True) -> None:
        """Open (or close) the side-by-side view below the message."""
        if self.compare_button.isChecked() != shown:
            self.compare_button.setChecked(shown)  # comes back here through toggled
            return
        if shown and self.tree.comparison is None:
            self.tree.show_comparison(self.comparison)  # filled once, when first asked for
        self.tree.setVisible(shown)
        self._retranslate_compare_button()
        if shown:
            self._compact_size = self.size()
            screen = self.screen().availableGeometry()
            wanted = (
                (self.width(), self.height() + _SAME_HEIGHT) if self.comparison.same else _OPEN_SIZE
            )
            width = min(max(self.width(), wanted[0]), screen.width() - 40)
            height = min(max(self.height(), wanted[1]), screen.height() - 60)
            self.resize(width, height)
            self.tree.setFocus()
        elif self._compact_size is not None:
            self.adjustSize()
            self.resize(self._compact_size.width(), self.sizeHint().height())

    # --- words --------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def when_text(self) -> str:
        """When the server's copy was saved, in local time: "today at 14:03", "yesterday at
        09:15" or "on 12/05/2024 at 14:03"."""
        when = local_datetime(self.server_saved_at)
        locale = QLocale()
        time = locale.toString(when.time(), QLocale.FormatType.ShortFormat)
        today = QDate.currentDate()
        if when.date() == today:
            return self.tr("today at {time}").format(time=time)
        if when.date() == today.addDays(-1):
            return self.tr("yesterday at {time}").format(time=time)
        date = locale.toString(when.date(), QLocale.FormatType.ShortFormat)
        return self.tr("on {date} at {time}").format(date=date, time=time)

    def summary_text(self) -> str:
        """What differs, on one line: "2 workspaces, 5 panels and 12 watchlist rows differ."."""
        comparison = self.comparison
        if comparison.same:
            return self.tr("No differences: both copies hold the same settings.")
        number = QLocale().toString
        counted = [
            (count, one if count == 1 else many.format(count=number(count)))
            for count, one, many in (
                (comparison.workspace_count, self.tr("1 workspace"), self.tr("{count} workspaces")),
                (comparison.panel_count, self.tr("1 panel"), self.tr("{count} panels")),
                (
                    comparison.row_count,
                    self.tr("1 watchlist row"),
                    self.tr("{count} watchlist rows"),
                ),
                (comparison.setting_count, self.tr("1 setting"), self.tr("{count} settings")),
                (
                    len(comparison.color_groups),
                    self.tr("1 color group"),
                    self.tr("{count} color groups"),
                ),
            )
            if count
        ]
        parts = [text for _count, text in counted]
        if not parts:
            return self.tr("Only settings written by a newer version differ.")
        if len(parts) == 1:
            if counted[0][0] == 1:
                return self.tr("{item} differs.").format(item=parts[0])
            return self.tr("{items} differ.").format(items=parts[0])
        items = parts[0]
        for part in parts[1:-1]:
            items = self.tr("{items}, {item}").format(items=items, item=part)
        items = self.tr("{items} and {item}").format(items=items, item=parts[-1])
        return self.tr("{items} differ.").format(items=items)

    def _retranslate_compare_button(self) -> None:
        if self.compare_button.isChecked():
            self.compare_button.setText(self.tr("Hide &Comparison"))
        else:
            self.compare_button.setText(self.tr("&Compare..."))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings on the Server"))
        self.heading.setText(self.tr("Your settings were saved on another computer"))
        machine = clean_name(self.server_machine, _MACHINE_LENGTH) or self.tr("unknown")
        self.message.setText(
            self.tr(
                "Another computer ({machine}) saved your settings to the server {when}, after "
                "this computer last saved or took them. The settings on this computer have "
                "changed since, too."
            ).format(machine=machine, when=self.when_text())
        )
        self.question.setText(
            self.tr("Which settings do you want to use? Nothing changes until you choose.")
        )
        self.safety.setText(
            self.tr(
                "Nothing is lost either way: this computer keeps a backup of its settings "
                "before using the server's, and the server keeps its earlier versions (File > "
                "Layout Settings > Layout/Settings Recovery)."
            )
        )
        self.summary.setText(self.summary_text())
        self.keep_button.setText(self.tr("&Keep this computer's settings"))
        self.take_button.setText(self.tr("&Use the server's settings"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(
            self.tr("Decide later: nothing changes on this computer or on the server")
        )
        self._retranslate_compare_button()
