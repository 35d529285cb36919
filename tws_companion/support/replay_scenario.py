"""The scenario of a replay: the user, devices and faults that make a local server answer a
customer's login the way the customer's server did, worked out from the login trace alone.

A trace holds no user name, password, secret or phone number, so the replay user is made up
(``customer``, a new password, new device secrets and PINs) with the devices the trace names, in its
order, and a phone number ending in the trace's last two digits. What the server said is read back
into the state that made it say so:

- ``invalid_credentials`` with ``attempts_before_lock`` N: the failed logins before it
  (``lockout_failures - N - 1``); ``account_locked`` or ``login_throttled``: as many as lock or
  throttle the account;
- ``ip_restricted``: the user may log in only from a documentation network;
- ``device_locked``: the device's wrong responses before it, up to the policy's limit;
- a session of scope ``print_online_card``: a temporary passcode past its days of full access;
  ``device_expired`` on a temporary passcode: past its validity;
- ``gateway_unavailable`` on an SMS or a voice call: that provider refuses;
- a new code asked for after an SMS: the SMS was lost; a voice call asked for again, or a login
  that ended without success after one: the call came late.

Each inference is listed in :attr:`ReplayScenario.notes`, so support sees what the replay assumed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final

from tws_companion.protocol import ErrorCode, Scope
from tws_companion.sls.devices import DeviceKind, spec
from tws_companion.sls.policy import DEFAULT_POLICY, VOICE_CALL_WITHIN, Policy
from tws_companion.sls.temporary import new_temporary_passcode
from tws_companion.support.trace_format import LoginTrace, TraceStep

__all__ = ["REPLAY_USER", "ReplayDevice", "ReplayScenario", "scenario_for"]

REPLAY_USER: Final = "customer"
#: The address range the user may log in from when the trace was refused for its address: a
#: documentation network (RFC 5737), never the replay's loopback.
ELSEWHERE: Final = "192.0.2.0/24"
#: How late a voice call comes when the trace shows it did not come in time.
LATE_CALL: Final = VOICE_CALL_WITHIN + timedelta(minutes=1)
#: The device kind of a trace that names none (refused before any device was offered).
DEFAULT_KIND: Final = DeviceKind.DSC_PLUS.value


@dataclass(frozen=True, slots=True)
class ReplayDevice:
    """One device of the replay user. The server makes its secret (the replay reads it from the
    server it runs); the PIN and passcode are the replay's own (``repr`` hides them)."""

    id: str
    kind: str
    pin: str | None = field(default=None, repr=False)
    passcode: str | None = field(default=None, repr=False)
    issued_days_ago: float = 0.0
    failed_responses: int | None = None


@dataclass(frozen=True, slots=True)
class ReplayScenario:
    """The replay user and the faults around it, as a scenario file (:meth:`to_toml`)."""

    devices: tuple[ReplayDevice, ...]
    phone: str
    allowed_ips: tuple[str, ...] = ()
    failed_logins: int | None = None
    #: How long ago the last of ``failed_logins`` was (its wait over, when it made one).
    failed_logins_minutes_ago: int = 0
    faults: dict[str, object] = field(default_factory=dict)
    #: What was inferred from the trace, one sentence each.
    notes: tuple[str, ...] = ()
    username: str = REPLAY_USER
    #: A new password for every replay.
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12), repr=False)

    def device_of(self, kind: str) -> ReplayDevice | None:
        return next((device for device in self.devices if device.kind == kind), None)

    def to_toml(self) -> str:
        lines = []
        if self.faults:
            lines.append("[faults]")
            lines += [f"{key} = {_toml(value)}" for key, value in self.faults.items()]
            lines.append("")
        lines += [
            "[[users]]",
            f"username = {_toml(self.username)}",
            f"password = {_toml(self.password)}",
            f"phone = {_toml(self.phone)}",
        ]
        if self.allowed_ips:
            lines.append(f"allowed_ips = [{', '.join(_toml(ip) for ip in self.allowed_ips)}]")
        if self.failed_logins is not None:
            lines.append(f"failed_logins = {self.failed_logins}")
            if self.failed_logins_minutes_ago:
                lines.append(f"failed_logins_minutes_ago = {self.failed_logins_minutes_ago}")
        for device in self.devices:
            lines += ["", "[[users.devices]]", f"id = {_toml(device.id)}"]
            lines.append(f"kind = {_toml(device.kind)}")
            for key in ("pin", "passcode"):
                value = getattr(device, key)
                if value is not None:
                    lines.append(f"{key} = {_toml(value)}")
            if device.issued_days_ago:
                lines.append(f"issued_days_ago = {device.issued_days_ago:g}")
            if device.failed_responses is not None:
                lines.append(f"failed_responses = {device.failed_responses}")
        return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def scenario_for(trace: LoginTrace, policy: Policy = DEFAULT_POLICY) -> ReplayScenario:
    """The scenario that makes a server with ``policy`` answer as the trace's server did."""
    steps = trace.steps
    notes: list[str] = []
    kinds = _device_kinds(steps)
    tail = next((step.phone_tail for step in steps if step.phone_tail), None) or "00"
    failed_logins, minutes_ago = _failed_logins(steps, policy, notes)
    allowed: tuple[str, ...] = ()
    if _answered(steps, ErrorCode.IP_RESTRICTED):
        allowed = (ELSEWHERE,)
        notes.append(
            "The login was refused for its address: the user may log in only from " + ELSEWHERE
        )
    devices = tuple(_device(kind, number, steps, policy, notes) for number, kind in kinds)
    faults = _faults(steps, notes)
    return ReplayScenario(
        devices=devices,
        phone=f"+1555555{tail}",
        allowed_ips=allowed,
        failed_logins=failed_logins,
        failed_logins_minutes_ago=minutes_ago,
        faults=faults,
        notes=tuple(notes),
    )


