"""Settings on the server, end to end: ``tws-companion serve`` as a process, two "machines" (two
data roots) of one user logged in with their IB Key, on SQLite and on PostgreSQL with two workers.

Each test has users of its own in one server per backend, so no test sees another's copies.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.demo import ROOT
from tests.support.postgres import NOT_AVAILABLE, URL, drop_all_tables
from tests.support.process_server import RunningServer, run_cli, serve
from tests.support.terminal import Conversation
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import (
    ClientError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ServerUnreachable,
    TransferInterrupted,
    Unauthorized,
)
from tws_companion.client.login_steps import respond_and_cache_key
from tws_companion.client.settings_sync import (
    DownloadOutcome,
    ServerSettings,
    SettingsConflict,
)
from tws_companion.layout import xml_format
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import Layout, Notes, Panel, Watchlist, WatchlistRow
from tws_companion.layout.profile import SettingsProfile
from tws_companion.protocol import SETTINGS_VERSIONS_KEPT, Platform
from tws_companion.sls import ocra
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE
from tws_companion.storage.paths import data_root
from tws_companion.storage.secret_store import SecretStore

pytestmark = pytest.mark.e2e

SECRET = bytes.fromhex("3b9e0c1f5a7d2e4c6b8a9f0d1e2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c")
PIN = "1357"
USERS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")


def password(user: str) -> str:
    return f"{user}-pass-1"


def write_scenario(folder: Path) -> Path:
    """One user per test, each with one IB Key (the login goes straight to its challenge)."""
    entries = [
        f'[[users]]\nusername = "{user}"\npassword = "{password(user)}"\n'
        f'phone = "+1555555{number:04d}"\n\n'
        f'[[users.devices]]\nid = "{user}-ibkey"\nkind = "ib_key"\nlabel = "IB Key"\n'
        f'secret_hex = "{SECRET.hex()}"\npin = "{PIN}"\n'
        for number, user in enumerate(USERS)
    ]
    path = folder / "scenario.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def response_to(challenge: str) -> str:
    return ocra.compute_response(IB_KEY_OCRA_SUITE, SECRET, challenge, pin=PIN)


@dataclass(frozen=True)
class Deployment:
    server: RunningServer
    #: How to start another server process on the same data and database (without --scenario).
    options: list[str]


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql-2-workers",
        marks=pytest.mark.skipif(not URL, reason=NOT_AVAILABLE),
    ),
]


@pytest.fixture(scope="module", params=BACKENDS)
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp(f"server-{request.param}")
    options: list[str] = []
    if request.param == "postgresql":
        drop_all_tables(URL)  # a database of its own, emptied
        options = ["--db", URL, "--workers", "2"]
    scenario = ["--scenario", str(write_scenario(folder))]
    with serve(folder / "data", [*options, *scenario]) as running:
        yield Deployment(running, options)


@pytest.fixture
def url(deployment: Deployment) -> str:
    return deployment.server.url


def log_in(url: str, user: str) -> str:
    """A full login with the IB Key; the settings key is cached in the (test) keyring."""
    with ApiClient(url) as api:
        started = api.start_login(user, password(user), Platform.TWS)
        assert started.challenge is not None
        assert started.challenge.code is not None
        done = respond_and_cache_key(
            api, SecretStore(), user, started.login_id, response_to(started.challenge.code)
        )
    assert done.key_cached, done.key_problem
    return done.session.token


@dataclass
class Machine:
    """One computer of the user: a data root of its own, a login of its own."""

    profile: SettingsProfile
    sync: ServerSettings

    def save(self, layout: Layout) -> None:
        self.profile.save(layout)

    def local(self) -> bytes:
        return xml_format.dumps(self.profile.load().layout)

    def backed_up(self) -> list[bytes]:
        return [
            xml_format.dumps(self.profile.open_backup(backup)) for backup in self.profile.backups()
        ]


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[Callable[..., Machine]]:
    clients: list[ApiClient] = []

    def make(url: str, user: str, name: str) -> Machine:
        api = ApiClient(url, timeout=(3.05, 30.0))
        clients.append(api)
        profile = SettingsProfile(tmp_path / name, user, server=api.base_url)
        return Machine(profile, ServerSettings(api, log_in(url, user), profile, machine=name))

    yield make
    for api in clients:
        api.close()


def traders_layout(note: str, *, rows: int = 3) -> Layout:
    layout = default_layout()
    watchlist = layout.watchlists()[0].state
    assert isinstance(watchlist, Watchlist)
    watchlist.rows.extend(WatchlistRow(f"S{n:05d}", exchange="NYSE") for n in range(rows))
    layout.workstation.workspaces[0].panels.append(Panel(Notes(text=note), title="Plan"))
    return layout


def xml(layout: Layout | None) -> bytes:
    assert layout is not None
    return xml_format.dumps(layout)


def test_saved_on_one_machine_the_other_gets_the_same_layout(
    url: str, machine: Callable[..., Machine]
) -> None:
    laptop, desktop = machine(url, "alice", "laptop"), machine(url, "alice", "desktop")
    mine = traders_layout("收盘前检查 <all> & close")
    laptop.save(mine)
    saved = laptop.sync.upload(mine)
    assert (saved.number, saved.machine) == (1, "laptop")

    done = desktop.sync.download()
    assert done.outcome is DownloadOutcome.TAKEN
    assert done.version == saved
    assert desktop.local() == xml(mine)
    again = desktop.sync.download()
    assert again.outcome is DownloadOutcome.UP_TO_DATE
    assert again.version == saved


def test_concurrent_saves_one_wins_the_other_is_asked_and_nothing_is_lost(
    url: str, machine: Callable[..., Machine]
) -> None:
    laptop, desktop = machine(url, "bob", "laptop"), machine(url, "bob", "desktop")
    start = traders_layout("start")
    laptop.save(start)
    laptop.sync.upload(start)
    desktop.sync.download()
    every_layout_saved = [xml(start)]

    def save_both_at_once(round_: int) -> tuple[Machine, Machine, SettingsConflict]:
        layouts = {
            name: traders_layout(f"{name}, round {round_}") for name in ("laptop", "desktop")
        }
        both = {"laptop": laptop, "desktop": desktop}
        for name, layout in layouts.items():
            both[name].save(layout)
            every_layout_saved.append(xml(layout))
        ready = threading.Barrier(2)

        def upload(name: str) -> object:
            ready.wait(timeout=30)
            try:
                return both[name].sync.upload(layouts[name])
            except SettingsConflict as conflict:
                return conflict

        with ThreadPoolExecutor(2) as pool:
            results = dict(zip(both, pool.map(upload, both), strict=True))
        conflicts = {name: r for name, r in results.items() if isinstance(r, SettingsConflict)}
        assert len(conflicts) == 1, results  # exactly one save wins
        ((loser_name, conflict),) = conflicts.items()
        winner_name = next(name for name in both if name != loser_name)
        assert f"({winner_name})" in str(conflict)
        assert xml(conflict.server.layout) == xml(layouts[winner_name])
        assert xml(conflict.local) == xml(layouts[loser_name])
        return both[winner_name], both[loser_name], conflict

    # Round 1: the loser takes the server's copy; its own layout stays in a local backup.
    winner, loser, conflict = save_both_at_once(1)
    loser_layout = xml(conflict.local)
    loser.sync.take_server(conflict.server)
    assert loser.local() == winner.local()
    assert loser_layout in loser.backed_up()

    # Round 2: the loser keeps its own; the winner, unchanged since, downloads it.
    winner, loser, conflict = save_both_at_once(2)
    winner_layout = winner.local()
    kept = loser.sync.keep_local(conflict)
    assert kept.machine in ("laptop", "desktop")
    assert winner.sync.download().outcome is DownloadOutcome.TAKEN
    assert winner.local() == loser.local()
    assert winner_layout in winner.backed_up()

    # Nothing was lost: every layout either machine saved is on the server or in a backup.
    on_server = {xml(laptop.sync.fetch_version(v.number).layout) for v in laptop.sync.versions()}
    kept_anywhere = on_server | set(laptop.backed_up()) | set(desktop.backed_up())
    assert set(every_layout_saved) <= kept_anywhere


def test_21_saves_keep_the_last_20_versions(url: str, machine: Callable[..., Machine]) -> None:
    laptop = machine(url, "carol", "laptop")
    layouts = [traders_layout(f"save {n}") for n in range(1, 22)]
    for layout in layouts:
        laptop.sync.upload(layout)
    versions = laptop.sync.versions()
    assert len(versions) == SETTINGS_VERSIONS_KEPT == 20
    assert [v.number for v in versions] == list(range(21, 1, -1))  # newest first
    assert [v.saved_at for v in versions] == sorted((v.saved_at for v in versions), reverse=True)
    assert {v.machine for v in versions} == {"laptop"}
    oldest_kept = laptop.sync.fetch_version(2)
    assert xml(oldest_kept.layout) == xml(layouts[1])
    assert oldest_kept.version == versions[-1]
    with pytest.raises(NotFound) as pruned:
        laptop.sync.fetch_version(1)
    assert "no such version" in str(pruned.value)


def test_another_users_token_cannot_reach_the_settings(
    url: str, machine: Callable[..., Machine]
) -> None:
    erin = machine(url, "erin", "erins-pc")
    erin.sync.upload(traders_layout("erin's"))
    erin.sync.upload(traders_layout("erin's, later"))
    frank = machine(url, "frank", "franks-pc")
    assert frank.sync.versions() == []
    assert frank.sync.download().outcome is DownloadOutcome.NOTHING_ON_SERVER
    for number in (1, 2):
        with pytest.raises(NotFound):
            frank.sync.fetch_version(number)
    mine = frank.sync.upload(traders_layout("frank's"))
    assert mine.number == 1  # numbered per user
    assert [v.number for v in erin.sync.versions()] == [2, 1]
    with ApiClient(url) as api:
        with pytest.raises(Unauthorized):
            api.settings("not-a-token")
        with pytest.raises(Unauthorized):
            api.settings_versions("")


def test_a_large_save_already_stale_is_refused_cleanly_and_the_copy_stays(url: str) -> None:
    """The server knows a save is stale before its body arrives; it still reads the body, so
    the client sending 12 MB hears the refusal (not a broken connection), on one connection."""
    token = log_in(url, "heidi")
    kept = os.urandom(3 * 1024 * 1024)
    with ApiClient(url) as api:
        first = api.put_settings(token, kept, if_match=None, machine="desk")
        large = os.urandom(12 * 1024 * 1024)
        for _ in range(2):
            with pytest.raises(PreconditionFailed):
                api.put_settings(token, large, if_match='"9-0123"', machine="laptop")
            with pytest.raises(PreconditionRequired):
                api.put_settings(token, large, if_match=None, machine="laptop")
        current = api.settings(token)
        assert (current.version, current.data) == (first, kept)
        assert api.settings_versions(token) == [first]


# --- the server stopped in the middle of a download ---------------------------------------


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 in front of the server. Once armed, after ``after`` more bytes
    of answers it drops the connection and calls ``stop`` (which stops the server), then sets
    ``stopped``."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Lock()
        self._budget: int | None = None
        self._stop: Callable[[], None] = lambda: None
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def arm(self, after: int, stop: Callable[[], None]) -> None:
        with self._lock:
            self._budget, self._stop = after, stop

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
        except OSError:
            client.close()  # the server is down: the client sees the connection closed
            return
        threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
        with client, upstream:
            while data := _recv(upstream):
                with self._lock:
                    budget = self._budget
                    if budget is not None and len(data) > budget:
                        self._budget = None
                        client.sendall(data[:budget])
                        for sock in (client, upstream):  # wakes the other direction's thread
                            with contextlib.suppress(OSError):
                                sock.shutdown(socket.SHUT_RDWR)
                        self._stop()
                        self.stopped.set()
                        return
                    if budget is not None:
                        self._budget = budget - len(data)
                client.sendall(data)


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass


def test_the_server_stopped_mid_download_leaves_the_local_settings_and_a_retry_works(
    deployment: Deployment, machine: Callable[..., Machine]
) -> None:
    data_dir = deployment.server.data_dir
    with serve(data_dir, deployment.options) as first:
        proxy = CuttingProxy(int(first.url.rsplit(":", 1)[1]))
        try:
            laptop = machine(proxy.url, "dave", "laptop")
            desktop = machine(proxy.url, "dave", "desktop")
            small = traders_layout("small")
            laptop.sync.upload(small)
            assert desktop.sync.download().outcome is DownloadOutcome.TAKEN
            big = traders_layout("x" * 1_500_000, rows=2000)  # an envelope of about 2 MB
            laptop.sync.upload(big)
            settings_before = desktop.profile.files.settings_path.read_bytes()
            profile_before = desktop.profile.files.profile_path.read_bytes()

            def stop_server() -> None:  # SIGTERM: the workers stop with their supervisor
                first.process.terminate()
                first.process.wait(timeout=60)

            proxy.arm(after=256 * 1024, stop=stop_server)
            with pytest.raises(ClientError) as cut:
                desktop.sync.download()
            assert proxy.stopped.wait(timeout=90)
            assert first.process.poll() is not None
            assert isinstance(cut.value, TransferInterrupted)
            assert "was lost during the transfer" in str(cut.value)
            with pytest.raises(ServerUnreachable):  # while it is down: a clear error too
                desktop.sync.download()
            assert desktop.profile.files.settings_path.read_bytes() == settings_before
            assert desktop.profile.files.profile_path.read_bytes() == profile_before
            assert desktop.local() == xml(small)

            with serve(data_dir, deployment.options) as second:
                proxy.target_port = int(second.url.rsplit(":", 1)[1])
                done = desktop.sync.download()
                assert done.outcome is DownloadOutcome.TAKEN
                assert desktop.local() == xml(big)
        finally:
            proxy.close()


# --- tws-companion settings --server URL upload|download|versions -------------------------------


@dataclass
class Computer:
    """A machine for the command line: a home folder and a keyring file of its own."""

    home: Path
    env: dict[str, str]
    user: str = "grace"

    def settings(self, url: str, *args: str) -> tuple[int, str, str]:
        result = run_cli(
            "settings", "--home", str(self.home), "--user", self.user, "--server", url, *args,
            env=self.env,
        )  # fmt: skip
        assert "Traceback" not in result.stderr, result.stderr
        return result.returncode, result.stdout, result.stderr

    def recover(self, folder: Path, layout: Layout) -> None:
        path = folder / f"{self.home.parent.name}-{len(list(folder.iterdir()))}.xml"
        path.write_bytes(xml(layout))
        result = run_cli(
            "settings", "--home", str(self.home), "--user", self.user, "recover", str(path),
            env=self.env,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr

    def login(self, url: str) -> None:
        argv = [sys.executable, "-m", "tws_companion", "login", "--server", url]
        login = Conversation([*argv, "--user", self.user], self.env)
        login.send(password(self.user))
        challenge = login.expect(r"Challenge: (\d+)").group(1)
        login.expect(r"Response: ")
        login.send(response_to(challenge))
        code, errors = login.finish()
        assert code == 0, errors

    @property
    def profile(self) -> SettingsProfile:
        return SettingsProfile(data_root(self.home), self.user)

    def local(self) -> bytes:
        return xml(self.profile.load().layout)

    def backed_up(self) -> list[bytes]:
        profile = self.profile
        return [xml(profile.open_backup(backup)) for backup in profile.backups()]


def computer(folder: Path) -> Computer:
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
        "TEST_KEYRING_FILE": str(folder / "keyring.json"),
    }
    env.pop("TWS_COMPANION_HOME", None)
    return Computer(folder / "home", env)


def test_the_settings_command_uploads_downloads_and_forces_either_side(
    url: str, tmp_path: Path
) -> None:
    laptop, desktop = computer(tmp_path / "laptop"), computer(tmp_path / "desktop")
    files = tmp_path / "files"
    files.mkdir()
    first = traders_layout("first")
    laptop.recover(files, first)

    code, _, err = laptop.settings(url, "upload")
    assert code == 1
    assert f"log in first: tws-companion login --server {url} --user grace" in err
    laptop.login(url)
    code, out, err = laptop.settings(url, "upload", "--machine", "laptop")
    assert code == 0, err
    assert out.startswith("uploaded the settings of grace: version 1 (saved ")

    desktop.login(url)
    code, out, err = desktop.settings(url, "download")
    assert code == 0, err
    assert out.startswith("downloaded the settings of grace: version 1")
    assert desktop.local() == xml(first)

    # Both change; the laptop saves first: the desktop is refused, either way, and told how.
    on_laptop, on_desktop = traders_layout("laptop's"), traders_layout("desktop's")
    laptop.recover(files, on_laptop)
    assert laptop.settings(url, "upload", "--machine", "laptop")[0] == 0
    desktop.recover(files, on_desktop)
    for action in (["upload", "--machine", "desktop"], ["download"]):
        code, out, err = desktop.settings(url, *action)
        assert code == 1
        assert err.startswith("error: Another computer (laptop) saved settings to the server at ")
        assert "upload --force" in err
        assert "download --force" in err
        assert len(err.strip().splitlines()) == 1
        assert desktop.local() == xml(on_desktop)  # nothing changed

    code, out, err = desktop.settings(url, "download", "--force")
    assert code == 0, err
    assert out.startswith("took the server's settings of grace: version 2")
    assert desktop.local() == xml(on_laptop)
    assert xml(on_desktop) in desktop.backed_up()

    # The other way round: this computer's settings replace the server's copy.
    mine, theirs = traders_layout("desktop's, kept"), traders_layout("laptop's, replaced")
    desktop.recover(files, mine)
    laptop.recover(files, theirs)
    assert laptop.settings(url, "upload", "--machine", "laptop")[0] == 0
    assert desktop.settings(url, "upload", "--machine", "desktop")[0] == 1
    code, out, err = desktop.settings(url, "upload", "--force", "--machine", "desktop")
    assert code == 0, err
    assert out.startswith("uploaded the settings of grace: version 4")
    code, out, err = laptop.settings(url, "download")
    assert code == 0, err
    assert laptop.local() == xml(mine)
    assert xml(theirs) in laptop.backed_up()

    code, out, err = laptop.settings(url, "versions")
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["4", "3", "2", "1"]  # newest first
    assert [line.split()[-1] for line in lines] == ["desktop", "laptop", "laptop", "laptop"]
    assert all(" bytes " in line for line in lines)

    # A session ended on the server (logged out elsewhere) is a clear "log in first" too.
    kept = json.loads((tmp_path / "laptop" / "keyring.json").read_text())
    token = json.loads(next(v for k, v in kept.items() if "\nsession:" in k))["token"]
    with ApiClient(url) as api:
        api.logout(token)
    code, out, err = laptop.settings(url, "versions")
    assert code == 1
    assert f"log in first: tws-companion login --server {url} --user grace" in err
    assert token not in out + err
