"""Login traces of real logins: the terminal login against the app's server running in this
process (uvicorn on loopback, SQLite, the outbox gateway), then every byte the app wrote is
searched for the password, the codes, the responses, the token, the settings key, the phone number
and the user name."""

from __future__ import annotations

import argparse
import base64
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.demo import ROOT, latest_code
from tests.support.terminal_script import Answer, Script
from tws_companion.client import terminal_login
from tws_companion.client.terminal_login import EXIT_FAILED, EXIT_OK
from tws_companion.server.config import ServerConfig
from tws_companion.server.runner import EmbeddedServer
from tws_companion.server.scenario import load_scenario, read_scenario
from tws_companion.storage.paths import data_root
from tws_companion.storage.secret_store import SecretStore
from tws_companion.support.bundle import gather_bundle, write_bundle
from tws_companion.support.locations import log_dir, pseudonym_key_path
from tws_companion.support.pseudonyms import Pseudonyms
from tws_companion.support.trace_store import TraceStore

USER = "Trace.Alice"
PASSWORD = "Tr4ce-Pa55word!zz"
WRONG_PASSWORD = "Wr0ng-Pa55word!qq"
PHONE = "+15557654987"
WRONG_CODE = "135797"
SCENARIO = f"""
[[users]]
username = "{USER}"
password = "{PASSWORD}"
phone = "{PHONE}"

[[users.devices]]
kind = "sms"
label = "Alice's phone"

[[users.devices]]
id = "alice-dscplus"
kind = "dsc_plus"
secret_hex = "5f367d63fdd1cd6278e3de73aadc16aec9c7f0c9af5e853acded3346fc5be290"
pin = "8642"
"""


class Server:
    def __init__(self, embedded: EmbeddedServer, url: str, data_dir: Path, clock_file: Path):
        self.embedded = embedded
        self.url = url
        self.outbox = data_dir / "outbox"
        self.clock_file = clock_file

    def move_clock(self, seconds: float) -> None:
        self.clock_file.write_text(str(seconds), encoding="utf-8")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    data_dir = tmp_path / "server"
    clock_file = tmp_path / "clock"
    embedded = EmbeddedServer.from_config(ServerConfig(data_dir=data_dir, clock_file=clock_file))
    load_scenario(embedded.context, read_scenario(scenario))
    url = embedded.start()
    try:
        yield Server(embedded, url, data_dir, clock_file)
    finally:
        embedded.stop()


def run_login(server: Server, typed: Script, secret: Script) -> int:
    args = argparse.Namespace(server=server.url, user=USER, platform="tws")
    secret.out = typed.out
    return terminal_login.run(
        args, prompt=typed, secret_prompt=secret, out=typed.out, store=SecretStore()
    )


def device_number(out: io.StringIO, kind: str) -> str:
    found = re.search(rf"^\s*(\d+)\. .*\({kind}\)", out.getvalue(), re.M)
    assert found, out.getvalue()
    return found.group(1)


def written_files(*folders: Path) -> list[Path]:
    return [path for folder in folders for path in folder.rglob("*") if path.is_file()]


