"""What a symbol may be: 1 to 12 letters, digits, '.', '-' or spaces (no Qt here).

Symbols are stored upper-case ("BRK B", "BF.B", "ES-MINI"); what the trader types is trimmed and
upper-cased first.
"""

from __future__ import annotations

import re

__all__ = ["SYMBOL_CHARACTERS", "SYMBOL_MAX_LENGTH", "normalize_symbol"]

SYMBOL_MAX_LENGTH = 12
#: A regular expression class of the characters a symbol may hold (either case, as typed).
SYMBOL_CHARACTERS = "[A-Za-z0-9. \\-]"
_SYMBOL = re.compile(f"[A-Z0-9. \\-]{{1,{SYMBOL_MAX_LENGTH}}}")


def normalize_symbol(text: str) -> str | None:
    """``text`` as a stored symbol (trimmed, upper-case), or ``None`` if it is not one."""
    symbol = text.strip().upper()
    return symbol if _SYMBOL.fullmatch(symbol) else None
