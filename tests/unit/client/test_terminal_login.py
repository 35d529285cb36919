"""``tws-companion login`` driven with scripted prompts against a local stand-in server."""

from __future__ import annotations

import argparse
import base64
import getpass
import io
import logging
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringError

from tests.support.memory_keyring import MemoryKeyring
from tests.unit.client.stand_in_server import Reply, StandInServer, closed_port, error
from tws_companion.client import terminal_login
from tws_companion.client.models import Challenge
from tws_companion.client.terminal_login import EXIT_INTERRUPTED
from tws_companion.protocol import API_PREFIX, ChallengeType, Channel
from tws_companion.storage.secret_store import SecretStore

PASSWORD = "s3cret-Passw0rd!"
RESPONSE = "87654321"
TOKEN = "tok-5c0ffee5c0ffee"
KEY = bytes(range(100, 132))
KEY_TEXT = base64.urlsafe_b64encode(KEY).decode()
EXPIRES = "2025-01-31T12:05:00Z"
THROTTLED = (
    "Too many failed login attempts. Please wait 53 seconds before attempting to re-login again."
)
SECRETS = (PASSWORD, RESPONSE, TOKEN, KEY_TEXT)

DEVICES = [
    {"id": "d1", "kind": "dsc_plus", "label": "My DSC+"},
    {"id": "d2", "kind": "code_card", "label": "Card 12"},
    {"id": "d3", "kind": "sms", "label": "Phone"},
]
SELECT_DEVICE = Reply(
    200,
    {
        "login_id": "L1",
        "expires_at": EXPIRES,
        "devices": DEVICES,
        "preferred_device_id": "d1",
        "step": "select_device",
    },
)
#: Like the real server, the challenges say how many seconds they have left (``expires_in``).
OCRA = {"type": "ocra", "code": "123456", "expires_at": EXPIRES, "expires_in": 120}
INDICES = {"type": "indices", "indices": [12, 57], "expires_at": EXPIRES, "expires_in": 120}
SMS = {
    "type": "oob",
    "channel": "sms",
    "destination": "*** 1234",
    "expires_at": EXPIRES,
    "resend_after": 30,
}


def challenge_step(device_id: str, challenge: Mapping[str, object]) -> Reply:
    return Reply(200, {"step": "respond", "device_id": device_id, "challenge": challenge})


def single_device(device: Mapping[str, str], challenge: Mapping[str, object]) -> Reply:
    """``POST /login`` of a user with one device: the server chose it and sent its challenge."""
    return Reply(
        200,
        {
            "login_id": "L1",
            "expires_at": EXPIRES,
            "devices": [device],
            "preferred_device_id": None,
            "step": "respond",
            "device_id": device["id"],
            "challenge": challenge,
        },
    )


def session(scope: str = "full") -> Reply:
    return Reply(200, {"session": {"token": TOKEN, "expires_at": EXPIRES, "scope": scope}})


def api(path: str) -> str:
    return f"{API_PREFIX}{path}"


class Prompter:
    """Answers prompts from a script and records them; an unscripted prompt fails the test.

    ``prompts`` is shared by the typed and the secret prompter (every prompt, in order);
    ``asked`` holds this prompter's own.
    """

    def __init__(self, prompts: list[str], answers: list[str | BaseException]) -> None:
        self._prompts = prompts
        self._answers: deque[str | BaseException] = deque(answers)
        self.asked: list[str] = []

    def __call__(self, text: str) -> str:
        self._prompts.append(text)
        self.asked.append(text)
        if not self._answers:
            raise AssertionError(f"unexpected prompt {text!r}")
        answer = self._answers.popleft()
        if isinstance(answer, BaseException):
            raise answer
        return answer

    @property
    def unused(self) -> list[str | BaseException]:
        return list(self._answers)


@dataclass
class Result:
    code: int
    out: str
    err: str
    prompts: list[str]
    typed: Prompter
    secret: Prompter


@pytest.fixture
def server() -> Iterator[StandInServer]:
    with StandInServer() as stand_in:
        stand_in.add("GET", api("/me/settings-key"), Reply(200, {"key": KEY_TEXT}))
        stand_in.add("POST", api("/logout"), Reply(204))
        yield stand_in


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tws-companion login")
    terminal_login.add_arguments(parser)
    return parser.parse_args(list(argv))


class TypingClock:
    """Monotonic seconds that move on by ``typing`` at every hidden prompt: a slow typist."""

    def __init__(self, typing: float) -> None:
        self.now = 1000.0
        self.typing = typing

    def __call__(self) -> float:
        return self.now

    def slow(self, prompter: Prompter) -> Callable[[str], str]:
        def ask(text: str) -> str:
            self.now += self.typing
            return prompter(text)

        return ask


