"""Text that comes from a file or the server (a workspace's name, a symbol, a machine name),
made safe to show: on one line, without control or direction characters, cut short."""

from __future__ import annotations

import re

#: Longest name shown before it is cut short with "…".
MAX_NAME_LENGTH = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")


def clean_name(text: str, limit: int = MAX_NAME_LENGTH) -> str:
    """``text`` on one line, without control or direction characters, at most ``limit`` long."""
    text = _CONTROL.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
