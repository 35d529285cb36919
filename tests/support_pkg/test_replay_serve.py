"""``support replay TRACE --serve``: the scenario of a customer's trace served for a support
engineer, who logs in to it (from a script, the terminal or the login dialog) and meets the answers
the customer met.

Each trace is recorded by the real terminal login against the customer's server (with its faults);
the replay server knows nothing but the trace. ``--serve --no-gui`` runs as a real process, as a
script would start it; the GUI's path runs in this process, offscreen.
"""

from __future__ import annotations

import argparse
import io
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from tests.support.terminal_script import Script
from tws_companion.cli import _ReplayGui, main
from tws_companion.client import terminal_login
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import ApiError
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.simulators.dsc_plus import DscPlusSimulator
from tws_companion.gui.simulators.phone import PhoneWindow
from tws_companion.protocol import Channel, Platform, Scope
from tws_companion.server.config import ServerConfig
from tws_companion.server.runner import EmbeddedServer
from tws_companion.server.scenario import load_scenario, read_scenario
from tws_companion.sls import ocra
from tws_companion.sls.devices import DSC_PLUS_OCRA_SUITE
from tws_companion.storage.outbox import read_messages
from tws_companion.storage.secret_store import SecretStore
from tws_companion.support.environment import collect_environment
from tws_companion.support.locations import traces_dir
from tws_companion.support.replay_serve import connect_lines, serve_replay
from tws_companion.support.replay_server import ReplayServer, start_replay_server
from tws_companion.support.trace_format import LoginTrace, TraceStep
from tws_companion.support.trace_store import TraceStore

USER, PASSWORD = "Serve.Carol", "C4rol-Pa55!"
SCENARIO = """
{faults}

[[users]]
username = "{user}"
password = "{password}"
phone = "+15557654398"
{user_extra}

[[users.devices]]
kind = "sms"
label = "Carol's phone"

[[users.devices]]
id = "carol-dscplus"
kind = "dsc_plus"
secret_hex = "5f367d63fdd1cd6278e3de73aadc16aec9c7f0c9af5e853acded3346fc5be290"
pin = "4321"
"""
STARTUP_DEADLINE = 60.0


@dataclass
class Recorded:
    """A customer's login trace, and the file support was sent."""

    trace: LoginTrace
    path: Path


@pytest.fixture
def record(tmp_path: Path) -> Iterator[Callable[..., Recorded]]:
    """Logs in from the terminal to a customer's server made from the scenario's pieces; the
    customer's clock and the server's move together when the customer waits."""
    with ExitStack() as stack:

        def run(
            secret: Script, typed: Script | None = None, faults: str = "", user_extra: str = ""
        ) -> Recorded:
            scenario = tmp_path / "customer.toml"
            text = SCENARIO.format(
                faults=faults, user=USER, password=PASSWORD, user_extra=user_extra
            )
            scenario.write_text(text, encoding="utf-8")
            read = read_scenario(scenario)
            clock_file = tmp_path / "customer-clock"
            clock_file.write_text("0", encoding="utf-8")
            config = ServerConfig(
                data_dir=tmp_path / "customer-server",
                faults=read.faults.to_mapping(),
                clock_file=clock_file,
            )
            server = EmbeddedServer.from_config(config)
            stack.callback(server.stop)
            load_scenario(server.context, read)
            url = server.start()
            typed = typed or Script()
            secret.out = typed.out
            args = argparse.Namespace(server=url, user=USER, platform="tws")

            def clock() -> float:
                return float(clock_file.read_text(encoding="utf-8"))

            terminal_login.run(
                args,
                prompt=typed,
                secret_prompt=secret,
                out=typed.out,
                store=SecretStore(),
                clock=clock,
            )
            store = TraceStore(traces_dir())
            path = store.paths()[0]
            return Recorded(store.read(path), path)

        yield run


def locked_login(record: Callable[..., Recorded]) -> Recorded:
    """A customer whose account was locked (too many failed logins before)."""
    recorded = record(Script().then(PASSWORD), user_extra="failed_logins = 10")
    assert recorded.trace.steps[-1].error_code == "account_locked"
    return recorded


def lost_sms_login(record: Callable[..., Recorded], tmp_path: Path) -> Recorded:
    """A customer whose SMS never came: after 30 s a voice call brought the code."""
    typed = Script()

    def sms(_prompt: str) -> str:
        found = re.search(r"^\s*(\d+)\. .*\(sms\)", typed.out.getvalue(), re.M)
        assert found, typed.out.getvalue()
        return found.group(1)

    def voice_after_waiting(_prompt: str) -> str:
        (tmp_path / "customer-clock").write_text("31", encoding="utf-8")
        return "voice"

    def voice_code(_prompt: str) -> str:
        [call] = read_messages(tmp_path / "customer-server" / "outbox")
        assert call.security_code is not None
        return call.security_code.code

    typed.then(sms)
    secret = Script().then(PASSWORD).then(voice_after_waiting).then(voice_code)
    recorded = record(secret, typed, faults='[faults]\nsms = "lost"')
    assert recorded.trace.outcome == "succeeded"
    return recorded


