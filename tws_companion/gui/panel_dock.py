"""A workspace's panels as dock widgets: :class:`WorkspacePage` (one workspace, a tab of the
workstation) holds a :class:`PanelDock` per panel, each with its :class:`PanelTitleBar` (color
group chip, title, float and close buttons).

A page is an inner main window: its panels are docked in its areas, tabbed, or floating as windows
of their own; in Classic the first watchlist is its central widget (the fixed trading window).
:func:`display_title` is the title a panel shows, :func:`chip_icon` a color group's chip.

Signals of PanelDock: closedByUser(object) — the dock, closed with its close button.
PanelTitleBar and WorkspacePage have no signals of their own.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QIcon,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QStyle,
    QTabWidget,
    QToolButton,
    QWidget,
)

from tws_companion.gui.panels.base import PanelWidget
from tws_companion.gui.panels.labels import kind_label
from tws_companion.layout.model import ColorGroup, DockArea, Panel, PanelKind, Workspace

__all__ = [
    "BAND_HEIGHT",
    "CURTAIN_BANDS",
    "TITLE_BAR_HEIGHT",
    "PanelDock",
    "PanelTitleBar",
    "WorkspacePage",
    "chip_icon",
    "display_title",
]

#: A page being built is covered by this many horizontal bands, taken away one at a time...
CURTAIN_BANDS = 24
#: ... each at most this high: a taller page (a hundred panels in one column make the window
#: that tall) has more of them, so uncovering one never paints more than a panel or two.
BAND_HEIGHT = 240
#: The least height of a panel's title bar.
TITLE_BAR_HEIGHT = 24

_QT_AREAS = {
    DockArea.LEFT: Qt.DockWidgetArea.LeftDockWidgetArea,
    DockArea.RIGHT: Qt.DockWidgetArea.RightDockWidgetArea,
    DockArea.TOP: Qt.DockWidgetArea.TopDockWidgetArea,
    DockArea.BOTTOM: Qt.DockWidgetArea.BottomDockWidgetArea,
}
_MODEL_AREAS = {qt: area for area, qt in _QT_AREAS.items()}

#: The English titles the default layout gives its panels: shown in the user's language.
_DEFAULT_TITLES = {
    PanelKind.WATCHLIST: {"Watchlist"},
    PanelKind.ORDER_ENTRY: {"Order Entry", "Order Defaults"},
    PanelKind.CHART: {"Chart"},
    PanelKind.PORTFOLIO: {"Portfolio"},
    PanelKind.NEWS: {"News"},
    PanelKind.NOTES: {"Notes"},
}

#: What a panel's dock allows, unless it is the Classic trading window (which allows nothing).
_DOCK_FEATURES = (
    QDockWidget.DockWidgetFeature.DockWidgetClosable
    | QDockWidget.DockWidgetFeature.DockWidgetMovable
    | QDockWidget.DockWidgetFeature.DockWidgetFloatable
)


def display_title(panel: Panel) -> str:
    """A panel's title; the default layout's English titles in the user's language."""
    if not panel.title or panel.title in _DEFAULT_TITLES.get(panel.kind, set()):
        return kind_label(panel.kind)
    return panel.title


_CHIPS: dict[str | None, QIcon] = {}


def chip_icon(color: str | None, size: int = 12) -> QIcon:
    """A small filled square of ``color``; for no color group a grey one struck through (an
    empty square would look like a check box). Made once per color."""
    if color in _CHIPS:
        return _CHIPS[color]
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#5f6670"))
    painter.setBrush(QColor(color or "#d5d9de"))
    painter.drawRect(0, 0, size - 1, size - 1)
    if not color:
        painter.drawLine(2, size - 3, size - 3, 2)
    painter.end()
    _CHIPS[color] = icon = QIcon(pixmap)
    return icon


