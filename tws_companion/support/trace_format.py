"""The login trace: a redacted timeline of one login attempt, and its versioned JSON format.

Schema, format version 1 (one JSON object, UTF-8)::

    {
      "format": "tws-companion-login-trace",
      "version": 1,
      "trace_id": "9f1c...",              # 16 random hex digits
      "started_at": "2026-11-30T09:34:51.123456+00:00",   # UTC, when Log In was pressed
      "user": "user-3fa9c0d1e2b4a5f6",     # pseudonym (support/pseudonyms.py), never the name
      "platform": "tws" | "portal" | "mobile",
      "surface": "dialog" | "terminal",
      "outcome": "succeeded" | "refused" | "unreachable" | "expired" | "locked"
                 | "restricted" | "cancelled" | "abandoned",
      "duration_ms": 5230,
      "truncated": false,                  # true when steps beyond MAX_STEPS were dropped
      "environment": {app_version, python, os, os_release, os_version, machine, locale,
                      language, qt_version?, qt_platform?, screens: [{x, y, width, height,
                      device_pixel_ratio, primary}]},
      "steps": [
        {"t_ms": 0, "event": "begin", "phase": "credentials",
         # then only what applies to the event:
         "device_kind": "sms", "device_kinds": ["sms", "ib_key"], "challenge_type": "oob",
         "channel": "voice", "phone_tail": "42", "challenge_expires_in": 300,
         "error_code": "resend_too_soon", "http_status": 429, "retry_after": 30,
         "attempts_left": 2, "attempts_before_lock": 7, "failure": "ServerUnreachable",
         "scope": "full", "request": "login" | "select_device" | "resend" | "respond"}
      ]
    }

``event`` and ``phase`` are the values of ``client.login_machine.LoginEventKind`` and ``Phase``;
a ``request`` event (a call to the server going out, its ``request`` a ``ServerCall``) comes before
the event of its answer;
``t_ms`` counts from the first step. Never in a trace: a password, code, response, challenge value,
token, key, a full phone number (only ``phone_tail``, its last two digits) or the user name.

Versions: a reader accepts every version up to :data:`TRACE_VERSION`; a newer one raises
:class:`TraceVersionError` (a :class:`TraceFormatError`) saying which version it is. Fields added
within a version are optional; unknown fields are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from tws_companion.support.environment import Environment
from tws_companion.support.json_fields import (
    TraceFormatError,
    as_object,
    opt_int,
    opt_str,
    req_bool,
    req_int,
    req_str,
    str_tuple,
)

__all__ = [
    "FORMAT_NAME",
    "MAX_STEPS",
    "OUTCOMES",
    "TRACE_VERSION",
    "LoginTrace",
    "TraceFormatError",
    "TraceStep",
    "TraceVersionError",
]

FORMAT_NAME: Final = "tws-companion-login-trace"
TRACE_VERSION: Final = 1
#: A trace keeps at most this many steps (the first ones); it is then marked ``truncated``.
MAX_STEPS: Final = 200
OUTCOMES: Final = frozenset(
    {
        "succeeded",
        "refused",
        "unreachable",
        "expired",
        "locked",
        "restricted",
        "cancelled",
        "abandoned",
    }
)

#: The optional step fields: name → whether it is an integer (else a string).
_STEP_FIELDS: Final[Mapping[str, bool]] = {
    "device_kind": False,
    "challenge_type": False,
    "channel": False,
    "phone_tail": False,
    "challenge_expires_in": True,
    "error_code": False,
    "http_status": True,
    "retry_after": True,
    "attempts_left": True,
    "attempts_before_lock": True,
    "failure": False,
    "scope": False,
    "request": False,
}


class TraceVersionError(TraceFormatError):
    """A trace written by a newer release, in a format version this one cannot read."""

    def __init__(self, version: int) -> None:
        super().__init__(
            f"This login trace has format version {version}, written by a newer TWS Companion; "
            f"this version reads format versions up to {TRACE_VERSION}. Update TWS Companion to "
            "read it."
        )
        self.version = version


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One event of the login, ``t_ms`` milliseconds after the first."""

    t_ms: int
    event: str
    phase: str
    device_kind: str | None = None
    device_kinds: tuple[str, ...] = ()
    challenge_type: str | None = None
    channel: str | None = None
    phone_tail: str | None = None
    challenge_expires_in: int | None = None
    error_code: str | None = None
    http_status: int | None = None
    retry_after: int | None = None
    attempts_left: int | None = None
    attempts_before_lock: int | None = None
    failure: str | None = None
    scope: str | None = None
    request: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"t_ms": self.t_ms, "event": self.event, "phase": self.phase}
        if self.device_kinds:
            data["device_kinds"] = list(self.device_kinds)
        for name in _STEP_FIELDS:
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data

    @classmethod
    def from_dict(cls, value: object, where: str) -> TraceStep:
        data = as_object(value, where)
        optional: dict[str, Any] = {
            name: opt_int(data, name, where) if is_int else opt_str(data, name, where)
            for name, is_int in _STEP_FIELDS.items()
        }
        return cls(
            t_ms=req_int(data, "t_ms", where),
            event=req_str(data, "event", where),
            phase=req_str(data, "phase", where),
            device_kinds=str_tuple(data, "device_kinds", where),
            **optional,
        )