def _device_kinds(steps: tuple[TraceStep, ...]) -> list[tuple[int, str]]:
    """The kinds of the user's devices, numbered: the drop-down's, else every kind named."""
    offered = next((step.device_kinds for step in steps if step.device_kinds), ())
    kinds = list(offered)
    for step in steps:
        if step.device_kind and step.device_kind not in kinds:
            kinds.append(step.device_kind)
    known = [kind for kind in kinds if kind in {item.value for item in DeviceKind}]
    return list(enumerate(known or [DEFAULT_KIND], 1))


def _answered(steps: tuple[TraceStep, ...], code: ErrorCode) -> bool:
    return any(step.error_code == code.value for step in steps)


def _failed_logins(
    steps: tuple[TraceStep, ...], policy: Policy, notes: list[str]
) -> tuple[int | None, int]:
    """The failed logins before the trace's, and how many minutes ago the last of them was."""
    for step in steps:
        if step.error_code == ErrorCode.INVALID_CREDENTIALS.value:
            before = step.attempts_before_lock
            if before is None:
                return None, 0
            count = max(0, policy.lockout_failures - before - 1)
            if count:
                notes.append(f"{count} failed logins came before this one")
            # Long enough ago that any wait they made is over, within the lockout window.
            ago = policy.throttle_max_wait + timedelta(minutes=1)
            return count, min(ago, policy.lockout_window / 2) // timedelta(minutes=1)
        if step.error_code == ErrorCode.ACCOUNT_LOCKED.value:
            notes.append("The account was locked before this login (too many failed logins)")
            return policy.lockout_failures, 0
        if step.error_code == ErrorCode.LOGIN_THROTTLED.value:
            notes.append("Failed logins before this one made the user wait")
            return policy.throttle_after_failures, 0
    return None, 0


def _device(
    kind: str, number: int, steps: tuple[TraceStep, ...], policy: Policy, notes: list[str]
) -> ReplayDevice:
    device_id = f"replay-{number}-{kind}"[:32]
    pin = passcode = None
    days = 0.0
    if spec(kind).uses_pin:
        pin = "".join(secrets.choice("0123456789") for _ in range(4))  # DSC+ and IB Key alike
    if kind == DeviceKind.TEMPORARY.value:
        passcode = new_temporary_passcode()
        if any(step.scope == Scope.PRINT_ONLINE_CARD.value for step in steps):
            days = (policy.temporary_full_access + timedelta(days=1)) / timedelta(days=1)
            notes.append(
                "The temporary passcode was past its days of full access (Client Portal only)"
            )
    failed = _failed_responses(kind, steps, policy, notes)
    return ReplayDevice(device_id, kind, pin, passcode, days, failed)


def _failed_responses(
    kind: str, steps: tuple[TraceStep, ...], policy: Policy, notes: list[str]
) -> int | None:
    """Wrong responses the device had before the login, when the trace shows it locked: all of
    them when it was locked at once, else those that the trace's own wrong responses (and the
    one that locked it) did not make."""
    current: str | None = None
    last_request: str | None = None
    wrong = 0
    for step in steps:
        if step.device_kind:
            current = step.device_kind
        if step.request:
            last_request = step.request
        if current != kind:
            continue
        if step.error_code == ErrorCode.WRONG_RESPONSE.value:
            wrong += 1
        elif step.error_code == ErrorCode.DEVICE_LOCKED.value:
            made_here = wrong + 1 if last_request == "respond" else 0
            before = max(0, policy.device_lock_failures - made_here)
            notes.append(f"The {kind} device had {before} wrong responses in a row before")
            return before
    return None


def _faults(steps: tuple[TraceStep, ...], notes: list[str]) -> dict[str, object]:
    faults: dict[str, object] = {}
    last_channel: str | None = None  # of the last code sent
    asked: str | None = None  # the channel of the call going out, if it sends a code
    for index, step in enumerate(steps):
        if step.event == "request":
            asked = step.channel or ("sms" if step.device_kind == DeviceKind.SMS.value else None)
            if step.request == "resend" and last_channel == "sms" and "sms" not in faults:
                faults["sms"] = "lost"
                notes.append("The SMS never arrived (the user asked for a new code)")
        elif step.error_code == ErrorCode.GATEWAY_UNAVAILABLE.value and asked:
            faults.setdefault(asked, "refused")
            notes.append(f"The {_channel_name(asked)} provider refused the message")
        if step.channel and step.event in ("started", "device_chosen", "code_resent"):
            last_channel = step.channel
            if step.channel == "voice" and _voice_not_enough(steps[index + 1 :]):
                faults["voice_delay_seconds"] = LATE_CALL.total_seconds()
                notes.append("The voice call came too late")
    return faults


def _voice_not_enough(after: tuple[TraceStep, ...]) -> bool:
    """Whether, after a voice call was placed, the user asked again or never got in."""
    if any(step.request == "resend" for step in after):
        return True
    return not any(step.event == "succeeded" for step in after)


def _channel_name(channel: str) -> str:
    return "SMS" if channel == "sms" else "voice call"
