"""One user's settings on a machine: load, save, Save Settings As, recovery, geometry."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tws_companion.layout.defaults import default_layout
from tws_companion.layout.errors import (
    NotASettingsFile,
    OtherUsersFile,
    SettingsKeyMissing,
    TamperedFile,
)
from tws_companion.layout.geometry import GeometryBook, Rect, Screen, WindowGeometry
from tws_companion.layout.model import Layout, Mode, Notes, Panel
from tws_companion.layout.profile import SettingsProfile
from tws_companion.storage.errors import LocationGone
from tws_companion.storage.secret_store import SecretStore

SERVER = "https://sls.example"
KEY = bytes(range(32))


def a_layout(note: str = "buy the dip") -> Layout:
    layout = default_layout(Mode.CLASSIC)
    layout.workstation.workspaces[0].panels.append(Panel(Notes(text=note), title="Plan"))
    return layout


@pytest.fixture
def key() -> bytes:
    SecretStore().set_settings_key(SERVER, "alice", KEY)
    return KEY


def test_a_first_run_gets_the_default_layout(tmp_path: Path) -> None:
    loaded = SettingsProfile(tmp_path, "alice").load()
    assert loaded.source == "default"
    assert loaded.problem is None
    assert loaded.layout.workstation.mode is Mode.MOSAIC
    assert [p.kind for p in loaded.layout.panels()] == [p.kind for p in default_layout().panels()]


def test_saved_settings_come_back_on_the_next_start(tmp_path: Path) -> None:
    layout = a_layout()
    SettingsProfile(tmp_path, "alice").save(layout)
    loaded = SettingsProfile(tmp_path, "ALICE").load()
    assert loaded.source == "settings"
    assert loaded.layout == layout
    assert len(SettingsProfile(tmp_path, "alice").backups()) == 1


def test_a_damaged_settings_file_falls_back_to_the_last_good_backup(tmp_path: Path) -> None:
    profile = SettingsProfile(tmp_path, "alice")
    good = a_layout("good")
    profile.save(good)
    profile.files.settings_path.write_bytes(b'<tws-companion-settings format="2"><glob')
    loaded = SettingsProfile(tmp_path, "alice").load()
    assert loaded.source == "backup"
    assert loaded.layout == good
    assert loaded.problem
    assert loaded.set_aside is not None
    assert loaded.set_aside.read_bytes().endswith(b"<glob")


def test_save_as_encrypted_opens_for_the_same_user_on_another_machine(
    tmp_path: Path, key: bytes
) -> None:
    layout = a_layout("开盘前 <check> & go")
    target = tmp_path / "usb" / "migrate.xml"
    target.parent.mkdir()
    SettingsProfile(tmp_path / "first", "alice", server=SERVER).save_as(
        target, layout, decrypted=False
    )
    # Nothing of the layout in clear (these bytes cannot occur in base64 ciphertext by chance).
    assert "开盘前".encode() not in target.read_bytes()
    assert b"<check>" not in target.read_bytes()
    assert b"<workstation" not in target.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    second = SettingsProfile(tmp_path / "second", "Alice", server=SERVER)
    assert second.open_file(target) == layout


def test_the_server_of_the_last_login_finds_the_key(tmp_path: Path, key: bytes) -> None:
    SettingsProfile(tmp_path, "alice").remember_server(SERVER)
    later = SettingsProfile(tmp_path, "alice")
    assert later.server == SERVER
    target = tmp_path / "m.xml"
    layout = a_layout()
    later.save_as(target, layout, decrypted=False)
    assert SettingsProfile(tmp_path, "alice").open_file(target) == layout


def test_without_the_key_nothing_encrypted_is_written(tmp_path: Path) -> None:
    target = tmp_path / "m.xml"
    with pytest.raises(SettingsKeyMissing, match="alice"):
        SettingsProfile(tmp_path, "alice", server=SERVER).save_as(
            target, a_layout(), decrypted=False
        )
    assert not target.exists()


def test_another_user_opens_only_the_decrypted_file(tmp_path: Path, key: bytes) -> None:
    alice = SettingsProfile(tmp_path / "a", "alice", server=SERVER)
    bob = SettingsProfile(tmp_path / "b", "bob", server=SERVER)
    SecretStore().set_settings_key(SERVER, "bob", bytes(32))
    encrypted, decrypted = tmp_path / "e.xml", tmp_path / "d.xml"
    layout = a_layout()
    alice.save_as(encrypted, layout, decrypted=False)
    alice.save_as(decrypted, layout, decrypted=True)
    with pytest.raises(OtherUsersFile) as refused:
        bob.open_file(encrypted)
    assert refused.value.owner == "alice"
    assert bob.open_file(decrypted) == layout


def test_a_tampered_byte_is_refused(tmp_path: Path, key: bytes) -> None:
    profile = SettingsProfile(tmp_path, "alice", server=SERVER)
    target = tmp_path / "m.xml"
    profile.save_as(target, a_layout(), decrypted=False)
    data = bytearray(target.read_bytes())
    middle = data.rindex(b"<") - 10  # inside the ciphertext
    data[middle] = ord("A") if data[middle] != ord("A") else ord("B")
    target.write_bytes(bytes(data))
    with pytest.raises(TamperedFile):
        profile.open_file(target)


def test_a_file_that_is_not_settings_is_named(tmp_path: Path) -> None:
    target = tmp_path / "photo.xml"
    target.write_bytes(b"\x89PNG\r\n")
    with pytest.raises(NotASettingsFile):
        SettingsProfile(tmp_path, "alice").open_file(target)


def test_a_vanished_folder_is_reported_and_nothing_is_left(tmp_path: Path) -> None:
    with pytest.raises(LocationGone):
        SettingsProfile(tmp_path, "alice").save_as(
            tmp_path / "pulled-stick" / "m.xml", a_layout(), decrypted=True
        )


def test_geometry_is_kept_per_machine_and_garbage_starts_afresh(tmp_path: Path) -> None:
    profile = SettingsProfile(tmp_path, "alice")
    screen = Screen("DP-1", Rect(0, 0, 1920, 1080), Rect(0, 0, 1920, 1040), primary=True)
    book = GeometryBook()
    book.remember([screen], "main", WindowGeometry(Rect(100, 100, 800, 600), screen="DP-1"))
    profile.save_geometry(book)
    assert stat.S_IMODE(profile.geometry_path.stat().st_mode) == 0o600
    recalled = SettingsProfile(tmp_path, "alice").load_geometry().recall([screen], "main")
    assert recalled == WindowGeometry(Rect(100, 100, 800, 600), screen="DP-1")
    profile.geometry_path.write_bytes(b"{not json")
    assert profile.load_geometry().last_arrangement is None
    assert SettingsProfile(tmp_path, "alice").load_geometry().recall([screen], "main") is None
