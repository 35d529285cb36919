"""Times and durations: aware datetimes only, whole seconds, and durations spelled out."""

from __future__ import annotations

from datetime import datetime, timedelta

_SECOND = timedelta(seconds=1)


def require_aware(name: str, value: datetime) -> None:
    """``ValueError`` for a naive datetime: mixing naive and aware times gives wrong answers."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def ceil_seconds(duration: timedelta) -> int:
    """Whole seconds of ``duration``, rounded up."""
    return -(-duration // _SECOND)


def wait_seconds(duration: timedelta) -> int:
    """Seconds to tell a user to wait: ``duration`` rounded up, at least 1."""
    return max(1, ceil_seconds(duration))


def plural(count: int, unit: str) -> str:
    """``"1 minute"``, ``"2 minutes"``."""
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def duration_text(seconds: int) -> str:
    """Spell a whole number of seconds: ``"23 hours and 59 minutes"``, ``"1 minute"``."""
    if seconds < 1:
        raise ValueError(f"duration must be at least 1 second, not {seconds}")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        plural(count, unit)
        for count, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second"))
        if count
    ]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
