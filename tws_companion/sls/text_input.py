"""What a user types: whitespace removed, ASCII digits recognised, compared in constant time."""

from __future__ import annotations

import hmac


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
