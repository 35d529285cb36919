"""Security Code Cards (and the Online Security Code Card printed from Client Portal).

A card maps each index number 1..size to a short value. A challenge names two indices and the
user types their two values one after the other, without spaces.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from tws_companion.sls.policy import (
    CODE_CARD_INDICES_PER_CHALLENGE,
    CODE_CARD_SIZE,
    CODE_CARD_VALUE_LENGTH,
)
from tws_companion.sls.randomness import UNAMBIGUOUS_ALPHABET, random_string
from tws_companion.sls.text_input import remove_whitespace, secure_equals

#: The characters of generated card values.
CARD_ALPHABET = UNAMBIGUOUS_ALPHABET
#: Version of the JSON form kept (encrypted) by the server.
CARD_JSON_VERSION = 1
_CSV_HEADER = ("index", "value")
#: A random pair drawn this many times without escaping ``avoid`` means few pairs are left.
_RANDOM_TRIES = 32
_MAX_INDEX_DIGITS = 6


def _value_ok(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == CODE_CARD_VALUE_LENGTH
        and value.isascii()
        and value.isalnum()
        and value == value.upper()
    )


@dataclass(frozen=True, repr=False)
class CodeCard:
    """The values of one card, index 1..size to a value. Its repr never shows the values."""

    values: Mapping[int, str]

    def __post_init__(self) -> None:
        values = dict(self.values)
        if len(values) < CODE_CARD_INDICES_PER_CHALLENGE:
            raise ValueError(
                f"a code card needs at least {CODE_CARD_INDICES_PER_CHALLENGE} indices"
            )
        for index, value in values.items():
            if isinstance(index, bool) or not isinstance(index, int):
                raise TypeError("code card indices must be integers")
            if not _value_ok(value):
                raise ValueError(
                    f"code card index {index}: a value must be {CODE_CARD_VALUE_LENGTH} "
                    "upper-case letters or digits"
                )
        if set(values) != set(range(1, len(values) + 1)):
            raise ValueError(f"code card indices must run from 1 to {len(values)} without gaps")
        object.__setattr__(self, "values", MappingProxyType(dict(sorted(values.items()))))

    def __repr__(self) -> str:
        return f"CodeCard(size={self.size})"

    @property
    def size(self) -> int:
        """How many index numbers the card has."""
        return len(self.values)


def generate_card(size: int = CODE_CARD_SIZE) -> CodeCard:
    """A new card of ``size`` random values (``secrets``, unambiguous alphabet)."""
    if size < CODE_CARD_INDICES_PER_CHALLENGE:
        raise ValueError(f"a code card needs at least {CODE_CARD_INDICES_PER_CHALLENGE} indices")
    return CodeCard(
        {
            index: random_string(CARD_ALPHABET, CODE_CARD_VALUE_LENGTH)
            for index in range(1, size + 1)
        }
    )


def new_index_challenge(size: int, *, avoid: Collection[tuple[int, int]] = ()) -> tuple[int, int]:
    """Two distinct random indices in 1..size, avoiding the pairs in ``avoid`` (either order).

    ``avoid`` is typically the pairs already asked in this login. When every pair has been used
    a used pair is returned rather than failing.
    """
    if size < CODE_CARD_INDICES_PER_CHALLENGE:
        raise ValueError(f"a code card needs at least {CODE_CARD_INDICES_PER_CHALLENGE} indices")
    avoided = {frozenset(pair) for pair in avoid}

    def draw() -> tuple[int, int]:
        first = secrets.randbelow(size) + 1
        second = secrets.randbelow(size - 1) + 1
        if second >= first:
            second += 1
        return first, second

    for _ in range(_RANDOM_TRIES):
        pair = draw()
        if frozenset(pair) not in avoided:
            return pair
    remaining = [
        (first, second)
        for first in range(1, size + 1)
        for second in range(first + 1, size + 1)
        if frozenset((first, second)) not in avoided
    ]
    if not remaining:
        return draw()
    first, second = secrets.choice(remaining)
    return (first, second) if secrets.randbelow(2) else (second, first)


def expected_response(card: CodeCard, indices: tuple[int, int]) -> str:
    """The values at ``indices`` concatenated, as the user should type them."""
    try:
        return "".join(card.values[index] for index in indices)
    except KeyError:
        raise ValueError(f"index not on a card of {card.size}: {indices}") from None


def verify_card_response(card: CodeCard, indices: tuple[int, int], response: str) -> bool:
    """Whether ``response`` gives the values at ``indices``; spaces and case are ignored."""
    if not all(index in card.values for index in indices):
        return False
    candidate = remove_whitespace(response).upper()
    return secure_equals(candidate, expected_response(card, indices))


def card_to_csv(card: CodeCard) -> str:
    """The card as CSV: a header ``index,value`` then one row per index, ascending."""
    rows = [",".join(_CSV_HEADER)]
    rows.extend(f"{index},{card.values[index]}" for index in range(1, card.size + 1))
    return "\n".join(rows) + "\n"


def card_from_csv(text: str) -> CodeCard:
    """Read :func:`card_to_csv` output; ``ValueError`` names the bad line, never a value."""
    values: dict[int, str] = {}
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header_seen = False
    try:
        for row in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if not header_seen:
                if tuple(cell.lower() for cell in cells) != _CSV_HEADER:
                    raise ValueError(f"line {line}: expected the header 'index,value'")
                header_seen = True
                continue
            if len(cells) != len(_CSV_HEADER):
                raise ValueError(f"line {line}: expected 2 columns, found {len(cells)}")
            index, value = _parse_index(cells[0]), cells[1].upper()
            if index is None:
                raise ValueError(f"line {line}: the index is not a whole number")
            if index in values:
                raise ValueError(f"line {line}: index {index} appears twice")
            if not _value_ok(value):
                raise ValueError(
                    f"line {line}: the value must be {CODE_CARD_VALUE_LENGTH} letters or digits"
                )
            values[index] = value
    except csv.Error:
        raise ValueError(f"line {reader.line_num}: not valid CSV") from None
    if not header_seen:
        raise ValueError("line 1: expected the header 'index,value'")
    return _card_from_values(values)


def card_to_json(card: CodeCard) -> str:
    """The card as compact JSON with a format version, for encrypted storage."""
    document = {
        "version": CARD_JSON_VERSION,
        "values": {str(index): value for index, value in card.values.items()},
    }
    return json.dumps(document, separators=(",", ":"))


def card_from_json(text: str) -> CodeCard:
    """Read :func:`card_to_json` output; ``ValueError`` (without values) for anything else."""
    try:
        document: Any = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ValueError("code card JSON is not valid JSON") from None
    if not isinstance(document, dict) or document.get("version") != CARD_JSON_VERSION:
        raise ValueError(f"code card JSON must be an object with version {CARD_JSON_VERSION}")
    raw = document.get("values")
    if not isinstance(raw, dict):
        # Bad content, not a programming error: the caller handles ValueError.
        raise ValueError("code card JSON has no 'values' object")  # noqa: TRY004
    values: dict[int, str] = {}
    for key, value in raw.items():
        index = _parse_index(key)
        if index is None:
            raise ValueError("code card JSON has an index that is not a whole number")
        if index in values:
            raise ValueError(f"code card JSON has index {index} twice")
        values[index] = value
    return _card_from_values(values)


def _parse_index(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_INDEX_DIGITS:
        return None
    return int(text)


def _card_from_values(values: dict[int, Any]) -> CodeCard:
    missing = [index for index in range(1, len(values) + 1) if index not in values]
    if missing:
        raise ValueError(
            f"code card indices must run from 1 to {len(values)} without gaps; "
            f"index {missing[0]} is missing"
        )
    return CodeCard(values)
