"""``support replay``: a customer's login, recorded by the terminal login against the customer's
server (with its faults), replayed from the trace alone against a new local server.

The customer's side is the real terminal login (its trace written by the real recorder); its
clock and the server's move together when the customer "waits", so the trace's times are the ones
the server saw. The replay knows nothing but the trace.
"""

from __future__ import annotations

import argparse
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.demo import dsc_plus_response
from tests.support.terminal_script import Answer, Script
from tws_companion.cli import main
from tws_companion.client import terminal_login
from tws_companion.client.terminal_login import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from tws_companion.server.config import ServerConfig
from tws_companion.server.runner import EmbeddedServer
from tws_companion.server.scenario import load_scenario, read_scenario
from tws_companion.storage.outbox import read_messages
from tws_companion.storage.secret_store import SecretStore
from tws_companion.support.environment import collect_environment
from tws_companion.support.locations import traces_dir
from tws_companion.support.replay import ReplayReport, replay_trace
from tws_companion.support.trace_format import LoginTrace
from tws_companion.support.trace_store import TraceStore

USER, PASSWORD, PIN = "Replay.Bob", "R3play-Pa55!", "1234"
SCENARIO = f"""
{{faults}}

[[users]]
username = "{USER}"
password = "{PASSWORD}"
phone = "+15557654321"
{{user_extra}}

[[users.devices]]
kind = "sms"
label = "Bob's phone"

[[users.devices]]
id = "bob-dscplus"
kind = "dsc_plus"
secret_hex = "5f367d63fdd1cd6278e3de73aadc16aec9c7f0c9af5e853acded3346fc5be290"
pin = "{PIN}"
{{device_extra}}
"""


@dataclass
class Customer:
    """The customer's server and the clock of the customer's terminal, moved together."""

    url: str
    outbox: Path
    clock_file: Path
    seconds: float = 0.0

    def wait(self, seconds: float) -> None:
        self.seconds += seconds
        self.clock_file.write_text(str(self.seconds), encoding="utf-8")

    def monotonic(self) -> float:
        return self.seconds


@pytest.fixture
def customer(tmp_path: Path) -> Iterator[Callable[..., Customer]]:
    with ExitStack() as stack:

        def start(faults: str = "", user_extra: str = "", device_extra: str = "") -> Customer:
            scenario = tmp_path / "customer.toml"
            scenario.write_text(
                SCENARIO.format(faults=faults, user_extra=user_extra, device_extra=device_extra),
                encoding="utf-8",
            )
            read = read_scenario(scenario)
            data_dir = tmp_path / "customer-server"
            clock_file = tmp_path / "customer-clock"
            config = ServerConfig(
                data_dir=data_dir, faults=read.faults.to_mapping(), clock_file=clock_file
            )
            embedded = EmbeddedServer.from_config(config)
            stack.callback(embedded.stop)
            load_scenario(embedded.context, read)
            return Customer(embedded.start(), data_dir / "outbox", clock_file)

        yield start


def log_in(
    customer: Customer, typed: Script, secret: Script, server: str = "", platform: str = "tws"
) -> int:
    args = argparse.Namespace(server=server or customer.url, user=USER, platform=platform)
    secret.out = typed.out
    return terminal_login.run(
        args,
        prompt=typed,
        secret_prompt=secret,
        out=typed.out,
        store=SecretStore(),
        clock=customer.monotonic,
    )


def newest_trace() -> LoginTrace:
    store = TraceStore(traces_dir())
    return store.read(store.paths()[0])


def replayed(trace: LoginTrace, tmp_path: Path) -> ReplayReport:
    report = replay_trace(trace, tmp_path / "replay")
    print("\n".join(report.lines()))
    return report


def device(kind: str, typed: Script) -> Answer:
    def number(_prompt: str) -> str:
        found = re.search(rf"^\s*(\d+)\. .*\({kind}\)", typed.out.getvalue(), re.M)
        assert found, typed.out.getvalue()
        return found.group(1)

    return number


def dsc_plus(typed: Script) -> Answer:
    def response(_prompt: str) -> str:
        challenges = re.findall(r"\b(\d{6})\b", typed.out.getvalue())
        assert challenges, typed.out.getvalue()
        return dsc_plus_response(challenges[-1], PIN)

    return response


