"""The app's themes: Global Configuration > Display > Theme as a Qt palette, the login window's
own light palette, and the focus frame of buttons that a style sheet draws.

The theme is the whole app's while a user is logged in (menus, dialogs, message boxes); the
system's palette, taken before the workstation changes it, comes back on leaving. The login window
keeps its light look whatever the system's theme (:func:`login_palette`).

Qt's styles draw a focus frame only on the buttons they draw themselves; a button given its own
border by a style sheet gets none, so every such style sheet gives its buttons a 2-pixel border and
adds :data:`FOCUS_FRAME` (or a frame of its own for a button filled with the highlight colour): the
focused button is always seen, in every style and theme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QPalette

if TYPE_CHECKING:  # the login window needs no layout model before its first paint
    from tws_companion.layout.model import Theme

__all__ = ["FOCUS_FRAME", "dark_palette", "login_palette", "palette_for"]

#: A focused button's frame, for buttons a style sheet gives a 2-pixel border: the border takes
#: the highlight colour of the palette in use (so it follows the theme), and nothing moves.
FOCUS_FRAME = """
QPushButton:focus { border-color: palette(highlight); }
"""


def _palette(colors: dict[QPalette.ColorRole, str], disabled: str) -> QPalette:
    palette = QPalette()
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


def login_palette() -> QPalette:
    """The login window's palette: light, to match its style sheet, even when the system's theme
    is dark (whose light text would be lost on the window's light background)."""
    return _palette(
        {
            QPalette.ColorRole.Window: "#f4f6f9",
            QPalette.ColorRole.WindowText: "#1d2733",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#eef2f6",
            QPalette.ColorRole.ToolTipBase: "#ffffdc",
            QPalette.ColorRole.ToolTipText: "#1d2733",
            QPalette.ColorRole.PlaceholderText: "#7a8694",
            QPalette.ColorRole.Text: "#1d2733",
            QPalette.ColorRole.Button: "#e9edf2",
            QPalette.ColorRole.ButtonText: "#14263b",
            QPalette.ColorRole.BrightText: "#b3261e",
            QPalette.ColorRole.Light: "#ffffff",
            QPalette.ColorRole.Midlight: "#e3e8ee",
            QPalette.ColorRole.Mid: "#b8c2cc",
            QPalette.ColorRole.Dark: "#8a96a3",
            QPalette.ColorRole.Shadow: "#4a5563",
            QPalette.ColorRole.Highlight: "#0b5cad",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.Link: "#0b5cad",
            QPalette.ColorRole.LinkVisited: "#6a3fa0",
        },
        disabled="#8a96a3",
    )


def dark_palette() -> QPalette:
    """Global Configuration > Display > Theme > Dark."""
    return _palette(
        {
            QPalette.ColorRole.Window: "#2b2d31",
            QPalette.ColorRole.WindowText: "#e6e6e6",
            QPalette.ColorRole.Base: "#1e1f22",
            QPalette.ColorRole.AlternateBase: "#2b2d31",
            QPalette.ColorRole.ToolTipBase: "#3c3f44",
            QPalette.ColorRole.ToolTipText: "#e6e6e6",
            QPalette.ColorRole.PlaceholderText: "#8c8f94",
            QPalette.ColorRole.Text: "#e6e6e6",
            QPalette.ColorRole.Button: "#3a3d42",
            QPalette.ColorRole.ButtonText: "#e6e6e6",
            QPalette.ColorRole.BrightText: "#ff6b6b",
            QPalette.ColorRole.Light: "#4a4d52",
            QPalette.ColorRole.Midlight: "#404348",
            QPalette.ColorRole.Mid: "#303236",
            QPalette.ColorRole.Dark: "#1a1b1e",
            QPalette.ColorRole.Shadow: "#000000",
            QPalette.ColorRole.Highlight: "#2f65ca",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.Link: "#6ea8fe",
            QPalette.ColorRole.LinkVisited: "#b68cff",
        },
        disabled="#7d8086",
    )


def palette_for(theme: Theme, system: QPalette) -> QPalette:
    """The app's palette for ``theme``: :func:`dark_palette` for Dark, else ``system`` (the
    palette the app had before the workstation changed it)."""
    from tws_companion.layout.model import Theme

    return dark_palette() if theme is Theme.DARK else system
