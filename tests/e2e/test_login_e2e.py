"""End to end: ``tws-companion serve --port 0`` as a process, logged into through the client.

Nothing is faked: the server process uses SQLite, Argon2id with production parameters, the outbox
gateway and espeak-ng. Time is moved through the server's clock file, never by sleeping.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.support import demo
from tests.support.audio import wav_stats
from tests.support.demo import DSC_PLUS_KEY, IB_KEY_KEY, ROOT, write_scenario
from tests.support.process_server import RunningServer, run_cli, serve
from tests.support.terminal import Conversation
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import (
    AccountLocked,
    ChallengeFailed,
    InvalidCredentials,
    IpRestricted,
    LoginThrottled,
    PortalOnly,
    ResendTooSoon,
    ScopeDenied,
    Unauthorized,
    WrongResponse,
)
from tws_companion.client.models import Session
from tws_companion.protocol import ChallengeType, Channel, Platform, Scope, Step
from tws_companion.sls import ocra
from tws_companion.sls.devices import DSC_PLUS_OCRA_SUITE, IB_KEY_OCRA_SUITE
from tws_companion.storage.outbox import read_messages

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    scenario = write_scenario(tmp_path)
    with serve(tmp_path / "data", ["--scenario", str(scenario)]) as running:
        yield running


@pytest.fixture
def api(server: RunningServer) -> Iterator[ApiClient]:
    with ApiClient(server.url) as client:
        yield client


def device_id(api: ApiClient, login_devices: tuple[object, ...], kind: str) -> str:
    for device in login_devices:
        if getattr(device, "kind", None) == kind:
            return str(getattr(device, "id"))  # noqa: B009
    raise AssertionError(f"no {kind} device offered")


def latest_code(server: RunningServer, channel: str) -> str:
    return demo.latest_code(server.data_dir / "outbox", channel)


def assert_full_session(api: ApiClient, session: Session, username: str) -> None:
    assert session.scope is Scope.FULL
    assert api.me(session.token).username == username
    assert len(api.settings_key(session.token)) == 32


# --- each device kind -------------------------------------------------------------------------


def test_dsc_plus(api: ApiClient) -> None:
    start = api.start_login("demo", "demo-pass-1", Platform.TWS)
    assert start.step is Step.SELECT_DEVICE
    step = api.select_device(start.login_id, device_id(api, start.devices, "dsc_plus"))
    assert step.challenge.type is ChallengeType.OCRA
    assert step.challenge.code is not None
    assert len(step.challenge.code) == 6
    answer = ocra.compute_response(
        DSC_PLUS_OCRA_SUITE, DSC_PLUS_KEY, step.challenge.code, pin="1234"
    )
    assert_full_session(api, api.respond(start.login_id, answer), "demo")


def test_ib_key(api: ApiClient) -> None:
    start = api.start_login("demo", "demo-pass-1", Platform.MOBILE)
    step = api.select_device(start.login_id, device_id(api, start.devices, "ib_key"))
    assert step.challenge.code is not None
    answer = ocra.compute_response(IB_KEY_OCRA_SUITE, IB_KEY_KEY, step.challenge.code, pin="2580")
    assert_full_session(api, api.respond(start.login_id, answer), "demo")


def test_security_code_card_exported_by_admin(server: RunningServer, api: ApiClient) -> None:
    exported = server.admin("export-card", "--user", "demo")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.reader(io.StringIO(exported.stdout)))
    assert rows[0] == ["index", "value"]
    card = {int(index): value for index, value in rows[1:]}
    start = api.start_login("demo", "demo-pass-1", Platform.TWS)
    step = api.select_device(start.login_id, device_id(api, start.devices, "code_card"))
    assert step.challenge.indices is not None
    first, second = step.challenge.indices
    assert_full_session(api, api.respond(start.login_id, card[first] + card[second]), "demo")


def test_sms_then_new_code_by_voice_callback(server: RunningServer, api: ApiClient) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is required for the voice callback (./dev test installs it)")
    start = api.start_login("demo", "demo-pass-1", Platform.TWS)
    step = api.select_device(start.login_id, device_id(api, start.devices, "sms"))
    assert step.challenge.type is ChallengeType.OOB
    assert step.challenge.channel is Channel.SMS
    assert latest_code(server, "sms")
    # "Didn't receive a security code?" → Voice. Not before 30 s have passed.
    with pytest.raises(ResendTooSoon) as too_soon:
        api.resend(start.login_id, Channel.VOICE)
    assert too_soon.value.retry_after == 30
    server.move_clock(30)
    step = api.resend(start.login_id, Channel.VOICE)
    assert step.challenge.channel is Channel.VOICE
    [call] = [m for m in read_messages(server.data_dir / "outbox") if m.channel == "voice"]
    assert call.audio is not None
    assert call.audio.exists()
    duration, rms, peak = wav_stats(call.audio)
    assert duration > 3.0  # six digits, read twice
    assert rms > 100
    assert peak > 1000
    assert_full_session(api, api.respond(start.login_id, latest_code(server, "voice")), "demo")


def test_single_device_user_goes_straight_to_the_challenge(api: ApiClient) -> None:
    start = api.start_login("solo", "solo-pass-1", Platform.TWS)
    assert start.step is Step.RESPOND
    assert start.challenge is not None
    assert start.challenge.code is not None
    assert len(start.challenge.code) == 8
    key = bytes.fromhex("dac26abd423ff3f22c1db1b68d785b3d62fe961f6970f0647432e6a93547de13")
    answer = ocra.compute_response(IB_KEY_OCRA_SUITE, key, start.challenge.code, pin="4321")
    session = api.respond(start.login_id, answer)
    assert_full_session(api, session, "solo")
    api.logout(session.token)
    with pytest.raises(Unauthorized):
        api.me(session.token)


# --- refusals ---------------------------------------------------------------------------------


def test_lockout_after_repeated_failures(server: RunningServer, api: ApiClient) -> None:
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            api.start_login("locky", "wrong", Platform.TWS)
    with pytest.raises(LoginThrottled) as waiting:
        api.start_login("locky", "locky-pass-1", Platform.TWS)
    assert "Please wait" in waiting.value.message
    assert waiting.value.retry_after is not None
    for _ in range(7):
        server.move_clock(3600)
        with pytest.raises(InvalidCredentials):
            api.start_login("locky", "wrong", Platform.TWS)
    with pytest.raises(AccountLocked):
        api.start_login("locky", "locky-pass-1", Platform.TWS)
    # Support unlocks the user.
    unlocked = server.admin("unlock-user", "--user", "locky")
    assert unlocked.returncode == 0, unlocked.stderr
    assert api.start_login("locky", "locky-pass-1", Platform.TWS).step is Step.RESPOND


def test_three_wrong_responses_then_start_over(api: ApiClient) -> None:
    start = api.start_login("demo", "demo-pass-1", Platform.TWS)
    api.select_device(start.login_id, device_id(api, start.devices, "dsc_plus"))
    for left in (2, 1):
        with pytest.raises(WrongResponse) as wrong:
            api.respond(start.login_id, "00000000")
        assert wrong.value.attempts_left == left
    with pytest.raises(ChallengeFailed):
        api.respond(start.login_id, "00000000")


def test_ip_restricted_user_is_refused(api: ApiClient) -> None:
    with pytest.raises(IpRestricted) as refused:
        api.start_login("restricted", "restricted-pass-1", Platform.TWS)
    assert "IP" in refused.value.message


def test_temporary_passcode_scope_after_2_and_8_days(server: RunningServer, api: ApiClient) -> None:
    issued = server.admin("issue-temp-passcode", "--user", "traveller")
    assert issued.returncode == 0, issued.stderr
    passcode = issued.stdout.split(":")[1].split()[0]
    assert passcode.isupper()

    start = api.start_login("traveller", "traveller-pass-1", Platform.TWS)
    step = api.select_device(start.login_id, device_id(api, start.devices, "temporary"))
    assert step.challenge.type is ChallengeType.PASSCODE
    session = api.respond(start.login_id, passcode)
    assert_full_session(api, session, "traveller")

    server.move_clock(2 * 86400)
    start = api.start_login("traveller", "traveller-pass-1", Platform.TWS)
    assert [d.kind for d in start.devices] == ["dsc_plus"]  # the passcode no longer opens TWS
    portal = api.start_login("traveller", "traveller-pass-1", Platform.PORTAL)
    temp_id = device_id(api, portal.devices, "temporary")
    with pytest.raises(PortalOnly):
        api.select_device(start.login_id, temp_id)
    api.select_device(portal.login_id, temp_id)
    session = api.respond(portal.login_id, passcode)
    assert session.scope is Scope.PRINT_ONLINE_CARD
    with pytest.raises(ScopeDenied):
        api.settings_key(session.token)

    server.move_clock(6 * 86400)
    late = api.start_login("traveller", "traveller-pass-1", Platform.PORTAL)
    assert [d.kind for d in late.devices] == ["dsc_plus"]


# --- the terminal login -----------------------------------------------------------------------


@pytest.fixture
def keyring_file(tmp_path: Path) -> Path:
    return tmp_path / "keyring.json"


@pytest.fixture
def keyring_env(keyring_file: Path) -> dict[str, str]:
    """A child process's environment with a keyring the test can read afterwards."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
        "TEST_KEYRING_FILE": str(keyring_file),
    }