def test_a_dsc_plus_login_with_a_wrong_response_replays_step_by_step(
    customer: Callable[..., Customer], tmp_path: Path
) -> None:
    bob = customer()
    typed = Script()
    typed.then(device("dsc_plus", typed))
    secret = Script().then(PASSWORD).then("12345678").then(dsc_plus(typed))
    assert log_in(bob, typed, secret) == EXIT_OK, typed.out.getvalue()
    trace = newest_trace()

    report = replayed(trace, tmp_path)

    assert report.matches
    assert report.outcome == "succeeded"
    assert [check.expected.event for check in report.checks if check.expected] == [
        "begin",
        *["request", "started"],
        *["request", "device_chosen"],
        *["request", "failed"],
        *["request", "succeeded"],
    ]
    assert "wrong_response" in "\n".join(report.lines())


def test_a_wrong_password_near_the_lock_replays_with_the_failures_before_it(
    customer: Callable[..., Customer], tmp_path: Path
) -> None:
    bob = customer(user_extra="failed_logins = 6\nfailed_logins_minutes_ago = 40")
    assert log_in(bob, Script(), Script().then("not-the-password")) == EXIT_FAILED
    trace = newest_trace()
    assert trace.steps[-1].error_code == "invalid_credentials"

    report = replayed(trace, tmp_path)

    assert report.matches
    assert report.scenario.failed_logins == 6
    assert any("6 failed logins came before" in note for note in report.scenario.notes)


def test_an_sms_that_never_came_then_a_voice_call_replays_with_the_sms_lost(
    customer: Callable[..., Customer], tmp_path: Path
) -> None:
    bob = customer(faults='[faults]\nsms = "lost"')
    typed = Script()
    typed.then(device("sms", typed))

    def voice_after_waiting(_prompt: str) -> str:
        bob.wait(31)
        return "voice"

    def voice_code(_prompt: str) -> str:
        [call] = [m for m in read_messages(bob.outbox) if m.channel == "voice"]
        assert call.security_code is not None
        return call.security_code.code

    secret = Script().then(PASSWORD).then(voice_after_waiting).then(voice_code)
    assert log_in(bob, typed, secret) == EXIT_OK, typed.out.getvalue()
    assert not [m for m in read_messages(bob.outbox) if m.channel == "sms"]  # it never came
    trace = newest_trace()

    report = replayed(trace, tmp_path)

    assert report.matches
    assert report.scenario.faults.get("sms") == "lost"
    assert any("SMS never arrived" in note for note in report.scenario.notes)
    replay_outbox = read_messages(tmp_path / "replay" / "outbox")
    assert [m.channel for m in replay_outbox] == ["voice"]  # the replay's SMS was lost too


def test_an_unreachable_server_replays_as_unreachable(
    customer: Callable[..., Customer], tmp_path: Path
) -> None:
    bob = customer()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    assert log_in(bob, Script(), Script().then(PASSWORD), server=closed) == EXIT_FAILED
    trace = newest_trace()
    assert trace.outcome == "unreachable"

    report = replayed(trace, tmp_path)

    assert report.matches
    assert report.checks[-1].replayed is not None
    assert report.checks[-1].replayed.failure == trace.steps[-1].failure


def end_of_input(_prompt: str) -> str:
    raise EOFError


def test_a_locked_account_replays_locked(customer: Callable[..., Customer], tmp_path: Path) -> None:
    bob = customer(user_extra="failed_logins = 10")
    assert log_in(bob, Script(), Script().then(PASSWORD)) == EXIT_FAILED
    trace = newest_trace()
    assert trace.steps[-1].error_code == "account_locked"
    report = replayed(trace, tmp_path)
    assert report.matches
    assert report.outcome == "locked"


def test_an_ip_restricted_login_replays_restricted(
    customer: Callable[..., Customer], tmp_path: Path
) -> None:
    bob = customer(user_extra='allowed_ips = ["203.0.113.0/24"]')
    assert log_in(bob, Script(), Script().then(PASSWORD)) == EXIT_FAILED
    trace = newest_trace()
    assert trace.steps[-1].error_code == "ip_restricted"
    report = replayed(trace, tmp_path)
    assert report.matches
    assert report.scenario.allowed_ips == ("192.0.2.0/24",)