class PanelTitleBar(QWidget):
    """A panel's title bar: its color group chip, its title, float and close buttons.

    Mouse events it does not use go on to the dock widget (dragging moves the panel, a double
    click floats or docks it). No signals: its buttons act on the dock, its chip and context
    menu open the dock's ``group_menu``.
    """

    def __init__(self, dock: PanelDock) -> None:
        super().__init__(dock)
        self.setObjectName("panelTitleBar")
        self.setAutoFillBackground(True)
        self.chip = QToolButton()
        self.chip.setObjectName("colorChip")
        self.chip.setAutoRaise(True)
        self.chip.setIconSize(QSize(12, 12))
        # The menu opens on a click, not as the button's own menu: that would draw an arrow,
        # which only a style sheet per chip hides (slow to make and to lay out, per panel).
        self.chip.clicked.connect(
            lambda: dock.group_menu.popup(self.chip.mapToGlobal(self.chip.rect().bottomLeft()))
        )
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        style = self.style()
        self.float_button = QToolButton()
        self.float_button.setAutoRaise(True)
        self.float_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_TitleBarNormalButton))
        self.float_button.clicked.connect(lambda: dock.setFloating(not dock.isFloating()))
        self.close_button = QToolButton()
        self.close_button.setAutoRaise(True)
        self.close_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.clicked.connect(dock.close)
        for button in (self.float_button, self.close_button):
            button.setIconSize(QSize(12, 12))
        # At least TITLE_BAR_HEIGHT high: the title's minimum height, within the margins (the
        # dock asks its title bar's size hint several times per layout pass: no Python override).
        self.title.setMinimumHeight(TITLE_BAR_HEIGHT - 2 * 2)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 2, 2)
        row.setSpacing(4)
        row.addWidget(self.chip)
        row.addWidget(self.title, 1)
        row.addWidget(self.float_button)
        row.addWidget(self.close_button)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda point: dock.group_menu.popup(self.mapToGlobal(point))
        )

    def set_fixed(self, fixed: bool) -> None:
        """The Classic trading window can be neither floated nor closed."""
        self.float_button.setVisible(not fixed)
        self.close_button.setVisible(not fixed)


class PanelDock(QDockWidget):
    """One panel of a workspace: its model :class:`Panel` and the widget that edits its state.

    Signals: closedByUser(object) — this dock, closed with its close button (not when
    :meth:`close_quietly` hides it).
    """

    closedByUser = Signal(object)

    def __init__(self, panel: Panel, widget: PanelWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.panel_widget = widget
        self.setObjectName(f"panel-{panel.id}")
        self.setAttribute(Qt.WidgetAttribute.WA_WindowPropagation)
        self.group_menu = QMenu(self)
        self.title_bar = PanelTitleBar(self)
        self.setTitleBarWidget(self.title_bar)
        self.setWidget(widget)
        self.setFeatures(_DOCK_FEATURES)
        self._quiet = False

    def set_fixed(self, fixed: bool) -> None:
        self.title_bar.set_fixed(fixed)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.NoDockWidgetFeatures if fixed else _DOCK_FEATURES
        )

    def show_title(self, title: str, group: ColorGroup | None, group_name: str) -> None:
        self.setWindowTitle(title)
        self.title_bar.title.setText(title)
        self.title_bar.chip.setIcon(chip_icon(group.color if group else None))
        self.title_bar.chip.setToolTip(group_name)
        self.title_bar.float_button.setToolTip(
            self.tr("Dock") if self.isFloating() else self.tr("Float")
        )
        self.title_bar.close_button.setToolTip(self.tr("Close"))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.isFloating():
            # A floating panel has no window manager frame (its title bar is ours): outline it.
            painter = QPainter(self)
            edge = QColor(self.palette().color(QPalette.ColorRole.WindowText))
            edge.setAlpha(110)  # visible on a light and on a dark theme
            painter.setPen(edge)
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
            painter.end()

    def close_quietly(self) -> None:
        """Hide without counting as the user closing the panel (the window is being rebuilt)."""
        self.quieten()
        self.hide()

    def quieten(self) -> None:
        """From now on, closing does not count as the user closing the panel (it is going)."""
        self._quiet = True

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted() and not self._quiet:
            self.closedByUser.emit(self)