@dataclass(frozen=True, slots=True)
class LoginTrace:
    """A redacted login attempt (see the module's docstring for the JSON schema)."""

    trace_id: str
    started_at: datetime
    user: str
    platform: str
    surface: str
    outcome: str
    duration_ms: int
    environment: Environment
    steps: tuple[TraceStep, ...] = field(default=())
    truncated: bool = False

    def __post_init__(self) -> None:
        if self.started_at.tzinfo is None:
            raise ValueError("started_at must be timezone-aware")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "version": TRACE_VERSION,
            "trace_id": self.trace_id,
            "started_at": self.started_at.astimezone(UTC).isoformat(),
            "user": self.user,
            "platform": self.platform,
            "surface": self.surface,
            "outcome": self.outcome,
            "duration_ms": self.duration_ms,
            "truncated": self.truncated,
            "environment": self.environment.to_dict(),
            "steps": [step.to_dict() for step in self.steps],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_dict(cls, value: object) -> LoginTrace:
        data = as_object(value, "trace")
        if data.get("format") != FORMAT_NAME:
            raise TraceFormatError("this is not a TWS Companion login trace")
        version = req_int(data, "version", "trace")
        if version > TRACE_VERSION:
            raise TraceVersionError(version)
        if version < 1:
            raise TraceFormatError(f"trace.version {version} does not exist")
        try:
            started_at = datetime.fromisoformat(req_str(data, "started_at", "trace"))
        except ValueError:
            raise TraceFormatError("trace.started_at is not a date and time") from None
        if started_at.tzinfo is None:
            raise TraceFormatError("trace.started_at has no time zone")
        steps = data.get("steps")
        if not isinstance(steps, list):
            raise TraceFormatError("trace.steps is not a list")
        outcome = req_str(data, "outcome", "trace")
        if outcome not in OUTCOMES:
            raise TraceFormatError("trace.outcome is not a known outcome")
        return cls(
            trace_id=req_str(data, "trace_id", "trace"),
            started_at=started_at,
            user=req_str(data, "user", "trace"),
            platform=req_str(data, "platform", "trace"),
            surface=req_str(data, "surface", "trace"),
            outcome=outcome,
            duration_ms=req_int(data, "duration_ms", "trace"),
            environment=Environment.from_dict(data.get("environment"), "trace.environment"),
            steps=tuple(
                TraceStep.from_dict(step, f"trace.steps[{index}]")
                for index, step in enumerate(steps)
            ),
            truncated=req_bool(data, "truncated", "trace") if "truncated" in data else False,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> LoginTrace:
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            raise TraceFormatError("this is not a JSON file") from None
        return cls.from_dict(data)