def test_a_device_locked_by_wrong_responses_replays_locked(
    customer: Callable[..., Customer], tmp_path: Path
) -> None:
    bob = customer(device_extra="failed_responses = 8")
    typed = Script()
    typed.then(device("dsc_plus", typed)).then(end_of_input)
    secret = Script().then(PASSWORD).then("12345678").then("12345678")
    log_in(bob, typed, secret)
    trace = newest_trace()
    assert "device_locked" in [step.error_code for step in trace.steps]
    report = replayed(trace, tmp_path)
    assert report.matches
    assert report.scenario.device_of("dsc_plus") is not None
    assert report.scenario.device_of("dsc_plus").failed_responses == 8  # type: ignore[union-attr]


def test_a_temporary_passcode_past_its_full_access_replays_portal_only(
    customer: Callable[..., Customer], tmp_path: Path
) -> None:
    temporary = """
[[users.devices]]
kind = "temporary"
passcode = "LATEPASS"
issued_days_ago = 3"""
    bob = customer(device_extra=temporary)
    typed = Script()
    typed.then(device("temporary", typed))
    secret = Script().then(PASSWORD).then("LATEPASS")
    assert log_in(bob, typed, secret, platform="portal") == EXIT_OK, typed.out.getvalue()
    trace = newest_trace()
    assert trace.steps[-1].scope == "print_online_card"
    report = replayed(trace, tmp_path)
    assert report.matches
    assert report.scenario.device_of("temporary") is not None
    assert report.scenario.device_of("temporary").issued_days_ago == 3  # type: ignore[union-attr]


def test_voice_calls_that_came_too_late_replay_late(
    customer: Callable[..., Customer], tmp_path: Path
) -> None:
    bob = customer(faults="[faults]\nvoice_delay_seconds = 600")
    typed = Script()
    typed.then(device("sms", typed))

    def voice_after_waiting(_prompt: str) -> str:
        bob.wait(31)
        return "voice"

    secret = Script().then(PASSWORD).then(voice_after_waiting).then(voice_after_waiting)
    secret.then(end_of_input)
    log_in(bob, typed, secret)
    assert not [m for m in read_messages(bob.outbox) if m.channel == "voice"]  # still on the way
    trace = newest_trace()
    report = replayed(trace, tmp_path)
    assert report.matches
    assert report.scenario.faults.get("voice_delay_seconds") == 120.0
    assert "The voice call came too late" in report.scenario.notes


def test_a_replay_that_differs_says_where_and_the_command_exits_1(
    customer: Callable[..., Customer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bob = customer()

    # The customer gives up at the drop-down (the input ends): an abandoned login.
    assert log_in(bob, Script().then(end_of_input), Script().then(PASSWORD)) == EXIT_INTERRUPTED
    path = TraceStore(traces_dir()).paths()[0]
    # The customer's trace says the server refused the password; the replay's will accept it
    # (a trace edited by hand, as support may do to try a hypothesis).
    text = path.read_text(encoding="utf-8")
    trace = LoginTrace.from_json(text)
    assert [step.event for step in trace.steps][:3] == ["begin", "request", "started"]
    edited = text.replace('"event": "started"', '"event": "failed", "error_code": "ip_restricted"')
    edited_path = tmp_path / "edited.json"
    edited_path.write_text(edited, encoding="utf-8")

    code = main(["support", "replay", str(edited_path), "--data-dir", str(tmp_path / "r")])

    out = capsys.readouterr().out
    assert code == 1
    assert "DIFFERS" in out
    assert "may log in only from 192.0.2.0/24" in out
    assert re.search(r"Result: \d+ of \d+ steps match", out)

    code = main(["support", "replay", str(path), "--data-dir", str(tmp_path / "r2")])
    out = capsys.readouterr().out
    assert "Result: all" in out
    assert code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "error: cannot read the trace"),
        ("not json at all", "is not a login trace this version reads"),
        ('{"format": "tws-companion-login-trace", "version": 99}', "format version 99"),
    ],
)
def test_a_file_that_is_no_trace_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "trace.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["support", "replay", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_data_dir_that_holds_something_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "sls.db").write_bytes(b"someone's database")
    path = tmp_path / "trace.json"
    trace = LoginTrace(
        trace_id="0123456789abcdef",
        started_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        user="user-00112233aabbccdd",
        platform="tws",
        surface="terminal",
        outcome="abandoned",
        duration_ms=0,
        environment=collect_environment(),
    )
    path.write_text(trace.to_json(), encoding="utf-8")
    assert main(["support", "replay", str(path), "--data-dir", str(folder)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert (folder / "sls.db").read_bytes() == b"someone's database"
