"""Small helpers shared by the ``sls`` modules: secure randomness, comparison, wording."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

#: Upper-case letters and digits without the look-alikes 0/O, 1/I/L.
UNAMBIGUOUS_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

_SECOND = timedelta(seconds=1)


def random_digits(digits: int) -> str:
    """``digits`` random decimal digits from ``secrets``, leading zeros kept."""
    if digits < 1:
        raise ValueError(f"need at least 1 digit, not {digits}")
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def random_string(alphabet: str, length: int) -> str:
    """``length`` characters drawn uniformly from ``alphabet`` with ``secrets``."""
    if length < 1:
        raise ValueError(f"need at least 1 character, not {length}")
    return "".join(secrets.choice(alphabet) for _ in range(length))


def remove_whitespace(text: str) -> str:
    """``text`` without any whitespace (spaces, tabs, newlines, anywhere in it)."""
    return "".join(text.split())


def is_ascii_digits(text: str) -> bool:
    """Whether ``text`` is non-empty and only ASCII ``0``-``9`` (``str.isdigit`` also takes "²")."""
    return text.isascii() and text.isdigit()


def secure_equals(given: str, expected: str) -> bool:
    """Constant-time comparison of two strings; never raises, whatever ``given`` holds."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def require_aware(name: str, value: datetime) -> None:
    """``ValueError`` for a naive datetime: mixing naive and aware times gives wrong answers."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def ceil_seconds(duration: timedelta) -> int:
    """Whole seconds of ``duration``, rounded up."""
    return -(-duration // _SECOND)


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
