"""Reading the fields of the support files' JSON objects, each checked for its type.

A missing field or one of the wrong type raises :class:`TraceFormatError` naming the field (never
its value). Unknown extra fields are ignored, so a later release of the same format version may
add some.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "TraceFormatError",
    "as_object",
    "opt_int",
    "opt_str",
    "req_bool",
    "req_float",
    "req_int",
    "req_str",
    "str_tuple",
]


class TraceFormatError(ValueError):
    """A support file that is not in the format it claims (damaged, or not such a file)."""


def as_object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TraceFormatError(f"{where} is not a JSON object")
    return value


def _get(data: Mapping[str, Any], key: str, where: str) -> object:
    if key not in data:
        raise TraceFormatError(f"{where}.{key} is missing")
    return data[key]


def req_str(data: Mapping[str, Any], key: str, where: str) -> str:
    value = _get(data, key, where)
    if not isinstance(value, str):
        raise TraceFormatError(f"{where}.{key} is not a string")
    return value


def opt_str(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise TraceFormatError(f"{where}.{key} is not a string")
    return value


def req_int(data: Mapping[str, Any], key: str, where: str) -> int:
    value = _get(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TraceFormatError(f"{where}.{key} is not an integer")
    return value


def opt_int(data: Mapping[str, Any], key: str, where: str) -> int | None:
    if data.get(key) is None:
        return None
    return req_int(data, key, where)


def req_float(data: Mapping[str, Any], key: str, where: str) -> float:
    value = _get(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TraceFormatError(f"{where}.{key} is not a number")
    return float(value)


def req_bool(data: Mapping[str, Any], key: str, where: str) -> bool:
    value = _get(data, key, where)
    if not isinstance(value, bool):
        raise TraceFormatError(f"{where}.{key} is not true or false")
    return value


def str_tuple(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TraceFormatError(f"{where}.{key} is not a list of strings")
    return tuple(value)