# --- --serve --no-gui, as a process -------------------------------------------------------------


@dataclass
class Served:
    """A ``support replay --serve --no-gui`` process and what it printed until it was ready."""

    process: subprocess.Popen[str]
    lines: list[str]
    data_dir: Path

    @property
    def url(self) -> str:
        first = self.lines[0]
        assert first.startswith("listening on http://127.0.0.1:"), first
        return first.split()[-1]

    @property
    def password(self) -> str:
        found = re.search(r"^Log in as customer with the password (\S+) ", self.text, re.M)
        assert found, self.text
        return found.group(1)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@contextmanager
def serving(trace: Path, data_dir: Path) -> Iterator[Served]:
    process = subprocess.Popen(
        [
            sys.executable, "-m", "tws_companion", "support", "replay", str(trace),
            "--serve", "--no-gui", "--data-dir", str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stdout:
            lines.put(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    served = Served(process, [], data_dir)
    deadline = time.monotonic() + STARTUP_DEADLINE
    try:
        while not served.lines or served.lines[-1] != "Stop with Ctrl+C.":
            try:
                served.lines.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                process.kill()
                message = f"not ready: {served.text}\n{process.communicate()[1]}"
                raise AssertionError(message) from None
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=10)
        stdout.close()
        assert process.stderr is not None
        process.stderr.close()
        while not lines.empty():
            served.lines.append(lines.get())


@pytest.mark.e2e
def test_a_locked_account_served_answers_the_support_engineer_as_it_answered_the_customer(
    record: Callable[..., Recorded], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    customer = locked_login(record)
    refused = customer.trace.steps[-1]
    told_the_customer = capsys.readouterr().err
    assert "The account is locked" in told_the_customer

    with serving(customer.path, tmp_path / "replay") as served:
        assert "The account was locked before this login" in served.text
        assert f"tws-companion --server {served.url}" in served.text
        with ApiClient(served.url) as api, pytest.raises(ApiError) as answer:
            api.start_login("customer", served.password, Platform.TWS)
        # The terminal login, as support would type it, meets the same answer.
        typed = Script()
        secret = Script().then(served.password)
        secret.out = typed.out
        args = argparse.Namespace(server=served.url, user="customer", platform="tws")
        exit_code = terminal_login.run(
            args, prompt=typed, secret_prompt=secret, out=typed.out, store=SecretStore()
        )

    assert (answer.value.code, answer.value.status) == (refused.error_code, refused.http_status)
    assert answer.value.retry_after is not None  # the wait the customer was told of
    assert exit_code == terminal_login.EXIT_FAILED
    assert capsys.readouterr().err == told_the_customer  # word for word
    assert served.process.returncode == 0  # stopped by SIGTERM, as by Ctrl+C
    assert served.lines[-1] == "Replay server stopped."
    assert (tmp_path / "replay" / "scenario.toml").is_file()  # --data-dir is kept


@pytest.mark.e2e
def test_a_lost_sms_served_is_lost_for_the_support_engineer_and_the_clock_moves_on_request(
    record: Callable[..., Recorded], tmp_path: Path
) -> None:
    customer = lost_sms_login(record, tmp_path)
    outbox = tmp_path / "replay" / "outbox"

    with serving(customer.path, tmp_path / "replay") as served:
        assert "The SMS never arrived" in served.text
        assert f"SMS and voice calls arrive in {outbox}." in served.text
        clock_file = tmp_path / "replay" / "clock-offset"
        assert str(clock_file) in served.text
        with ApiClient(served.url) as api:
            start = api.start_login("customer", served.password, Platform.TWS)
            [sms] = [device for device in start.devices if device.kind == "sms"]
            step = api.select_device(start.login_id, sms.id)
            assert step.challenge.channel == "sms"
            assert read_messages(outbox) == []  # the SMS never came, as the customer's
            with pytest.raises(ApiError) as too_soon:
                api.resend(start.login_id, Channel.VOICE)
            assert too_soon.value.code == "resend_too_soon"
            clock_file.write_text("31", encoding="utf-8")  # as the customer waited
            api.resend(start.login_id, Channel.VOICE)
            [call] = read_messages(outbox)
            assert call.channel == "voice"
            assert call.security_code is not None
            session = api.respond(start.login_id, call.security_code.code)

    assert session.scope is Scope.FULL  # the customer's outcome too
    assert customer.trace.outcome == "succeeded"


def test_serve_options_go_with_serve_and_the_gui_needs_a_display(
    record: Callable[..., Recorded],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    customer = locked_login(record)
    assert main(["support", "replay", str(customer.path), "--no-gui"]) == 2
    assert "--no-gui goes with --serve" in capsys.readouterr().err

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["support", "replay", str(customer.path), "--serve"]) == 2
    err = capsys.readouterr().err
    assert "xvfb-run -a tws-companion support replay TRACE --serve" in err
    assert "--no-gui" in err


def test_a_challenge_that_ran_out_is_met_by_moving_the_served_clock_as_printed(
    tmp_path: Path,
) -> None:
    """A hand-written trace (as support may write one to try a case): the customer typed the
    DSC+ response 130 s after the challenge came, and the server said it had run out."""
    steps = (
        TraceStep(0, "begin", "credentials"),
        TraceStep(10, "request", "credentials", request="login"),
        TraceStep(900, "started", "select_device", device_kinds=("dsc_plus",)),
        TraceStep(
            4000, "request", "select_device", device_kind="dsc_plus", request="select_device"
        ),
        TraceStep(4100, "device_chosen", "respond", device_kind="dsc_plus", challenge_type="ocra"),
        TraceStep(134_100, "request", "respond", device_kind="dsc_plus", request="respond"),
        TraceStep(
            134_200,
            "failed",
            "expired",
            device_kind="dsc_plus",
            error_code="challenge_expired",
            http_status=410,
        ),
    )
    trace = LoginTrace(
        trace_id="00112233445566ff",
        started_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        user="user-00112233aabbccdd",
        platform="tws",
        surface="dialog",
        outcome="expired",
        duration_ms=134_200,
        environment=collect_environment(),
        steps=steps,
    )
    served = start_replay_server(trace, tmp_path / "replay")
    try:
        printed = "\n".join(connect_lines(served, gui=False))
        said = (
            "Step 7: the customer's challenge ran out (challenge_expired) 131 s after it began: "
            "to meet it, write 131 in clock-offset before that step."
        )
        assert said in printed
        [key] = served.device_keys()
        with ApiClient(served.url) as api:
            start = api.start_login("customer", served.scenario.password, Platform.TWS)
            step = api.select_device(start.login_id, start.devices[0].id)
            assert step.challenge.code is not None
            response = ocra.compute_response(
                DSC_PLUS_OCRA_SUITE, key.secret, step.challenge.code, pin=key.pin
            )
            served.clock_file.write_text("131", encoding="utf-8")
            with pytest.raises(ApiError) as answer:
                api.respond(start.login_id, response)
    finally:
        served.stop()
    assert (answer.value.code, answer.value.status) == ("challenge_expired", 410)


# --- --serve with the GUI -----------------------------------------------------------------------


def top_level(kind: type[QWidget]) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


@pytest.mark.gui
def test_the_login_dialog_on_a_served_locked_account_says_it_is_locked(
    record: Callable[..., Recorded], qtbot: QtBot, tmp_path: Path
) -> None:
    customer = locked_login(record)
    seen: dict[str, object] = {}
    failures: list[Exception] = []

    class Watched(_ReplayGui):
        """The command line's GUI, with a support engineer at it (a timer once it shows)."""

        def run(self, served: ReplayServer) -> int:
            seen["served"] = served
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, lambda: engineer(served))
            return super().run(served)

    def engineer(served: ReplayServer) -> None:
        try:
            [dialog] = top_level(LoginDialog)
            assert isinstance(dialog, LoginDialog)
            seen["base_url"] = dialog.api.base_url
            seen["simulators"] = [w.windowTitle() for w in top_level(DscPlusSimulator)]
            seen["phones"] = len(top_level(PhoneWindow))
            dialog.credentials.username.setText("customer")
            dialog.credentials.password.setText(served.scenario.password)
            dialog.credentials.login_button.click()
            qtbot.waitUntil(
                lambda: dialog.stack.currentWidget() is dialog.message_page, timeout=30_000
            )
            seen["title"] = dialog.message_page.title.text()
            seen["message"] = dialog.message_page.text.text()
        except (AssertionError, ValueError, WaitTimeout) as exc:  # told after the app quits
            failures.append(exc)
        finally:
            QApplication.exit(0)  # as app.quit() would, without asking

    out = io.StringIO()
    code = serve_replay(customer.trace, tmp_path / "replay", out, gui=Watched("en"))

    if failures:
        raise AssertionError("the engineer's login failed") from failures[0]
    served = seen["served"]
    assert isinstance(served, ReplayServer)
    assert code == 0
    assert out.getvalue().startswith(f"listening on {served.url}\n")
    assert seen["base_url"] == served.url
    # Refused at the password, the customer's trace names no device: the replay user has a DSC+
    # (its simulator is the customer's), and no phone.
    assert [device.kind for device in served.scenario.devices] == ["dsc_plus"]
    assert seen["simulators"] == ["Digital Security Card+ - dsc_plus (customer)"]
    assert seen["phones"] == 0
    assert seen["title"] == "Please wait"
    assert "the account is locked" in str(seen["message"])
    # The GUI's settings and its own login trace stayed in the replay's folder.
    assert list((tmp_path / "replay" / "home").iterdir())
