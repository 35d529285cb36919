"""Validation failures of wire data, told by field path and never by value.

The server describes a refused request with :func:`describe` and the client reads an answer with
:func:`parse`, which raises :class:`WireFormatError`. Neither message quotes what was sent: a
password, a response or a token may be in it. A name chosen by the sender (an unknown field, a
mapping key) is not quoted either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

#: At most this many problems are told in one message.
MAX_PROBLEMS = 5

_MESSAGES = {
    # pydantic's text would quote the pattern; say what it means instead.
    "string_pattern_mismatch": "contains characters that are not allowed here",
    "extra_forbidden": "has a field that is not part of the API",
}


class WireFormatError(ValueError):
    """Data that does not have the shape of its wire model; the message names the field path."""


def field_path(loc: Sequence[int | str]) -> str:
    """``("devices", 0, "id")`` as ``devices[0].id``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _where(error: Mapping[str, Any]) -> tuple[int | str, ...]:
    loc: tuple[int | str, ...] = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        return loc[:1]  # the rest is a position in the text, not a field
    if error.get("type") == "extra_forbidden":
        return loc[:-1]  # the last part is the sender's own field name
    if "[key]" in loc:
        return loc[: loc.index("[key]") - 1]  # the part before it is the sender's key
    return loc


def describe(
    errors: Iterable[Mapping[str, Any]], *, skip: Iterable[str] = (), whole: str = "the body"
) -> str:
    """One line naming each problem's field path and what is wrong, without the input.

    ``skip`` drops leading location parts that are not field names (FastAPI's ``body``);
    ``whole`` names a problem of the whole document.
    """
    skipped = frozenset(skip)
    problems: list[str] = []
    for error in errors:
        if len(problems) == MAX_PROBLEMS:
            problems.append("...")
            break
        loc = _where(error)
        if loc and loc[0] in skipped:
            loc = loc[1:]
        where = field_path(loc) or whole
        kind = str(error.get("type", ""))
        problems.append(f"{where}: {_MESSAGES.get(kind, str(error.get('msg', 'invalid')))}")
    return "; ".join(problems)


def parse(model: type[M], data: object) -> M:
    """``data``, a decoded JSON answer, as ``model``; :class:`WireFormatError` when it does not
    fit."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        raise WireFormatError(describe(errors, whole="the answer")) from None
