"""Everything the server and the app write that holds user data is owner-only (POSIX).

Password hashes and phone numbers (the SQLite database and its ``-wal``/``-shm``), the master
key, one-time codes (the outbox's messages and WAV files), layout settings and their backups:
folders 0700, files 0600, whatever the umask, and tightened at start-up when an earlier release
left them wider. Each test runs with the permissive umask 0o022 (inherited by the processes it
starts), so none can pass by luck.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.demo import latest_code, write_scenario
from tests.support.process_server import run_cli, serve
from tests.support.profiles import profile_of
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.xml_format import dumps
from tws_companion.server import accounts, device_secrets
from tws_companion.server.authenticators import Enrolment
from tws_companion.server.config import ServerConfig, build_context
from tws_companion.server.passwords import FAST_HASH_PARAMETERS
from tws_companion.storage.outbox import write_message

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows has no POSIX permission bits")

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def loose(top: Path) -> dict[str, str]:
    """Every folder (``top`` included) not 0700 and every file not 0600 under ``top``."""
    found: dict[str, str] = {}
    for path in [top, *top.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        if mode != wanted:
            found[str(path.relative_to(top))] = oct(mode)
    return found


def names(top: Path) -> set[str]:
    return {str(path.relative_to(top)) for path in top.rglob("*")}


def widen(top: Path) -> None:
    """What an earlier release left: folders 0755, files 0644."""
    for path in [top, *top.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


# --- the server -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_server_writes_its_data_folder_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    voice = shutil.which("espeak-ng") is not None
    # The data folder exists already, made 0755 under this umask: the server tightens it.
    with serve(data, ["--scenario", str(write_scenario(tmp_path))]) as server:
        started = requests.post(
            f"{server.url}{API}/login",
            json={"username": "demo", "password": "demo-pass-1", "platform": "tws"},
            timeout=30,
        ).json()
        login = f"{server.url}{API}/login/{started['login_id']}"
        chosen = requests.post(f"{login}/device", json={"device_id": "demo-sms"}, timeout=30)
        assert chosen.status_code == 200, chosen.text
        channel = "sms"
        if voice:  # else the voice part is left out: the SMS still lands in the outbox
            server.move_clock(30)
            resent = requests.post(f"{login}/resend", json={"channel": "voice"}, timeout=60)
            assert resent.status_code == 200, resent.text
            channel = "voice"
        code = latest_code(data / "outbox", channel)
        done = requests.post(f"{login}/respond", json={"response": code}, timeout=30)
        assert done.status_code == 200, done.text
        while_running = names(data)
        assert loose(data) == {}
    assert loose(data) == {}

    assert {"sls.db", "sls.db-wal", "sls.db-shm", "master.key"} <= while_running
    outbox = {name for name in names(data) if name.startswith("outbox/")}
    assert any(name.endswith(".json") for name in outbox)
    assert any(name.endswith(".wav") for name in outbox) == voice


def test_a_data_folder_of_an_earlier_release_is_tightened_without_loss(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = ServerConfig(data_dir=data, hash_parameters=FAST_HASH_PARAMETERS)
    ctx = build_context(config)
    with ctx.db.transaction() as s:
        user = accounts.create_user(ctx, s, username="old", password="old-pass-1")
        device = accounts.add_device(
            ctx, s, user, kind="dsc_plus", enrolment=Enrolment(pin="1234")
        ).device
        secret = device_secrets.device_secret(ctx, device)
    ctx.db.dispose()
    write_message(data / "outbox", "sms", "+15555550100", "Your code is 123456.")
    widen(data)
    assert loose(data)

    ctx = build_context(config)
    try:
        assert loose(data) == {}
        with ctx.db.read() as s:
            user = accounts.require_user(s, "old")
            assert ctx.passwords.verify(user.password_hash, "old-pass-1")
            [device] = accounts.user_devices(s, user)
            assert device_secrets.device_secret(ctx, device) == secret  # the same master key
    finally:
        ctx.db.dispose()


def test_the_tightening_follows_no_symbolic_link_out_of_the_data_folder(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "notes.txt").write_text("for everyone")
    data = tmp_path / "data"
    data.mkdir()
    (data / "link-to-folder").symlink_to(shared)
    (data / "link-to-file").symlink_to(shared / "notes.txt")
    build_context(ServerConfig(data_dir=data, hash_parameters=FAST_HASH_PARAMETERS)).db.dispose()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "notes.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_an_sqlite_database_outside_the_data_folder_is_owner_only(tmp_path: Path) -> None:
    elsewhere = tmp_path / "db"
    elsewhere.mkdir()
    config = ServerConfig(data_dir=tmp_path / "data", db_url=f"sqlite:///{elsewhere / 'x.db'}")
    build_context(config).db.dispose()
    assert stat.S_IMODE((elsewhere / "x.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755  # not the server's folder


# --- the app ----------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_settings_command_writes_its_data_root_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    mine = tmp_path / "mine.xml"
    mine.write_bytes(dumps(default_layout()))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
        "TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
    }
    # Under the lock: the settings, a backup, the lock file.
    result = run_cli("settings", "--home", str(home), "--user", "demo", "recover", str(mine),
                     env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    chosen = tmp_path / "usb" / "layout.xml"
    chosen.parent.mkdir()
    result = run_cli(
        "settings", "--home", str(home), "--user", "demo", "save-as", str(chosen), "--decrypted",
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    assert loose(home) == {}
    assert {"users/demo/settings.xml", "users/demo/.lock"} <= names(home)
    assert any(name.startswith("users/demo/backups/settings-") for name in names(home))
    # A file the user saves elsewhere holds their layout: owner-only too.
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o600


def test_a_data_root_of_an_earlier_release_is_tightened_without_loss(tmp_path: Path) -> None:
    home = tmp_path / "home"
    profile = profile_of(home, "demo")
    layout = default_layout()
    layout.workstation.workspaces[0].name = "Mine"
    profile.save(layout)
    profile.save(layout)
    widen(home)
    assert loose(home)

    with profile.lock():  # how the app and the settings command begin with a user's files
        loaded = profile.load()
    assert loose(home) == {}
    assert loaded.source == "settings"
    assert loaded.layout.workstation.workspaces[0].name == "Mine"
