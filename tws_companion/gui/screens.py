"""Qt's screens and window rectangles as :mod:`tws_companion.layout.geometry` values, and back.

The geometry module is plain Python; this is where ``QScreen``/``QRect`` become :class:`Screen`/
:class:`Rect`, where a window's geometry is read for the book (:func:`window_geometry`) and where
a remembered one is put back (:func:`apply_geometry`), and where new or stray windows are placed
(:func:`centered`, :func:`cascaded`, :func:`gather_onto`). A :class:`Rect` is a window's *outer*
rectangle (frame and title bar included), as the geometry module expects; Qt sets the frame's
position with ``move()`` and the inside's size with ``resize()``, so the frame margins are taken
off the size when they are known (a window not shown yet has none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from tws_companion.layout.geometry import (
    Rect,
    Screen,
    WindowGeometry,
    clamped_into,
    gather,
    screen_of,
)

__all__ = [
    "apply_geometry",
    "apply_rect",
    "cascaded",
    "centered",
    "current_screens",
    "flow_onto",
    "frame_rect",
    "gather_onto",
    "primary_screen",
    "qrect",
    "rect_of",
    "screen_from_qscreen",
    "window_geometry",
]


def rect_of(rect: QRect) -> Rect | None:
    """``rect`` as a :class:`Rect`, or ``None`` for an empty one (no width or no height)."""
    if rect.width() <= 0 or rect.height() <= 0:
        return None
    return Rect(rect.x(), rect.y(), rect.width(), rect.height())


def qrect(rect: Rect) -> QRect:
    return QRect(rect.x, rect.y, rect.width, rect.height)


def screen_from_qscreen(screen: QScreen, *, primary: bool = False) -> Screen:
    geometry = rect_of(screen.geometry()) or Rect(0, 0, 1, 1)
    available = rect_of(screen.availableGeometry()) or geometry
    return Screen(name=screen.name(), geometry=geometry, available=available, primary=primary)


def current_screens() -> list[Screen]:
    """The screens Qt knows now, the primary one marked (never empty: a headless session has
    one virtual screen)."""
    primary = QGuiApplication.primaryScreen()
    screens = [
        screen_from_qscreen(screen, primary=screen == primary)
        for screen in QGuiApplication.screens()
    ]
    if screens and not any(screen.primary for screen in screens):
        first = screens[0]
        screens[0] = Screen(first.name, first.geometry, first.available, primary=True)
    return screens or [Screen("", Rect(0, 0, 1024, 768), Rect(0, 0, 1024, 768), primary=True)]


def primary_screen(screens: Sequence[Screen]) -> Screen:
    return next((screen for screen in screens if screen.primary), screens[0])


def _margins(window: QWidget) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) frame margins of a shown window; zeros when not known."""
    if not window.isVisible():
        return (0, 0, 0, 0)
    outer, inner = window.frameGeometry(), window.geometry()
    left, top = inner.x() - outer.x(), inner.y() - outer.y()
    right = outer.right() - inner.right()
    bottom = outer.bottom() - inner.bottom()
    return (max(left, 0), max(top, 0), max(right, 0), max(bottom, 0))


def frame_rect(window: QWidget) -> Rect | None:
    """The window's outer rectangle now (``None`` before it has a size)."""
    return rect_of(window.frameGeometry())


def window_geometry(window: QWidget, screens: Sequence[Screen]) -> WindowGeometry | None:
    """What the book files for ``window``: its normal outer rectangle (the one it goes back to
    from maximized), whether it is maximized, and the screen it is on."""
    maximized = window.isMaximized()
    if maximized:
        left, top, right, bottom = _margins(window)
        normal = window.normalGeometry()
        rect = rect_of(
            QRect(
                normal.x() - left,
                normal.y() - top,
                normal.width() + left + right,
                normal.height() + top + bottom,
            )
        )
        on = rect_of(window.frameGeometry())
    else:
        rect = on = frame_rect(window)
    if rect is None:
        return None
    screen = screen_of(on or rect, screens)
    return WindowGeometry(rect, maximized=maximized, screen=screen.name if screen else None)


def apply_rect(window: QWidget, rect: Rect) -> None:
    """Put ``window``'s outer rectangle at ``rect``."""
    left, top, right, bottom = _margins(window)
    window.resize(max(1, rect.width - left - right), max(1, rect.height - top - bottom))
    window.move(rect.x, rect.y)


def apply_geometry(window: QWidget, geometry: WindowGeometry) -> None:
    """Place ``window`` as remembered: its normal rectangle, then maximized if it was."""
    if window.isMaximized() and not geometry.maximized:
        window.showNormal()
    apply_rect(window, geometry.rect)
    if geometry.maximized and window.isVisible():
        window.showMaximized()


def centered(size: tuple[int, int], area: Rect) -> Rect:
    """A rectangle of ``size`` (shrunk to ``area`` if bigger) in the middle of ``area``: where
    the main window goes when nothing is remembered."""
    width, height = min(size[0], area.width), min(size[1], area.height)
    x = area.x + max(0, (area.width - width) // 2)
    y = area.y + max(0, (area.height - height) // 2)
    return Rect(x, y, width, height)


def cascaded(size: tuple[int, int], over: Rect, index: int) -> Rect:
    """Where the ``index``-th window of ``size`` opened over the window at ``over`` goes when
    nothing is remembered: from the middle of ``over`` (clear of its menus and tabs), each one
    30 pixels further right and down, starting again after ten. Not brought onto a screen yet
    (see :func:`~tws_companion.layout.geometry.fit_onto`)."""
    offset = 30 * (index % 10)
    x = over.x + max(40, (over.width - size[0]) // 2) + offset
    y = over.y + max(80, (over.height - size[1]) // 2) + offset
    return Rect(x, y, *size)


def gather_onto(windows: Mapping[str, QWidget], screen: Screen) -> None:
    """Bring ``windows`` (by window id) onto ``screen`` as
    :func:`~tws_companion.layout.geometry.gather` places them; a window without a size yet, or
    already where it goes, is left alone (Window > Gather Windows)."""
    rects: dict[str, Rect] = {}
    for key, window in windows.items():
        rect = frame_rect(window)
        if rect is not None:
            rects[key] = rect
    for key, rect in gather(rects, screen).items():
        if rect != rects[key]:
            apply_rect(windows[key], rect)


def flow_onto(
    sizes: Sequence[tuple[int, int]], screen: Screen, *, start: tuple[int, int], gap: int = 12
) -> list[Rect]:
    """Outer rectangles for windows of ``sizes`` (outer sizes), laid out left to right from
    ``start`` in rows that wrap at the right edge of ``screen``'s available area, then each
    brought within that area (shrunk if too big; overlapping rather than off-screen when the
    screen is too small for all of them). Used for the demo's side windows."""
    area = screen.available
    left = min(max(start[0], area.x), area.right - 1)
    x, y, row_height = left, max(start[1], area.y), 0
    placed: list[Rect] = []
    for width, height in sizes:
        if x > left and x + width > area.right:
            x, y, row_height = left, y + row_height + gap, 0
        placed.append(clamped_into(Rect(x, y, max(1, width), max(1, height)), area))
        x += width + gap
        row_height = max(row_height, height)
    return placed
