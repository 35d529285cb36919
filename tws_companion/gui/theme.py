"""The workstation's themes: Global Configuration > Display > Theme as a Qt palette.

The theme is the whole app's while a user is logged in (menus, dialogs, message boxes); the
system's palette, taken before the workstation changes it, comes back on leaving.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from tws_companion.layout.model import Theme

__all__ = ["dark_palette", "palette_for"]


def dark_palette() -> QPalette:
    """Global Configuration > Display > Theme > Dark."""
    palette = QPalette()
    colors = {
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
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7d8086"))
    return palette


def palette_for(theme: Theme, system: QPalette) -> QPalette:
    """The app's palette for ``theme``: :func:`dark_palette` for Dark, else ``system`` (the
    palette the app had before the workstation changed it)."""
    return dark_palette() if theme is Theme.DARK else system
