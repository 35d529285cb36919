"""``support replay TRACE --serve``: a replay's server left running for a person, so that support
sees what the customer saw.

The server is the replay's (:mod:`.replay_server`: the scenario worked out from the trace, with its
faults and a clock file). The first line printed is ``listening on http://127.0.0.1:PORT``, as
``serve`` prints it (for scripts); then how to connect and log in (the replay user, its password,
each device's PIN or passcode), how to move the server's clock where the customer's answer came
from time passing, and the customer's login step by step, to do again. Then the login dialog
opens on it with the demo's simulators for the user's devices (the GUI is handed in as a
:class:`ReplayGui` by the command line: support imports no Qt), or, with ``--no-gui``, the server
runs until Ctrl+C (or SIGTERM).

The password, PINs and passcodes printed are the replay's own, made up for this server: a trace
holds none of the customer's.
"""

from __future__ import annotations

import math
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Final, Protocol, TextIO

from tws_companion.protocol import ErrorCode
from tws_companion.sls.devices import spec
from tws_companion.support.replay import describe
from tws_companion.support.replay_server import ReplayServer, start_replay_server
from tws_companion.support.trace_format import LoginTrace, TraceStep

__all__ = ["ReplayGui", "connect_lines", "ran_out_lines", "serve_replay"]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2

#: The answers a customer met by letting time pass, and the step whose time they count from.
RAN_OUT: Final = {
    ErrorCode.CHALLENGE_EXPIRED.value: ("challenge", ("started", "device_chosen", "code_resent")),
    ErrorCode.LOGIN_EXPIRED.value: ("login", ("started",)),
}


class ReplayGui(Protocol):
    """The desktop app, as the command line hands it in."""

    def unavailable(self) -> str | None:
        """Why the GUI cannot open here and what to do instead (no display), or ``None``."""

    def run(self, served: ReplayServer) -> int:
        """The login dialog and the simulators against ``served`` until the app is closed."""


def serve_replay(
    trace: LoginTrace,
    data_dir: Path | None,
    out: TextIO,
    *,
    port: int = 0,
    gui: ReplayGui | None = None,
) -> int:
    """Serve ``trace``'s scenario until the GUI closes (or, without ``gui``, until Ctrl+C);
    ``data_dir`` (an empty folder) keeps the server's data, else a temporary folder does."""
    if gui is not None:
        why = gui.unavailable()
        if why:
            print(why, file=sys.stderr)
            return EXIT_USAGE
    if data_dir is not None:
        return _serve(trace, data_dir, out, port, gui)
    with tempfile.TemporaryDirectory(prefix="tws-replay-") as temporary:
        return _serve(trace, Path(temporary), out, port, gui)


def _serve(trace: LoginTrace, data_dir: Path, out: TextIO, port: int, gui: ReplayGui | None) -> int:
    try:
        served = start_replay_server(trace, data_dir, port=port)
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        for line in connect_lines(served, gui=gui is not None):
            print(line, file=out, flush=True)
        if gui is not None:
            return gui.run(served)
        _wait_until_stopped()
        print("Replay server stopped.", file=out, flush=True)
        return EXIT_OK
    finally:
        served.stop()


def _wait_until_stopped() -> None:
    """Until Ctrl+C or SIGTERM (a service manager's, a test's ``terminate()``)."""
    stop = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if in_main else None
    try:
        while not stop.wait(0.5):  # a timeout: Ctrl+C interrupts no untimed wait on Windows
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def connect_lines(served: ReplayServer, *, gui: bool) -> list[str]:
    """What ``--serve`` prints: the address first, then how to log in and what to do again."""
    trace, scenario, url = served.trace, served.scenario, served.url
    started = trace.started_at.strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"listening on {url}",
        f"Replay server of login trace {trace.trace_id} ({trace.surface}, {trace.platform}, "
        f"{started}; the customer's outcome: {trace.outcome}).",
        f"Scenario: a user with {', '.join(device.kind for device in scenario.devices)}",
        *(f"  - {note}" for note in scenario.notes),
        "",
        f"Log in as {scenario.username} with the password {scenario.password} "
        f"(platform {trace.platform}).",
    ]
    for device in scenario.devices:
        name = f"{spec(device.kind).name} ({device.kind})"
        if device.pin is not None:
            lines.append(f"  {name}: PIN {device.pin}")
        elif device.passcode is not None:
            lines.append(f"  {name}: passcode {device.passcode}")
        elif device.kind == "sms":
            lines.append(f"  {name}: the phone ending in {scenario.phone[-2:]}")
        else:
            lines.append(f"  {name}")
    lines.append(f"SMS and voice calls arrive in {served.outbox}.")
    if gui:
        lines.append("The login dialog opens on this server, the device simulators beside it.")
    lines += [
        "Or connect with:" if gui else "Connect with:",
        f"  tws-companion --server {url}",
        f"  tws-companion login --server {url} --user {scenario.username} "
        f"--platform {trace.platform}",
        "",
        f"The server's clock runs ahead by the seconds in {served.clock_file} (0 now, read on",
        "every use): write a number there to let that much time pass at once.",
        *ran_out_lines(trace.steps, served.clock_file),
        "The customer's login, step by step (seconds from its start):",
        *(f"  {step.t_ms / 1000:>7.1f}  {describe(step)}" for step in trace.steps),
        "",
        "Close the login window to stop." if gui else "Stop with Ctrl+C.",
    ]
    return lines


def ran_out_lines(steps: tuple[TraceStep, ...], clock_file: Path) -> list[str]:
    """For each answer the customer met by letting time pass: how long, and how to meet it."""
    lines = []
    for number, step in enumerate(steps, 1):
        if step.error_code not in RAN_OUT:
            continue
        what, since_events = RAN_OUT[step.error_code]
        since = next(
            (s for s in reversed(steps[: number - 1]) if s.event in since_events), steps[0]
        )
        seconds = math.ceil((step.t_ms - since.t_ms) / 1000)
        lines.append(
            f"  Step {number}: the customer's {what} ran out ({step.error_code}) {seconds} s "
            f"after it began: to meet it, write {seconds} in {clock_file.name} before that step."
        )
    return lines
