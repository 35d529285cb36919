"""Where the server reads the time: the system clock, or one a test or a support replay moves.

Every rule with a duration reads ``clock.now()``; nothing in the server calls ``datetime.now``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetFileClock:
    """The system time plus a number of seconds read from a file on every call.

    ``serve --clock-file PATH`` uses it so that an end-to-end test or a support engineer can move
    a running server (and all its workers) days ahead without waiting. A missing or empty file means
    no offset; a file that does not hold a number is an error, not silently ignored.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def offset(self) -> timedelta:
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return timedelta(0)
        if not text:
            return timedelta(0)
        try:
            return timedelta(seconds=float(text))
        except ValueError:
            raise ValueError(f"clock file {self.path} must hold a number of seconds") from None

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()
