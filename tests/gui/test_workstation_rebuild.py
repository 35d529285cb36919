"""Layout/Settings Recovery's rebuild: the page shown is never hidden or shown whole in one call.

Hiding or showing a page of many panels (thousands of widgets) is one long call of the GUI
thread; so the page shown stays on screen, covered, while its panels go and the new ones come a
few at a time, then it is laid out once and uncovered a strip at a time.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.gui.test_workstation import WAIT_MS, Env, env, open_window  # noqa: F401
from tws_companion.gui.panel_dock import CURTAIN_BANDS
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import (
    Chart,
    DockArea,
    Layout,
    Notes,
    Panel,
    Watchlist,
    WatchlistRow,
    Workspace,
)


class HideCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  (Qt's name)
        if event.type() == QEvent.Type.Hide:
            self.hidden += 1
        return False


def many_panels(name: str, count: int) -> Layout:
    layout = default_layout()
    areas = [DockArea.LEFT, DockArea.RIGHT, DockArea.TOP, DockArea.BOTTOM]
    panels = []
    for n in range(count):
        state = (
            Watchlist(rows=[WatchlistRow(f"S{n}R{r}") for r in range(30)])
            if n % 3 == 0
            else Chart()
            if n % 3 == 1
            else Notes(text=f"note {n}")
        )
        panels.append(Panel(state, title=f"{name} {n}", area=areas[n % len(areas)]))
    layout.workstation.workspaces = [Workspace(name, panels=panels), Workspace("Spare")]
    layout.workstation.active_workspace = 0
    return layout


def test_recovery_rebuilds_the_page_shown_in_place_covered_until_laid_out(
    qtbot: QtBot,
    env: Env,  # noqa: F811
) -> None:
    window = open_window(qtbot, env, many_panels("Before", 24))
    page = window.current_page()
    assert page is not None
    assert page.isVisible()
    old_docks = list(page.docks)
    counter = HideCounter()
    page.installEventFilter(counter)

    layout = many_panels("After", 30)
    window.apply_layout(layout)
    # Right away: the same page, still shown, covered while its panels change.
    assert window.current_page() is page
    assert page.isVisible()
    assert page.is_covered
    assert page.workspace is layout.workstation.workspaces[0]
    assert window.tabs.tabText(0) == "After"
    assert [p.workspace.name for p in window.pages] == ["After", "Spare"]

    with qtbot.waitSignal(window.layoutApplied, timeout=WAIT_MS):
        pass
    qtbot.waitUntil(lambda: window.is_built, timeout=WAIT_MS)
    assert counter.hidden == 0  # never hidden, so never shown again whole either
    assert not page.is_covered
    bands = page.findChildren(QWidget, "curtain")
    assert len(bands) == CURTAIN_BANDS
    assert all(band.width() == 0 for band in bands)
    assert not any(shiboken6.isValid(dock) for dock in old_docks)
    titles = [dock.panel.title for dock in page.docks]
    assert titles == [f"After {n}" for n in range(30)]
    assert all(dock.isVisible() and dock.width() > 0 for dock in page.docks)
    assert window.current_layout() is layout


def test_a_rebuild_started_while_one_runs_ends_with_the_last_layout(
    qtbot: QtBot,
    env: Env,  # noqa: F811
) -> None:
    window = open_window(qtbot, env, many_panels("First", 12))
    window.apply_layout(many_panels("Second", 12))
    last = many_panels("Third", 6)
    with qtbot.waitSignal(window.layoutApplied, timeout=WAIT_MS):
        window.apply_layout(last)
    qtbot.waitUntil(lambda: window.is_built, timeout=WAIT_MS)
    page = window.current_page()
    assert page is not None
    assert not page.is_covered
    assert [dock.panel.title for dock in page.docks] == [f"Third {n}" for n in range(6)]
    assert all(dock.isVisible() for dock in page.docks)
    assert window.current_layout() is last
