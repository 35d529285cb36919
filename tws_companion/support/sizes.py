"""Sizes of files as people read them, for the command line and the support files (the GUI
uses Qt's locale-aware ``gui.layout_dialogs.data_size``)."""

from __future__ import annotations

__all__ = ["human_size"]


def human_size(size: int) -> str:
    """``size`` bytes as "12.3 MB" (powers of 1024, as file managers show them)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