def login(
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    typed: list[str | BaseException],
    secret: list[str | BaseException] | None = None,
    *,
    clock: TypingClock | None = None,
) -> Result:
    prompts: list[str] = []
    typed_prompter = Prompter(prompts, typed)
    secret_prompter = Prompter(prompts, [PASSWORD] if secret is None else secret)
    out = io.StringIO()
    capsys.readouterr()
    code = terminal_login.run(
        parse(*argv),
        prompt=typed_prompter,
        secret_prompt=secret_prompter if clock is None else clock.slow(secret_prompter),
        out=out,
        store=SecretStore(),
        clock=time.monotonic if clock is None else clock,
    )
    captured = capsys.readouterr()
    assert captured.out == ""  # everything goes to `out`, errors to stderr
    if code != EXIT_INTERRUPTED:
        assert typed_prompter.unused == []
        assert secret_prompter.unused == []
    return Result(code, out.getvalue(), captured.err, prompts, typed_prompter, secret_prompter)


def assert_no_secrets(result: Result, caplog: pytest.LogCaptureFixture) -> None:
    for secret in SECRETS:
        assert secret not in result.out
        assert secret not in result.err
        assert secret not in caplog.text
    assert all(prompt.endswith(": ") for prompt in result.prompts)


def test_arguments() -> None:
    args = parse("--server", "http://127.0.0.1:1")
    assert (args.server, args.user, args.platform) == ("http://127.0.0.1:1", None, "tws")
    args = parse("--server", "https://x", "--user", "bob", "--platform", "portal")
    assert (args.user, args.platform) == ("bob", "portal")
    with pytest.raises(SystemExit):
        parse("--user", "bob")
    with pytest.raises(SystemExit):
        parse("--server", "https://x", "--platform", "desktop")


