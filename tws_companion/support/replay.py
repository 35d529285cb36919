"""``support replay TRACE``: a customer's login, replayed from its trace against a local server.

The replay works out a scenario from the trace (:mod:`.replay_scenario`: the same device kinds,
the faults that make the server answer as it did), starts a server on loopback in a new data
folder with it, and drives a login through the client's own :class:`LoginMachine` with the same
calls in the same order: the same password step (wrong when the customer's was), the same device,
the same requests for a new code, a response that is right or wrong as the customer's was. Time
follows the trace: before each step the server's clock (its clock file) and the machine's clock
move to where the trace was, so challenges expire and waits end as they did.

The replay records its own trace with the same recorder, and each step is compared with the
customer's: what happened, the phase, the device and challenge kinds, the server's error code,
HTTP status and counts (``retry_after`` only by its presence: a wait depends on when earlier
failures happened). The report lists every step as matching or not, and says what the scenario
assumed.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tws_companion.client import errors
from tws_companion.client.api import ApiClient
from tws_companion.client.login_machine import LoginMachine, ServerCall
from tws_companion.protocol import ChallengeType, Channel, ErrorCode, Platform
from tws_companion.server.db import Device
from tws_companion.server.device_secrets import device_card, device_pin, device_secret
from tws_companion.sls import ocra
from tws_companion.sls.devices import spec
from tws_companion.storage.outbox import read_messages
from tws_companion.support.recorder import CompletedLogin, TraceRecorder
from tws_companion.support.replay_scenario import ReplayScenario
from tws_companion.support.replay_server import ReplayServer, start_replay_server
from tws_companion.support.trace_format import LoginTrace, TraceStep

__all__ = ["ReplayReport", "StepCheck", "replay_trace"]

#: The step fields compared as they are.
COMPARED: Final = (
    "event",
    "phase",
    "request",
    "device_kind",
    "device_kinds",
    "challenge_type",
    "channel",
    "phone_tail",
    "error_code",
    "http_status",
    "attempts_left",
    "attempts_before_lock",
    "failure",
    "scope",
)
#: The step fields compared by their presence only.
PRESENT: Final = ("retry_after", "challenge_expires_in")
#: The answers that come from a wrong response.
WRONG_RESPONSE_ANSWERS: Final = frozenset(
    {ErrorCode.WRONG_RESPONSE, ErrorCode.CHALLENGE_FAILED, ErrorCode.DEVICE_LOCKED}
)


@dataclass(frozen=True, slots=True)
class StepCheck:
    """Step ``number`` (from 1) of the customer's trace beside the replay's."""

    number: int
    expected: TraceStep | None
    replayed: TraceStep | None
    differences: tuple[str, ...] = ()

    @property
    def matches(self) -> bool:
        return self.expected is not None and self.replayed is not None and not self.differences


@dataclass(frozen=True, slots=True)
class ReplayReport:
    trace: LoginTrace
    scenario: ReplayScenario
    checks: tuple[StepCheck, ...]
    outcome: str

    @property
    def matches(self) -> bool:
        return all(check.matches for check in self.checks) and self.outcome == self.trace.outcome

    def lines(self) -> list[str]:
        trace = self.trace
        started = trace.started_at.strftime("%Y-%m-%d %H:%M UTC")
        kinds = ", ".join(device.kind for device in self.scenario.devices)
        lines = [
            f"Replaying login trace {trace.trace_id} ({trace.surface}, {trace.platform}, "
            f"{started}): {len(trace.steps)} steps, outcome {trace.outcome}",
            f"Scenario: a user with {kinds}",
        ]
        lines += [f"  - {note}" for note in self.scenario.notes]
        for check in self.checks:
            step = check.expected or check.replayed
            assert step is not None
            verdict = "match" if check.matches else "DIFFERS"
            lines.append(f"{check.number:>3}  {describe(step):<56} {verdict}")
            if check.expected is None:
                lines.append("       the customer's login had no such step")
            elif check.replayed is None:
                lines.append("       the replay ended before this step")
            lines += [f"       {difference}" for difference in check.differences]
        same = sum(check.matches for check in self.checks)
        if self.matches:
            lines.append(f"Result: all {same} steps match; the outcome is {self.outcome}.")
        else:
            lines.append(
                f"Result: {same} of {len(self.checks)} steps match; the replay's outcome is "
                f"{self.outcome}, the customer's {trace.outcome}."
            )
        return lines


def describe(step: TraceStep) -> str:
    """One step in a few words: ``failed: wrong_response (401, 2 attempts left)``."""
    words = [step.event]
    if step.request:
        words.append(step.request)
    for value in (step.device_kind, step.channel, step.challenge_type):
        if value:
            words.append(value)
    text = " ".join(words)
    if step.error_code:
        extra = [str(step.http_status)] if step.http_status else []
        if step.attempts_left is not None:
            extra.append(f"{step.attempts_left} attempts left")
        if step.attempts_before_lock is not None:
            extra.append(f"{step.attempts_before_lock} before lock")
        text += f": {step.error_code} ({', '.join(extra)})" if extra else f": {step.error_code}"
    if step.failure:
        text += f": {step.failure}"
    if step.scope:
        text += f" ({step.scope})"
    return text


def compare(expected: TraceStep, replayed: TraceStep) -> tuple[str, ...]:
    differences = []
    for name in COMPARED:
        want, got = getattr(expected, name), getattr(replayed, name)
        if want != got:
            differences.append(f"{name}: the customer's {_shown(want)}, the replay's {_shown(got)}")
    for name in PRESENT:
        want, got = getattr(expected, name), getattr(replayed, name)
        if (want is None) != (got is None):
            differences.append(
                f"{name}: the customer's {'given' if want is not None else 'none'}, the "
                f"replay's {'given' if got is not None else 'none'}"
            )
    return tuple(differences)


def _shown(value: object) -> str:
    if value is None or value == ():
        return "none"
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def replay_trace(
    trace: LoginTrace,
    data_dir: Path,
    *,
    on_server: Callable[[str], object] | None = None,
) -> ReplayReport:
    """Replay ``trace`` against a new server whose data go to ``data_dir`` (an empty folder);
    ``on_server`` is told the server's URL once it runs (e.g. to print it)."""
    served = start_replay_server(trace, data_dir)
    scenario = served.scenario
    try:
        if on_server is not None:
            on_server(served.url)
        completed = _Replay(trace, scenario, served).run()
    finally:
        served.stop()
    replayed = completed.steps if completed is not None else ()
    checks = []
    for index in range(max(len(trace.steps), len(replayed))):
        want = trace.steps[index] if index < len(trace.steps) else None
        got = replayed[index] if index < len(replayed) else None
        differences = compare(want, got) if want is not None and got is not None else ()
        checks.append(StepCheck(index + 1, want, got, differences))
    outcome = completed.outcome if completed is not None else "abandoned"
    return ReplayReport(trace, scenario, tuple(checks), outcome)


