"""Qt's screens and window rectangles as geometry values; the demo's side windows on screen."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tws_companion.gui.screens import (
    apply_geometry,
    apply_rect,
    current_screens,
    flow_onto,
    frame_rect,
    primary_screen,
    qrect,
    rect_of,
    window_geometry,
)
from tws_companion.layout.geometry import Rect, Screen, WindowGeometry, clamped_into

pytestmark = pytest.mark.gui

#: Outer sizes of the demo's side windows (phone, DSC+, IB Key, code card) with a title bar.
SIDE_WINDOWS = [(340, 550), (300, 520), (330, 590), (460, 630)]


def screen(width: int, height: int, x: int = 0, y: int = 0, *, panel: int = 0) -> Screen:
    """A monitor with a task bar of ``panel`` pixels at the bottom."""
    return Screen(
        f"S{width}x{height}{x:+d}{y:+d}",
        Rect(x, y, width, height),
        Rect(x, y, width, height - panel) if panel else Rect(x, y, width, height),
        primary=True,
    )


def test_rectangles_convert_both_ways() -> None:
    assert rect_of(QRect(-1920, 10, 800, 600)) == Rect(-1920, 10, 800, 600)
    assert qrect(Rect(-1920, 10, 800, 600)) == QRect(-1920, 10, 800, 600)
    assert rect_of(QRect(0, 0, 0, 10)) is None


def test_the_current_screens_are_qts_with_the_primary_marked() -> None:
    screens = current_screens()
    names = [s.name() for s in QGuiApplication.screens()]
    assert [s.name for s in screens] == names
    primary = primary_screen(screens)
    assert primary.primary
    assert qrect(primary.geometry) == QGuiApplication.primaryScreen().geometry()
    assert qrect(primary.available) == QGuiApplication.primaryScreen().availableGeometry()


def test_a_window_is_placed_and_read_back(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    apply_rect(window, Rect(30, 40, 300, 200))
    assert frame_rect(window) == Rect(30, 40, 300, 200)
    geometry = window_geometry(window, current_screens())
    assert geometry == WindowGeometry(
        Rect(30, 40, 300, 200), maximized=False, screen=primary_screen(current_screens()).name
    )
    apply_geometry(window, WindowGeometry(Rect(50, 60, 320, 240)))
    assert frame_rect(window) == Rect(50, 60, 320, 240)


def test_a_maximized_window_files_its_normal_rectangle(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    apply_rect(window, Rect(30, 40, 300, 200))
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    geometry = window_geometry(window, current_screens())
    assert geometry is not None
    assert geometry.maximized
    assert geometry.rect == Rect(30, 40, 300, 200)


@pytest.mark.parametrize(
    "monitor",
    [
        screen(1600, 900, panel=40),
        screen(1366, 768),
        screen(1024, 768, panel=30),
        screen(800, 600),
        screen(1920, 1080, x=-1920, y=-200),
    ],
    ids=["1600x900", "1366x768", "1024x768", "800x600", "left-of-primary"],
)
def test_side_windows_all_open_within_the_available_area(monitor: Screen) -> None:
    rects = flow_onto(SIDE_WINDOWS, monitor, start=(monitor.geometry.x + 540, 40))
    assert len(rects) == len(SIDE_WINDOWS)
    for rect in rects:
        assert monitor.available.contains(rect), rect


def test_side_windows_keep_their_size_and_row_when_there_is_room() -> None:
    wide = screen(3840, 2160)
    rects = flow_onto(SIDE_WINDOWS, wide, start=(540, 40))
    assert [(r.width, r.height) for r in rects] == SIDE_WINDOWS
    assert {r.y for r in rects} == {40}
    assert all(a.right < b.x for a, b in itertools.pairwise(rects))


def test_side_windows_wrap_to_a_second_row_then_stay_on_screen() -> None:
    rects = flow_onto(SIDE_WINDOWS, screen(1600, 1400), start=(540, 40))
    assert rects[0].y == rects[1].y == rects[2].y == 40
    assert rects[3].x == 540  # the card went to the next row, at the left of the column
    assert rects[3].y > max(r.bottom for r in rects[:3])


def test_clamped_into_shrinks_and_moves_the_least() -> None:
    area = Rect(0, 0, 800, 600)
    assert clamped_into(Rect(700, 500, 200, 200), area) == Rect(600, 400, 200, 200)
    assert clamped_into(Rect(-50, 10, 1000, 100), area) == Rect(0, 10, 800, 100)
    assert clamped_into(Rect(10, 10, 100, 100), area) == Rect(10, 10, 100, 100)
