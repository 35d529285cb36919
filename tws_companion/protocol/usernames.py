"""User names: the one form in which they are stored, compared and used to file things.

User names are case-insensitive (``Alice`` and ``alice`` are one user) and the same name typed on
two keyboards is one user whether its accents arrive composed or not. The server stores this form,
and the app files its keyring entries, preferences and folders under it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["normalize_username"]


def normalize_username(username: str) -> str:
    """``username`` stripped of surrounding whitespace, NFC-normalised and case-folded."""
    return unicodedata.normalize("NFC", username.strip()).casefold()
