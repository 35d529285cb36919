"""``tws-companion settings`` as scripts use it: two homes are two machines, a keyring each.

The settings key arrives the way it does for a user: a full terminal login against a real server
caches it in that machine's keyring. Then the same user moves an encrypted file between the two
machines, another user can only open the decrypted one, and every refusal is one clear line.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.demo import SOLO_KEY, write_scenario
from tests.support.process_server import RunningServer, run_cli, serve
from tests.support.terminal import Conversation
from tws_companion.layout import xml_format
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import Notes, Panel, Watchlist, WatchlistRow
from tws_companion.sls import ocra
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Machine:
    """A home folder and a keyring of its own."""

    home: Path
    env: dict[str, str]

    def settings(self, user: str, *args: str) -> tuple[int, str, str]:
        result = run_cli("settings", "--home", str(self.home), "--user", user, *args, env=self.env)
        assert "Traceback" not in result.stderr, result.stderr
        return result.returncode, result.stdout, result.stderr

    def login_solo(self, server: RunningServer) -> None:
        argv = [sys.executable, "-m", "tws_companion", "login", "--server", server.url]
        login = Conversation([*argv, "--user", "solo"], self.env)
        login.send("solo-pass-1")
        challenge = login.expect(r"Challenge: (\d{8})").group(1)
        login.expect(r"Response: ")
        login.send(ocra.compute_response(IB_KEY_OCRA_SUITE, SOLO_KEY, challenge, pin="4321"))
        code, errors = login.finish()
        assert code == 0, errors


def machine(folder: Path) -> Machine:
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
        "TEST_KEYRING_FILE": str(folder / "keyring.json"),
    }
    env.pop("TWS_COMPANION_HOME", None)
    return Machine(folder / "home", env)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("server")
    with serve(folder / "data", ["--scenario", str(write_scenario(folder))]) as running:
        yield running


def traders_layout() -> bytes:
    layout = default_layout()
    watchlist = layout.watchlists()[0].state
    assert isinstance(watchlist, Watchlist)
    watchlist.rows.append(WatchlistRow("BABA", exchange="NYSE"))
    layout.workstation.workspaces[0].panels.append(
        Panel(Notes(text="收盘前检查 <all> & close"), title="Plan")
    )
    return xml_format.dumps(layout)


def test_the_same_user_moves_encrypted_settings_to_a_second_machine(
    tmp_path: Path, server: RunningServer
) -> None:
    first, second = machine(tmp_path / "first"), machine(tmp_path / "second")
    plain = tmp_path / "mine.xml"
    plain.write_bytes(traders_layout())
    code, _, err = first.settings("solo", "recover", str(plain))
    assert code == 0, err
    code, shown_first, err = first.settings("solo", "show")
    assert code == 0, err
    assert "BABA" not in shown_first  # a summary, not the rows themselves
    assert "Plan" in shown_first or "notes" in shown_first

    # Without the settings key on this machine, nothing encrypted can be written.
    usb = tmp_path / "usb"
    usb.mkdir()
    code, _, err = first.settings("solo", "--server", server.url, "save-as", str(usb / "m.xml"))
    assert code == 1
    assert "settings key" in err
    assert not (usb / "m.xml").exists()

    first.login_solo(server)
    code, _, err = first.settings(
        "solo", "--server", server.url, "save-as", str(usb / "migrate.xml")
    )
    assert code == 0, err
    sealed = (usb / "migrate.xml").read_bytes()
    assert sealed.startswith(b"<?xml")
    # Encrypted: nothing of the layout in clear (XML markup cannot occur in base64 by chance).
    assert "收盘前检查".encode() not in sealed
    assert b'title="Plan"' not in sealed
    assert stat.S_IMODE((usb / "migrate.xml").stat().st_mode) == 0o600

    # The second machine has no key until the user logs in there too.
    code, _, err = second.settings(
        "Solo", "--server", server.url, "recover", str(usb / "migrate.xml")
    )
    assert code == 1
    assert "settings key" in err
    second.login_solo(server)
    code, _, err = second.settings(
        "Solo", "--server", server.url, "recover", str(usb / "migrate.xml")
    )
    assert code == 0, err
    code, shown_second, err = second.settings("solo", "show")
    assert code == 0, err
    assert shown_second == shown_first


def test_another_user_opens_only_the_decrypted_file(tmp_path: Path, server: RunningServer) -> None:
    owner, other = machine(tmp_path / "owner"), machine(tmp_path / "other")
    plain = tmp_path / "mine.xml"
    plain.write_bytes(traders_layout())
    assert owner.settings("solo", "recover", str(plain))[0] == 0
    owner.login_solo(server)
    encrypted, decrypted = tmp_path / "encrypted.xml", tmp_path / "decrypted.xml"
    assert owner.settings("solo", "--server", server.url, "save-as", str(encrypted))[0] == 0
    code, _, err = owner.settings("solo", "save-as", str(decrypted), "--decrypted")
    assert code == 0, err
    assert b'title="Plan"' in decrypted.read_bytes()

    code, _, err = other.settings("demo", "recover", str(encrypted))
    assert code == 1
    assert "another user (solo)" in err
    assert other.settings("demo", "show")[0] == 1  # nothing was written

    code, _, err = other.settings("demo", "recover", str(decrypted))
    assert code == 0, err
    assert other.settings("demo", "show")[1] == owner.settings("solo", "show")[1]


def test_refusals_are_one_clear_line_and_change_nothing(tmp_path: Path) -> None:
    here = machine(tmp_path / "m")
    code, _, err = here.settings("demo", "show")
    assert code == 1
    assert "no settings are saved for demo" in err

    good = tmp_path / "good.xml"
    good.write_bytes(traders_layout())
    assert here.settings("demo", "recover", str(good))[0] == 0
    before = here.settings("demo", "show")[1]

    not_settings = tmp_path / "notes.xml"
    not_settings.write_text("<shopping><item>milk</item></shopping>")
    truncated = tmp_path / "cut.xml"
    truncated.write_bytes(good.read_bytes()[:200])
    newer = tmp_path / "newer.xml"
    newer.write_bytes(good.read_bytes().replace(b'format="2"', b'format="99"', 1))
    for bad, words in [
        (not_settings, "not a TWS Companion settings file"),
        (truncated, "damaged"),
        (newer, "newer version"),
        (tmp_path / "missing.xml", "missing.xml"),
        (tmp_path, "is a folder"),
    ]:
        code, _, err = here.settings("demo", "recover", str(bad))
        assert code == 1, bad
        assert words in err, err
        assert len(err.strip().splitlines()) == 1, err
    code, _, err = here.settings("demo", "recover", str(good), "--parts", "panels")
    assert code == 1
    assert "--parts takes" in err
    assert here.settings("demo", "show")[1] == before
    assert len(here.settings("demo", "backups")[1].splitlines()) == 1


def test_partial_recover_merges_only_the_watchlists(tmp_path: Path) -> None:
    here = machine(tmp_path / "m")
    mine = default_layout()
    mine.workstation.workspaces[0].name = "Mine"
    path = tmp_path / "mine.xml"
    path.write_bytes(xml_format.dumps(mine))
    assert here.settings("demo", "recover", str(path))[0] == 0
    theirs = tmp_path / "theirs.xml"
    theirs.write_bytes(traders_layout())
    code, out, err = here.settings(
        "demo", "recover", str(theirs), "--parts", "watchlists", "--merge"
    )
    assert code == 0, err
    assert "watchlists" in out
    code, shown, _ = here.settings("demo", "show")
    assert "Mine" in shown
    assert "Watchlist rows: 9" in shown  # the 8 default symbols and BABA
    assert len(here.settings("demo", "backups")[1].splitlines()) == 2