def test_ocra_login(
    server: StandInServer,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    server.add("POST", api("/login/L1/respond"), session())

    result = login(capsys, ["--server", server.url], ["alice", ""], [PASSWORD, RESPONSE])

    assert result.code == 0, result.err
    assert result.prompts == ["User name: ", "Password: ", "Device [1-3]: ", "Response: "]
    assert result.secret.asked == ["Password: ", "Response: "]  # neither is echoed
    assert result.out.splitlines() == [
        "Devices:",
        "  1. My DSC+ (dsc_plus)  (default)",
        "  2. Card 12 (code_card)",
        "  3. Phone (sms)",
        "Challenge: 123456  (enter it into your device after its PIN)",
        "Logged in as alice (scope full).",
    ]
    assert result.err == ""
    assert_no_secrets(result, caplog)
    assert server.hits_to("POST", api("/login"))[0].json() == {
        "username": "alice",
        "password": PASSWORD,
        "platform": "tws",
    }
    assert server.hits_to("POST", api("/login/L1/device"))[0].json() == {"device_id": "d1"}
    assert server.hits_to("POST", api("/login/L1/respond"))[0].json() == {"response": RESPONSE}
    assert server.hits_to("GET", api("/me/settings-key"))[0].headers["Authorization"] == (
        f"Bearer {TOKEN}"
    )
    # The session stays open, kept in the keyring for scripts (it expired in 2025).
    assert server.hits_to("POST", api("/logout")) == []
    kept = SecretStore().get_session(server.url, "alice", now=datetime(2025, 1, 31, 12, tzinfo=UTC))
    assert kept is not None
    assert kept.token == TOKEN
    assert TOKEN not in repr(kept)
    assert SecretStore().get_session(server.url, "alice") is None  # expired by now
    assert SecretStore().get_settings_key(server.url, "alice") == KEY


def test_wrong_response_then_success(
    server: StandInServer,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d2", INDICES))
    server.add(
        "POST",
        api("/login/L1/respond"),
        error("wrong_response", 401, "Wrong response.", attempts_left=2),
        session(),
    )

    result = login(
        capsys,
        ["--server", server.url, "--user", "alice", "--platform", "mobile"],
        ["x", "2"],
        [PASSWORD, "A1B2C3", RESPONSE],
    )

    assert result.code == 0, result.err
    assert result.prompts == [
        "Password: ",
        "Device [1-3]: ",
        "Device [1-3]: ",
        "Response: ",
        "Response: ",
    ]
    lines = result.out.splitlines()
    assert "Please type a number from 1 to 3." in lines
    assert "Enter the values at index 12 and 57 of your Security Code Card, without spaces" in lines
    assert "Wrong response: 2 attempts left." in lines
    assert lines[-1] == "Logged in as alice (scope full)."
    assert "A1B2C3" not in result.out
    assert_no_secrets(result, caplog)
    assert server.hits_to("POST", api("/login"))[0].json()["platform"] == "mobile"
    responses = [hit.json() for hit in server.hits_to("POST", api("/login/L1/respond"))]
    assert responses == [{"response": "A1B2C3"}, {"response": RESPONSE}]
    assert SecretStore().get_settings_key(server.url, "alice") == KEY


def test_throttled(
    server: StandInServer,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.add("POST", api("/login"), error("login_throttled", 429, THROTTLED, retry_after=53))

    result = login(capsys, ["--server", server.url, "--user", "alice"], [])

    assert result.code == 1
    assert result.err == THROTTLED + "\n"
    assert result.out == ""
    assert result.prompts == ["Password: "]
    assert_no_secrets(result, caplog)
    assert memory_keyring.secrets == {}


def test_sms_code_with_a_new_code_by_voice(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add("POST", api("/login"), single_device(DEVICES[2], SMS))
    server.add(
        "POST",
        api("/login/L1/resend"),
        error("resend_too_soon", 429, "Please wait 25 seconds.", retry_after=25),
        challenge_step("d3", {**SMS, "channel": "voice"}),
    )
    server.add("POST", api("/login/L1/respond"), session())

    result = login(
        capsys,
        ["--server", server.url, "--user", "alice"],
        [],
        [PASSWORD, "sms", "Voice", "482913"],
    )

    assert result.code == 0, result.err
    assert result.typed.asked == []  # the words sms and voice are typed at the hidden prompt
    lines = result.out.splitlines()
    assert lines[0] == "Device: Phone (sms)"
    assert "A security code was sent by SMS to *** 1234" in lines
    assert "Please wait 25 seconds." in lines
    assert any(line.startswith("A voice call to *** 1234") for line in lines)
    assert lines[-1] == "Logged in as alice (scope full)."
    resends = [hit.json() for hit in server.hits_to("POST", api("/login/L1/resend"))]
    assert resends == [{"channel": "sms"}, {"channel": "voice"}]
    responses = [hit.json() for hit in server.hits_to("POST", api("/login/L1/respond"))]
    assert responses == [{"response": "482913"}]
    assert "482913" not in result.out


def test_temporary_passcode_after_two_days_fetches_no_key(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", {"type": "passcode"}))
    server.add("POST", api("/login/L1/respond"), session("print_online_card"))

    result = login(
        capsys,
        ["--server", server.url, "--user", "alice", "--platform", "portal"],
        ["1"],
        [PASSWORD, "TEMPPASS"],
    )

    assert result.code == 0, result.err
    assert result.secret.asked == ["Password: ", "Response: "]  # valid for 8 days: never echoed
    assert "Enter your temporary passcode" in result.out.splitlines()
    assert "Logged in as alice (scope print_online_card)." in result.out.splitlines()
    assert server.hits_to("GET", api("/me/settings-key")) == []
    assert memory_keyring.secrets == {}


def test_challenge_failed_ends_the_login(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    message = "Three wrong responses. Please start over from step 1."
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    server.add("POST", api("/login/L1/respond"), error("challenge_failed", 401, message))

    result = login(
        capsys, ["--server", server.url, "--user", "alice"], [""], [PASSWORD, "11111111"]
    )

    assert (result.code, result.err) == (1, message + "\n")
    assert memory_keyring.secrets == {}


def test_a_reused_response_ends_the_login(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server has already ended that login: asking for another response would be in vain."""
    message = "That response was already used once. Start over from step 1."
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    server.add("POST", api("/login/L1/respond"), error("response_reused", 401, message))

    result = login(capsys, ["--server", server.url, "--user", "alice"], [""], [PASSWORD, RESPONSE])

    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "Start over." in result.err
    assert result.prompts == ["Password: ", "Device [1-3]: ", "Response: "]
    assert len(server.hits_to("POST", api("/login/L1/respond"))) == 1
    assert memory_keyring.secrets == {}


def test_a_refused_device_leaves_the_others_to_choose_from(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    """The login is still open after a device is refused: another one may be chosen."""
    locked = "This security device is locked after too many wrong responses."
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add(
        "POST",
        api("/login/L1/device"),
        error("device_locked", 423, locked),
        challenge_step("d2", INDICES),
    )
    server.add("POST", api("/login/L1/respond"), session())

    result = login(
        capsys, ["--server", server.url, "--user", "alice"], ["", "2"], [PASSWORD, RESPONSE]
    )

    assert result.code == 0, result.err
    assert result.prompts == ["Password: ", "Device [1-3]: ", "Device [1-3]: ", "Response: "]
    assert result.out.splitlines() == [
        "Devices:",
        "  1. My DSC+ (dsc_plus)  (default)",
        "  2. Card 12 (code_card)",
        "  3. Phone (sms)",
        locked,
        "Enter the values at index 12 and 57 of your Security Code Card, without spaces",
        "Logged in as alice (scope full).",
    ]
    chosen = [hit.json() for hit in server.hits_to("POST", api("/login/L1/device"))]
    assert chosen == [{"device_id": "d1"}, {"device_id": "d2"}]
    assert SecretStore().get_settings_key(server.url, "alice") == KEY


def test_the_only_device_refused_ends_the_login(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = "This security device is locked after too many wrong responses."
    server.add("POST", api("/login"), single_device(DEVICES[0], OCRA))
    server.add("POST", api("/login/L1/respond"), error("device_locked", 423, locked))

    result = login(capsys, ["--server", server.url, "--user", "alice"], [], [PASSWORD, RESPONSE])

    assert (result.code, result.err) == (1, locked + "\n")
    assert result.prompts == ["Password: ", "Response: "]
    assert memory_keyring.secrets == {}


@pytest.mark.parametrize(("typing", "sent"), [(119.0, True), (121.0, False)])
def test_a_response_typed_after_the_challenge_ran_out_is_not_sent(
    server: StandInServer,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    typing: float,
    sent: bool,
) -> None:
    """The challenge has 120 s; the user needs ``typing`` seconds for the response."""
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    server.add("POST", api("/login/L1/respond"), session())

    result = login(
        capsys,
        ["--server", server.url, "--user", "alice"],
        [""],
        [PASSWORD, RESPONSE],
        clock=TypingClock(typing),
    )

    assert len(server.hits_to("POST", api("/login/L1/respond"))) == (1 if sent else 0)
    if sent:
        assert result.code == 0, result.err
    else:
        assert result.code == 1
        assert result.err == "The challenge has expired. Start over from step 1.\n"
        assert memory_keyring.secrets == {}


def test_a_garbled_answer_to_the_response_lets_the_user_try_again(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    server.add(
        "POST", api("/login/L1/respond"), Reply(502, raw=b"<html>Bad gateway</html>"), session()
    )

    result = login(
        capsys, ["--server", server.url, "--user", "alice"], [""], [PASSWORD, "11111111", RESPONSE]
    )

    assert result.code == 0, result.err
    assert result.prompts == ["Password: ", "Device [1-3]: ", "Response: ", "Response: "]
    assert (
        "Unexpected answer from the server (HTTP 502): the server, or a proxy in front of it, "
        "is unavailable"
    ) in result.out.splitlines()
    assert "Bad gateway" not in result.out
    assert SecretStore().get_settings_key(server.url, "alice") == KEY


def test_a_new_login_replaces_and_ends_the_session_an_earlier_one_kept(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    SecretStore().set_session(
        server.url, "alice", "tok-of-yesterday", datetime(2099, 1, 1, tzinfo=UTC)
    )
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    server.add("POST", api("/login/L1/respond"), session())

    result = login(capsys, ["--server", server.url, "--user", "alice"], [""], [PASSWORD, RESPONSE])

    assert result.code == 0, result.err
    (logout,) = server.hits_to("POST", api("/logout"))
    assert logout.headers["Authorization"] == "Bearer tok-of-yesterday"
    kept = SecretStore().get_session(server.url, "alice", now=datetime(2025, 1, 31, tzinfo=UTC))
    assert kept is not None
    assert kept.token == TOKEN


def test_a_login_of_another_scope_keeps_no_session(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    server.add("POST", api("/login/L1/respond"), session("print_online_card"))

    result = login(capsys, ["--server", server.url, "--user", "alice"], [""], [PASSWORD, RESPONSE])

    assert result.code == 0, result.err
    assert len(server.hits_to("POST", api("/logout"))) == 1  # it cannot reach the settings
    assert memory_keyring.secrets == {}


class SessionRefusingKeyring(MemoryKeyring):
    """Keeps the settings key but refuses the session (a full keyring, say)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        if username.startswith("session:"):
            raise KeyringError("refused")
        super().set_password(service, username, password)


def test_a_session_the_keyring_refuses_fails_after_ending_it(
    server: StandInServer, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    server.add("POST", api("/login/L1/respond"), session())
    previous = keyring.get_keyring()
    keyring.set_keyring(SessionRefusingKeyring())
    try:
        result = login(
            capsys, ["--server", server.url, "--user", "alice"], [""], [PASSWORD, RESPONSE]
        )
    finally:
        keyring.set_keyring(previous)

    assert result.code == 1
    assert result.err == (
        "Logged in, but the session was not kept: "
        "The keyring refused to store the session (KeyringError).\n"
    )
    assert len(server.hits_to("POST", api("/logout"))) == 1
    assert_no_secrets(result, caplog)


class RefusingKeyring(MemoryKeyring):
    """A secure keyring that refuses to store anything (full, locked, ...)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("refused")


def test_a_settings_key_the_keyring_refuses_fails_after_ending_the_session(
    server: StandInServer, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    server.add("POST", api("/login/L1/respond"), session())
    previous = keyring.get_keyring()
    refusing = RefusingKeyring()
    keyring.set_keyring(refusing)
    try:
        result = login(
            capsys, ["--server", server.url, "--user", "alice"], [""], [PASSWORD, RESPONSE]
        )
    finally:
        keyring.set_keyring(previous)

    assert result.code == 1
    assert result.err == (
        "Logged in, but the settings key was not cached: "
        "The keyring refused to store the settings key (KeyringError).\n"
    )
    assert "Logged in as" not in result.out
    assert len(server.hits_to("POST", api("/logout"))) == 1
    assert refusing.secrets == {}
    assert_no_secrets(result, caplog)


def test_unreachable_server(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = login(capsys, ["--server", url, "--user", "alice"], [])
    assert result.code == 1
    assert result.err.startswith(f"Cannot reach the server at {url}: connection refused")
    assert result.err.count("\n") == 1
    assert PASSWORD not in result.err


def test_plain_http_to_another_host_is_refused_before_any_prompt(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    result = login(capsys, ["--server", "http://sls.example.com:8765"], [], secret=[])
    assert result.code == 1
    assert result.err.startswith("Refusing to send a password over plain HTTP")
    assert result.prompts == []


def test_no_secure_keyring_is_refused_before_any_prompt(
    server: StandInServer, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        result = login(capsys, ["--server", server.url], [], secret=[])
    finally:
        keyring.set_keyring(previous)
    assert result.code == 1
    assert result.err.startswith("No secure keyring is available")
    assert result.prompts == []
    assert server.hits == []


def test_bad_server_url(capsys: pytest.CaptureFixture[str]) -> None:
    result = login(capsys, ["--server", "sls.example.com"], [], secret=[])
    assert result.code == 2
    assert result.err.startswith("Invalid server URL")


@pytest.mark.parametrize("interrupt", [EOFError(), KeyboardInterrupt()])
def test_interrupted_at_the_password(
    server: StandInServer,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    interrupt: BaseException,
) -> None:
    result = login(capsys, ["--server", server.url], ["alice"], secret=[interrupt])
    assert (result.code, result.out, result.err) == (130, "", "")
    assert server.hits == []


def test_interrupted_at_the_response(
    server: StandInServer, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    server.add("POST", api("/login"), SELECT_DEVICE)
    server.add("POST", api("/login/L1/device"), challenge_step("d1", OCRA))
    result = login(
        capsys, ["--server", server.url, "--user", "alice"], [""], [PASSWORD, KeyboardInterrupt()]
    )
    assert (result.code, result.err) == (130, "")
    assert server.hits_to("POST", api("/login/L1/respond")) == []


def test_the_hidden_prompt_is_on_standard_output_like_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, object]] = []

    def fake_getpass(prompt: str = "Password: ", stream: TextIO | None = None) -> str:
        calls.append((prompt, stream))
        return "typed"

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    assert terminal_login.hidden_input("Response: ") == "typed"
    assert calls == [("Response: ", sys.stdout)]


@pytest.mark.parametrize(
    ("challenge", "lines"),
    [
        (
            Challenge(type=ChallengeType.OCRA, code="123456"),
            ["Challenge: 123456  (enter it into your device after its PIN)"],
        ),
        (
            Challenge(type=ChallengeType.INDICES, indices=(12, 57)),
            ["Enter the values at index 12 and 57 of your Security Code Card, without spaces"],
        ),
        (
            Challenge(type=ChallengeType.OOB, channel=Channel.SMS, destination="*** 1234"),
            [
                "A security code was sent by SMS to *** 1234",
                "No code? Type voice (or sms) at the Response prompt to get a new one.",
            ],
        ),
        (Challenge(type=ChallengeType.PASSCODE), ["Enter your temporary passcode"]),
    ],
)
def test_describe_challenge(challenge: Challenge, lines: list[str]) -> None:
    assert terminal_login.describe_challenge(challenge) == lines