def test_a_terminal_login_leaves_a_trace_and_no_secret_anywhere(
    server: Server, tmp_path: Path
) -> None:
    # A wrong password first: a refused attempt.
    refused = Script()
    assert run_login(server, refused, Script().then(WRONG_PASSWORD)) == EXIT_FAILED

    # Then SMS, "voice" too soon, "voice" 31 s later, a wrong code, the right one.
    typed = Script()
    codes: dict[str, str] = {}

    def voice_later(_prompt: str) -> str:
        server.move_clock(31)
        return "voice"

    def code(channel: str) -> Answer:
        def answer(_prompt: str) -> str:
            codes[channel] = latest_code(server.outbox, channel)
            return codes[channel]

        return answer

    typed.then(lambda _prompt: device_number(typed.out, "sms"))
    secret = Script().then(PASSWORD).then("voice").then(voice_later).then(WRONG_CODE)
    secret.then(code("voice"))
    assert run_login(server, typed, secret) == EXIT_OK, typed.out.getvalue()
    codes["sms"] = latest_code(server.outbox, "sms")

    # What the login left: two traces, the newest first.
    store = TraceStore(log_dir() / "traces")
    newest, oldest = (store.read(path) for path in store.paths())
    assert (oldest.outcome, newest.outcome) == ("refused", "succeeded")
    pseudonym = Pseudonyms(pseudonym_key_path()).of(USER)
    assert oldest.user == newest.user == pseudonym
    assert oldest.steps[-1].error_code == "invalid_credentials"
    assert newest.surface == "terminal"
    events = [(s.event, s.request or s.error_code) for s in newest.steps]
    assert events == [
        ("begin", None),
        ("request", "login"),
        ("started", None),
        ("request", "select_device"),
        ("device_chosen", None),
        ("request", "resend"),
        ("failed", "resend_too_soon"),
        ("request", "resend"),
        ("code_resent", None),
        ("request", "respond"),
        ("failed", "wrong_response"),
        ("request", "respond"),
        ("succeeded", None),
    ]
    select = newest.steps[3]
    assert select.device_kind == "sms"
    answers = [step for step in newest.steps if step.event != "request"]
    chosen, too_soon, resent = answers[2:5]
    assert chosen.device_kind == "sms"
    assert chosen.phone_tail == "87"
    assert too_soon.retry_after is not None
    assert 0 < too_soon.retry_after <= 30
    assert resent.channel == "voice"
    assert answers[1].device_kinds == ("sms", "dsc_plus")

    # The bundle a support engineer would get.
    bundle_path = tmp_path / "out" / "bundle.zip"
    bundle_path.parent.mkdir()
    write_bundle(gather_bundle(), bundle_path)
    with zipfile.ZipFile(bundle_path) as archive:
        unpacked = {name: archive.read(name) for name in archive.namelist()}
    assert sum(name.startswith("traces/") for name in unpacked) == 2

    # The secrets of the login, in every form they could be written in.
    keyring = SecretStore()
    session = keyring.get_session(server.url, USER)
    key = keyring.get_settings_key(server.url, USER)
    assert session is not None
    assert key is not None
    secrets = {
        PASSWORD,
        WRONG_PASSWORD,
        WRONG_CODE,
        codes["sms"],
        codes["voice"],
        session.token,
        key.hex(),
        base64.urlsafe_b64encode(key).decode().rstrip("="),
        base64.b64encode(key).decode().rstrip("="),
        PHONE,
        PHONE[1:],
        PHONE[:-2],
        USER,
        USER.lower(),
    }
    files = written_files(log_dir(), data_root())
    assert files  # the traces, the pseudonym key
    contents = {str(path): path.read_bytes() for path in files}
    contents.update({f"bundle:{name}": data for name, data in unpacked.items()})
    contents["bundle.zip"] = bundle_path.read_bytes()
    # The search reads what was written: the pseudonym is there, in the traces and the bundle.
    assert pseudonym.encode() in contents[str(store.paths()[0])]
    assert any(pseudonym.encode() in data for data in unpacked.values())
    for where, data in contents.items():
        text = data.decode("utf-8", errors="replace").lower()
        for secret_text in secrets:
            assert secret_text.lower() not in text, f"a secret is in {where}"


def test_the_login_command_writes_its_trace_under_the_data_root(
    server: Server, tmp_path: Path
) -> None:
    machine = tmp_path / "machine"
    env = {**os.environ, "TWS_COMPANION_HOME": str(machine), "PYTHONPATH": str(ROOT)}
    env["PYTHON_KEYRING_BACKEND"] = "tests.support.file_keyring.FileKeyring"
    env["TEST_KEYRING_FILE"] = str(tmp_path / "keyring.json")
    result = subprocess.run(
        [sys.executable, "-m", "tws_companion", "login", "--server", server.url, "--user", USER],
        input=WRONG_PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == EXIT_FAILED, result.stderr
    [path] = TraceStore(machine / "logs" / "traces").paths()
    trace = TraceStore(path.parent).read(path)
    assert trace.outcome == "refused"
    assert trace.surface == "terminal"
    assert trace.user == Pseudonyms(machine / "support" / "pseudonym.key").of(USER)
    assert trace.environment.qt_version is None  # no GUI
    assert WRONG_PASSWORD.encode() not in path.read_bytes()
