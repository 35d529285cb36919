"""Layout/Settings Recovery's rebuild: the page shown is never hidden or shown whole in one call.

Hiding or showing a page of many panels (thousands of widgets) is one long call of the GUI
thread; so the page shown stays on screen, covered, while its panels go and the new ones come a
few at a time, laid out every few panels, then it is uncovered a strip at a time. A workspace
never shown is built when first shown, and keeps its panels meanwhile.
"""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.gui.test_workstation import (  # noqa: F401
    WAIT_MS,
    Env,
    answer,
    dock_of,
    env,
    floating_news,
    open_window,
    saved_layout,
)
from tws_companion.gui.panel_dock import (
    BAND_HEIGHT,
    CURTAIN_BANDS,
    TITLE_BAR_HEIGHT,
    WorkspacePage,
)
from tws_companion.gui.screens import apply_rect, current_screens, frame_rect
from tws_companion.gui.workstation import LAYOUT_EVERY
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.geometry import Rect
from tws_companion.layout.model import (
    Chart,
    DockArea,
    Layout,
    Notes,
    Panel,
    PanelKind,
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


def test_the_layout_recovered_is_saved_once_the_window_has_built_it(
    qtbot: QtBot,
    env: Env,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    applied: list[bool] = []
    built_when_saved: list[bool] = []  # for each save, whether the window was built by then
    save = env.profile.save

    def recording_save(layout: Layout) -> None:
        built_when_saved.append(bool(applied))
        save(layout)

    monkeypatch.setattr(env.profile, "save", recording_save)
    window = open_window(qtbot, env, many_panels("Before", 6))
    window.layoutApplied.connect(lambda: applied.append(True))
    layout = many_panels("After", 30)
    window.apply_layout(layout)
    assert not window.is_built
    qtbot.waitUntil(lambda: saved_layout(env.profile) == layout, timeout=WAIT_MS)
    assert built_when_saved == [True]  # one save, after the rebuild, not during it


def test_leaving_before_the_rebuild_ends_still_saves_the_layout_recovered(
    qtbot: QtBot,
    env: Env,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = answer(monkeypatch, "question")
    before = many_panels("Before", 6)
    before.global_config.lock_and_exit.save_on_exit = False  # leaving would ask, and may not save
    window = open_window(qtbot, env, before)
    layout = many_panels("After", 30)
    layout.global_config.lock_and_exit.save_on_exit = False
    window.apply_layout(layout)
    assert not window.is_built
    with qtbot.waitSignal(window.exited, timeout=WAIT_MS):
        window.request_exit()
    assert asked == []  # the recovery said it would be saved: no question
    assert saved_layout(env.profile) == layout


def test_the_app_ending_before_the_rebuild_ends_still_saves_the_layout_recovered(
    qtbot: QtBot,
    env: Env,  # noqa: F811
) -> None:
    window = open_window(qtbot, env, many_panels("Before", 6))
    layout = many_panels("After", 30)
    window.apply_layout(layout)
    assert not window.is_built
    window.shut_down()  # as the app does when it is torn down; then its worker finishes
    env.worker.shutdown()
    assert saved_layout(env.profile) == layout


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


def test_a_workspace_of_many_panels_is_laid_out_every_few_panels(
    qtbot: QtBot,
    env: Env,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(qtbot, env, many_panels("Before", 3))
    passes: list[int] = []  # how many new panels each layout pass placed
    lay_out = WorkspacePage.lay_out

    def counted(page: WorkspacePage, *, more_to_come: bool = False) -> None:
        passes.append(page.unlaid)
        lay_out(page, more_to_come=more_to_come)

    monkeypatch.setattr(WorkspacePage, "lay_out", counted)
    with qtbot.waitSignal(window.layoutApplied, timeout=WAIT_MS):
        window.apply_layout(many_panels("After", 5 * LAYOUT_EVERY))
    assert max(passes) <= LAYOUT_EVERY  # never one long pass over every new panel
    assert sum(passes) == 5 * LAYOUT_EVERY
    page = window.current_page()
    assert page is not None
    assert not page.is_covered
    docked = [dock for dock in page.docks if not dock.isFloating()]
    assert all(dock.isVisible() and dock.height() > TITLE_BAR_HEIGHT for dock in docked)
    assert all(dock.title_bar.height() >= TITLE_BAR_HEIGHT for dock in docked)


def test_a_page_taller_than_its_bands_is_covered_by_more_of_them(qtbot: QtBot) -> None:
    page = WorkspacePage(Workspace("Tall"))
    qtbot.addWidget(page)
    page.resize(400, CURTAIN_BANDS * BAND_HEIGHT * 2)
    page.show()
    page.cover()
    bands = page.findChildren(QWidget, "curtain")
    assert len(bands) == CURTAIN_BANDS * 2
    assert all(0 < band.height() <= BAND_HEIGHT and band.width() == 400 for band in bands)
    assert sum(band.height() for band in bands) == page.height()  # the whole page, no gap
    while page.uncover_band():
        pass
    assert all(band.width() == 0 for band in bands)


def test_a_workspace_is_built_when_first_shown_and_keeps_its_panels(
    qtbot: QtBot,
    env: Env,  # noqa: F811
) -> None:
    layout = many_panels("Shown", 3)
    spare = layout.workstation.workspaces[1]
    spare.panels = [
        Panel(Watchlist(rows=[WatchlistRow(f"R{n}") for n in range(50)]), title="Rows"),
        Panel(Notes(text="kept as written"), title="Kept"),
    ]
    window = open_window(qtbot, env, layout, save_delay_ms=50)
    spare_page = window.pages[1]
    assert spare_page.docks == []  # not built while never shown
    window.save_settings()
    qtbot.waitUntil(lambda: saved_layout(env.profile) == layout, timeout=WAIT_MS)
    saved = saved_layout(env.profile)
    assert saved is not None
    assert saved.workstation.workspaces[1].panels == spare.panels

    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.is_built and len(spare_page.docks) == 2, timeout=WAIT_MS)
    assert [dock.panel.title for dock in spare_page.docks] == ["Rows", "Kept"]
    assert spare_page.docks[0].panel_widget.state() == spare.panels[0].state
    window.save_settings()

    def shown_and_saved() -> bool:
        saved = saved_layout(env.profile)
        return saved is not None and saved.workstation.active_workspace == 1

    qtbot.waitUntil(shown_and_saved, timeout=WAIT_MS)
    saved = saved_layout(env.profile)
    assert saved is not None
    assert saved.workstation.workspaces[1].panels == spare.panels


def test_a_floating_panel_moved_is_remembered_and_one_floated_later_too(
    qtbot: QtBot,
    env: Env,  # noqa: F811
) -> None:
    window = open_window(qtbot, env, floating_news(), geometry_delay_ms=50)
    news = dock_of(window, PanelKind.NEWS)
    qtbot.waitUntil(news.isVisible, timeout=WAIT_MS)

    def remembered(panel_id: str) -> Rect | None:
        found = env.profile.load_geometry().recall(current_screens(), panel_id)
        return found.rect if found else None

    apply_rect(news, Rect(100, 120, 320, 260))
    qtbot.waitUntil(lambda: remembered(news.panel.id) == frame_rect(news), timeout=WAIT_MS)

    chart = dock_of(window, PanelKind.CHART)
    chart.title_bar.float_button.click()
    assert chart.isFloating()
    qtbot.waitUntil(chart.isVisible, timeout=WAIT_MS)
    # Floating it saved its place; then a move alone must be noticed.
    qtbot.waitUntil(lambda: remembered(chart.panel.id) == frame_rect(chart), timeout=WAIT_MS)
    moved = Rect(140, 160, 300, 240)
    assert remembered(chart.panel.id) != moved
    apply_rect(chart, moved)
    qtbot.waitUntil(lambda: remembered(chart.panel.id) == frame_rect(chart), timeout=WAIT_MS)


def test_a_click_on_a_color_chip_opens_its_group_menu(
    qtbot: QtBot,
    env: Env,  # noqa: F811
) -> None:
    window = open_window(qtbot, env)
    chart = dock_of(window, PanelKind.CHART)
    chip = chart.title_bar.chip
    assert chip.menu() is None  # no arrow drawn beside the chip
    chip.click()
    qtbot.waitUntil(chart.group_menu.isVisible, timeout=WAIT_MS)
    choices = [action.text() for action in chart.group_menu.actions() if action.isCheckable()]
    assert choices == ["None", "Red", "Green", "Blue"]
    chart.group_menu.close()