class WorkspacePage(QMainWindow):
    """One workspace (a tab): an inner main window whose dock widgets are its panels.

    No signals: the workstation connects to each :class:`PanelDock` it adds.
    """

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setObjectName(f"workspace-{workspace.id}")
        self.workspace = workspace
        self.docks: list[PanelDock] = []
        self.central: PanelDock | None = None
        #: The Classic trading window's panel (the first watchlist), or ``None`` in Mosaic.
        self.central_panel: Panel | None = None
        #: Panels still to build: ``None`` until the page is first shown (built lazily).
        self.pending: list[Panel] | None = None
        #: Docks of the workspace this page showed before :meth:`empty`, still to delete.
        self.departing: list[PanelDock] = []
        #: Docks added since the page was last laid out (see :meth:`lay_out`).
        self.unlaid = 0
        #: The opaque bands that cover the page while it is built (see :meth:`cover`), and how
        #: many of them (from the top) are drawn back to nothing.
        self._curtain: list[QWidget] = []
        self._open_bands = 0
        self.setDockOptions(
            QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)

    def empty(self, workspace: Workspace) -> list[PanelDock]:
        """Make this page the (unbuilt) page of ``workspace``: its docks move to
        :attr:`departing` (the caller deletes them, a few at a time: the page stays shown,
        covered, so nothing big is hidden in one call) and are returned."""
        gone = self.docks
        self.departing.extend(gone)
        self.docks = []
        self.central = None
        self.central_panel = None
        self.pending = None
        self.unlaid = 0
        self.workspace = workspace
        self.setObjectName(f"workspace-{workspace.id}")
        return gone

    def add(self, dock: PanelDock, *, central: bool = False) -> None:
        self.docks.append(dock)
        area = dock.panel.area
        if central:
            dock.set_fixed(True)
            self.central = dock
            self.setCentralWidget(dock)
        else:
            self.addDockWidget(_QT_AREAS.get(area, Qt.DockWidgetArea.RightDockWidgetArea), dock)
        if self._curtain:
            dock.stackUnder(self._curtain[0])  # under the bands (raising them repaints them)
        if area is DockArea.FLOATING and not central:
            dock.setFloating(True)
            dock.hide()  # a window of its own: shown by the workstation when it is time
        self.unlaid += 1
        self._raise_curtain()

    # --- building out of sight -------------------------------------------------------------
    #
    # Showing or hiding a page of a hundred panels (some 4,000 widgets) is one long call, and so
    # is painting it all, laying it out again for every dock added to it while it shows, or
    # laying a hundred new docks out in one pass. So a page being built (or emptied) stays where
    # it is, covered by opaque bands (which Qt paints instead of what they cover), its layout
    # off: docks come and go a few at a time, each cheap, with a layout pass every few docks
    # (each sizes only the docks new since the last); then the last pass, and the bands are
    # taken away one per turn of the event loop (each turn paints only the strip it uncovers).

    @property
    def is_covered(self) -> bool:
        return self._open_bands < len(self._curtain)

    def cover(self) -> None:
        """Cover the page and stop laying out its docks until :meth:`lay_out`."""
        layout = self.layout()
        if layout is not None:
            layout.setEnabled(False)
        self._open_bands = 0
        self._place_curtain()
        for band in self._curtain:
            band.show()
            band.raise_()

    def lay_out(self, *, more_to_come: bool = False) -> None:
        """Lay the docks out again, in one pass (still covered). ``more_to_come``: the page is
        still being built, so its layout is off again afterwards; laying out the docks built so
        far every few docks keeps each pass short (a pass sizes the docks added since the last
        one, and only moves the others), where one pass over a hundred new docks is one long
        call."""
        layout = self.layout()
        if layout is not None:
            layout.setEnabled(True)
            layout.activate()
            if more_to_come:
                layout.setEnabled(False)
        self.unlaid = 0
        self._raise_curtain()

    def _raise_curtain(self) -> None:
        """Keep the bands above every other child (one the layout made, say): raising a band
        repaints all of it, so they are raised only when something came above them."""
        count = len(self._curtain)
        if not count:
            return
        widgets = [w for w in self.children() if isinstance(w, QWidget) and not w.isWindow()]
        if any(a is not b for a, b in zip(widgets[-count:], self._curtain, strict=True)):
            for band in self._curtain:
                band.raise_()

    def uncover_band(self) -> bool:
        """Draw the top band that still covers the page back to nothing (it stays shown: hiding
        or showing a child of the page would lay the page out again); ``True`` while bands
        remain."""
        if self.is_covered:
            self._curtain[self._open_bands].setGeometry(0, 0, 0, 0)
            self._open_bands += 1
        return self.is_covered

    def _place_curtain(self) -> None:
        """Place the bands still covering the page (more of them if it grew)."""
        width, height = self.width(), self.height()
        if self.is_covered or not self._curtain:
            while len(self._curtain) < max(CURTAIN_BANDS, -(-height // BAND_HEIGHT)):
                band = QWidget(self)
                band.setObjectName("curtain")
                band.setAutoFillBackground(True)  # opaque: Qt paints it instead of what it covers
                band.show()
                self._curtain.append(band)
        count = len(self._curtain)
        for index, band in enumerate(self._curtain):
            if index < self._open_bands:
                band.setGeometry(0, 0, 0, 0)
                continue
            top = height * index // count
            band.setGeometry(0, top, width, height * (index + 1) // count - top)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._curtain:
            self._place_curtain()

    def remove(self, dock: PanelDock) -> None:
        if dock in self.docks:
            self.docks.remove(dock)
        if dock is not self.central:
            self.removeDockWidget(dock)

    def area_of(self, dock: PanelDock) -> DockArea:
        """Where ``dock`` is now (the Classic trading window keeps the area it had)."""
        if dock is self.central:
            return dock.panel.area
        if dock.isFloating():
            return DockArea.FLOATING
        return _MODEL_AREAS.get(self.dockWidgetArea(dock), dock.panel.area)

    def floating(self) -> list[PanelDock]:
        return [dock for dock in self.docks if dock is not self.central and dock.isFloating()]

    @property
    def is_built(self) -> bool:
        return self.pending is not None and not self.pending