def test_terminal_login_caches_the_settings_key(
    server: RunningServer, api: ApiClient, keyring_file: Path, keyring_env: dict[str, str]
) -> None:
    env = keyring_env
    login = Conversation(
        [sys.executable, "-m", "tws_companion", "login", "--server", server.url, "--user", "demo"],
        env,
    )
    login.send("demo-pass-1")  # getpass reads the password from the pipe
    menu = login.expect(r"Device \[[^\]]*\]: ")
    numbers = re.findall(r"^\s*(\d+)[.)] .*dsc_plus", login.output[: menu.start()], re.M)
    assert numbers, login.output
    login.send(numbers[0])
    challenge = login.expect(r"Challenge: (\d{6})").group(1)
    login.expect(r"Response: ")
    login.send("00000000")
    login.expect(r"2 attempts left")
    login.send(ocra.compute_response(DSC_PLUS_OCRA_SUITE, DSC_PLUS_KEY, challenge, pin="1234"))
    code, errors = login.finish()
    assert code == 0, errors
    assert "Logged in as demo" in login.output
    assert "demo-pass-1" not in login.output + errors
    stored = json.loads(keyring_file.read_text())
    # The settings key, and the session kept for scripts (tws-companion settings --server URL).
    assert sorted(entry.split("\n")[1].split(":")[0] for entry in stored) == [
        "session",
        "settings-key",
    ]
    session = json.loads(next(v for k, v in stored.items() if "\nsession:" in k))
    assert api.me(session["token"]).username == "demo"  # still open
    stored = {k: v for k, v in stored.items() if "\nsettings-key:" in k}
    # The cached key is the user's settings key.
    start = api.start_login("demo", "demo-pass-1", Platform.TWS)
    step = api.select_device(start.login_id, device_id(api, start.devices, "dsc_plus"))
    assert step.challenge.code is not None
    answer = ocra.compute_response(
        DSC_PLUS_OCRA_SUITE, DSC_PLUS_KEY, step.challenge.code, pin="1234"
    )
    key = api.settings_key(api.respond(start.login_id, answer).token)
    assert base64.urlsafe_b64decode(next(iter(stored.values()))) == key


def test_terminal_login_explains_a_refusal(
    server: RunningServer, keyring_file: Path, keyring_env: dict[str, str]
) -> None:
    result = run_cli(
        "login", "--server", server.url, "--user", "restricted",
        stdin="restricted-pass-1\n", env=keyring_env,
    )  # fmt: skip
    assert result.returncode == 1
    assert "IP" in result.stderr
    assert "restricted-pass-1" not in result.stdout + result.stderr
    assert not keyring_file.exists()


def test_terminal_login_refuses_without_a_secure_keyring(server: RunningServer) -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = run_cli("login", "--server", server.url, "--user", "solo", stdin="x\n", env=env)
    assert result.returncode == 1
    assert "No secure keyring is available" in result.stderr


def test_parallel_guesses_cannot_slip_past_the_limit(server: RunningServer) -> None:
    """Every wrong password is counted under a lock before it is answered, so a burst of guesses in
    parallel gets no more tries than guesses one after another."""
    body = {"username": "locky", "password": "wrong", "platform": "tws"}

    def guess(_: int) -> int:
        with requests.Session() as session:
            return session.post(f"{server.url}/api/v1/login", json=body, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = sorted(pool.map(guess, range(12)))
    assert statuses == [401] * 3 + [429] * 9
