"""Secure randomness for challenges, codes and passcodes: always ``secrets``, never ``random``."""

from __future__ import annotations

import secrets

UNAMBIGUOUS_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


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