def _closed_port_url() -> str:
    """A loopback URL where nothing listens: the server of a customer who could not reach it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass
class _TraceClock:
    """The machine's clock, moved to each step's time, and the server's clock with it: between
    two steps the server's time moves at least as far as the trace's (more when the replay
    itself takes longer, e.g. a password check)."""

    clock_file: Path
    now: float = 0.0
    _server_at: float | None = None

    def __call__(self) -> float:
        return self.now

    def move_to(self, t_ms: int) -> None:
        later = max(self.now, t_ms / 1000)
        real = time.monotonic()
        target = real if self._server_at is None else self._server_at + (later - self.now)
        ahead = max(0.0, target - real)
        self.now = later
        self._server_at = real + ahead
        self.clock_file.write_text(f"{ahead:.3f}\n", encoding="utf-8")


class _Replay:
    def __init__(self, trace: LoginTrace, scenario: ReplayScenario, served: ReplayServer) -> None:
        self.trace = trace
        self.scenario = scenario
        self.server = served.server
        self.outbox = served.outbox
        self.live = ApiClient(served.url)
        self.dead = ApiClient(_closed_port_url())
        self.clock = _TraceClock(served.clock_file)
        self.machine = LoginMachine(platform=Platform(trace.platform), clock=self.clock)
        self.finished: list[CompletedLogin] = []
        self.recorder = TraceRecorder(self.finished.append, surface=trace.surface)
        self.machine.observe(self.recorder)

    def run(self) -> CompletedLogin | None:
        steps = self.trace.steps
        try:
            for index, step in enumerate(steps):
                self.clock.move_to(step.t_ms)
                answer = next((s for s in steps[index + 1 :] if s.event != "timer"), None)
                self._step(step, answer)
            self.recorder.close()
        finally:
            self.live.close()
            self.dead.close()
        return self.finished[0] if self.finished else None

    def _step(self, step: TraceStep, answer: TraceStep | None) -> None:
        machine = self.machine
        if step.event == "begin":
            machine.begin(self.scenario.username, Platform(self.trace.platform))
        elif step.event == "request" and step.request:
            self._call(ServerCall(step.request), step, answer)
        elif step.event == "timer":
            machine.tick()
        elif step.event == "start_over":
            machine.start_over()
        elif step.event == "cancelled":
            machine.cancel()
        elif step.event == "switch_device":
            machine.choose_another_device()
        # The other events are answers: the call before them makes the replay's own.

    def _call(self, call: ServerCall, step: TraceStep, answer: TraceStep | None) -> None:
        machine = self.machine
        api = self.dead if answer is not None and answer.failure else self.live
        refused = _error_code(answer)
        login_id = machine.state.login_id or "unknown"
        try:
            if call is ServerCall.LOGIN:
                password = self.scenario.password
                if refused is ErrorCode.INVALID_CREDENTIALS:
                    password += "-not-this-one"
                machine.sending(call)
                machine.started(
                    api.start_login(self.scenario.username, password, self.trace.platform)
                )
            elif call is ServerCall.SELECT_DEVICE:
                device = self.scenario.device_of(step.device_kind or "")
                machine.sending(call, device_id=device.id if device else None)
                machine.device_chosen(api.select_device(login_id, device.id if device else "-"))
            elif call is ServerCall.RESEND:
                channel = Channel(step.channel or Channel.SMS.value)
                machine.sending(call, channel=channel)
                machine.code_resent(api.resend(login_id, channel))
            else:
                response = self._response(wrong=refused in WRONG_RESPONSE_ANSWERS)
                machine.sending(call)
                machine.succeeded(api.respond(login_id, response))
        except errors.ClientError as exc:
            machine.failed(exc)

    def _response(self, *, wrong: bool) -> str:
        right = self._right_response()
        if not wrong:
            return right
        last = right[-1:]
        changed = "1" if last == "0" else "0" if last.isdigit() else "A" if last != "A" else "B"
        return right[:-1] + changed

    def _right_response(self) -> str:
        state = self.machine.state
        device, challenge = state.device, state.challenge
        if device is None or challenge is None:
            return "00000000"
        ctx = self.server.context
        kind = str(device.kind)
        if challenge.type is ChallengeType.PASSCODE:
            replayed = self.scenario.device_of(kind)
            return replayed.passcode or "" if replayed else ""
        if challenge.type is ChallengeType.OOB:
            return self._latest_code()
        with ctx.db.transaction() as s:
            row = s.get(Device, device.id)
            if row is None:
                return "00000000"
            if challenge.type is ChallengeType.INDICES:
                card = device_card(ctx, row)
                return "".join(card.values[index] for index in challenge.indices or ())
            suite = spec(kind).ocra_suite
            if suite is None or challenge.code is None:
                return "00000000"
            pin = device_pin(ctx, row)
            return ocra.compute_response(suite, device_secret(ctx, row), challenge.code, pin=pin)

    def _latest_code(self) -> str:
        """The newest code that reached the phone (none when the scenario lost it)."""
        for message in reversed(read_messages(self.outbox)):
            if message.security_code is not None:
                return message.security_code.code
        return "000000"


def _error_code(step: TraceStep | None) -> ErrorCode | None:
    """The server's error code of an answer step, if it is one this release knows."""
    if step is None or step.error_code is None:
        return None
    try:
        return ErrorCode(step.error_code)
    except ValueError:
        return None
