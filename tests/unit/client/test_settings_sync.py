"""ServerSettings: two machines (two data roots) of one user against a stand-in that keeps copies
like the server does. Saves travel encrypted, a save based on an older copy is a conflict the
user resolves either way without losing a layout, and a failed call changes nothing local.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.unit.client.settings_stand_in import TOKEN, Recorder, SettingsStandIn
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import NotFound, TransferInterrupted
from tws_companion.client.settings_sync import (
    DownloadOutcome,
    ServerSettings,
    SettingsConflict,
)
from tws_companion.layout import xml_format
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.envelope import seal
from tws_companion.layout.errors import NotASettingsFile, SettingsKeyMissing, TamperedFile
from tws_companion.layout.model import Layout, Notes, Panel
from tws_companion.layout.profile import SettingsProfile
from tws_companion.storage.secret_store import SecretStore

KEY = bytes(range(32))


def layout_with(note: str) -> Layout:
    layout = default_layout()
    layout.workstation.workspaces[0].panels.append(Panel(Notes(text=note), title="Plan"))
    return layout


def xml(layout: Layout | None) -> bytes:
    assert layout is not None
    return xml_format.dumps(layout)


@dataclass
class Machine:
    """One computer of the user: its own data root, the same server."""

    profile: SettingsProfile
    sync: ServerSettings

    def save(self, layout: Layout) -> None:
        self.profile.save(layout)

    def local(self) -> bytes:
        return xml(self.profile.load().layout)

    def backed_up(self) -> list[bytes]:
        return [xml(self.profile.open_backup(backup)) for backup in self.profile.backups()]


@pytest.fixture
def stand_in() -> Iterator[SettingsStandIn]:
    with SettingsStandIn() as server:
        SecretStore().set_settings_key(server.url, "alice", KEY)
        yield server


@pytest.fixture
def api(stand_in: SettingsStandIn) -> Iterator[ApiClient]:
    with ApiClient(stand_in.url, timeout=10) as client:
        yield client


@pytest.fixture
def laptop(api: ApiClient, tmp_path: Path) -> Machine:
    profile = SettingsProfile(tmp_path / "laptop", "alice", server=api.base_url)
    return Machine(profile, ServerSettings(api, TOKEN, profile, machine="laptop"))


@pytest.fixture
def desktop(api: ApiClient, tmp_path: Path) -> Machine:
    profile = SettingsProfile(tmp_path / "desktop", "alice", server=api.base_url)
    return Machine(profile, ServerSettings(api, TOKEN, profile, machine="desktop"))


def test_settings_saved_on_one_machine_arrive_on_another(
    stand_in: SettingsStandIn, laptop: Machine, desktop: Machine
) -> None:
    mine = layout_with("buy the dip")
    laptop.save(mine)
    saved = laptop.sync.upload(mine)
    assert (saved.number, saved.machine) == (1, "laptop")
    stored = stand_in.copies["alice"][-1].data
    assert b"buy the dip" not in stored  # the server only ever holds the envelope
    assert b'title="Plan"' not in stored

    progress = Recorder()
    done = desktop.sync.download(progress=progress)
    assert done.outcome is DownloadOutcome.TAKEN
    assert done.version == saved
    assert xml(done.layout) == xml(mine)
    assert desktop.local() == xml(mine)
    progress.assert_whole_transfer(len(stored))

    again = desktop.sync.download()
    assert (again.outcome, again.layout, again.version) == (DownloadOutcome.UP_TO_DATE, None, saved)
    last = stand_in.hits_to("GET", "/api/v1/me/settings")[-1]
    assert last.headers["If-None-Match"] == saved.etag  # answered 304: nothing downloaded again
    assert desktop.sync.based_on() == saved


def test_nothing_on_the_server_changes_nothing(desktop: Machine) -> None:
    done = desktop.sync.download()
    assert (done.outcome, done.layout, done.version) == (
        DownloadOutcome.NOTHING_ON_SERVER,
        None,
        None,
    )
    assert not desktop.profile.files.settings_path.exists()


def test_concurrent_saves_one_wins_the_other_is_asked_and_nothing_is_lost(
    stand_in: SettingsStandIn, laptop: Machine, desktop: Machine
) -> None:
    first = layout_with("first")
    laptop.save(first)
    laptop.sync.upload(first)
    assert desktop.sync.download().outcome is DownloadOutcome.TAKEN

    on_laptop, on_desktop = layout_with("laptop's change"), layout_with("desktop's change")
    laptop.save(on_laptop)
    desktop.save(on_desktop)
    won = laptop.sync.upload(on_laptop)
    with pytest.raises(SettingsConflict) as caught:
        desktop.sync.upload(on_desktop)
    conflict = caught.value
    assert xml(conflict.local) == xml(on_desktop)
    assert xml(conflict.server.layout) == xml(on_laptop)
    assert conflict.server.version == won
    when = won.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert str(conflict).startswith(
        f"Another computer (laptop) saved settings to the server at {when}"
    )
    assert TOKEN not in str(conflict)
    assert len(stand_in.copies["alice"]) == 2  # the refused save changed nothing

    kept = desktop.sync.keep_local(conflict)
    assert (kept.number, kept.machine) == (3, "desktop")
    # The laptop did not change its settings since its save: it simply takes the newer copy,
    # and its own layout stays in its backups and in the server's versions.
    done = laptop.sync.download()
    assert done.outcome is DownloadOutcome.TAKEN
    assert laptop.local() == xml(on_desktop)
    assert xml(on_laptop) in laptop.backed_up()
    assert [v.number for v in laptop.sync.versions()] == [3, 2, 1]
    assert xml(laptop.sync.fetch_version(2).layout) == xml(on_laptop)


def test_taking_the_server_copy_keeps_the_local_settings_as_a_backup(
    stand_in: SettingsStandIn, laptop: Machine, desktop: Machine
) -> None:
    first = layout_with("first")
    laptop.save(first)
    laptop.sync.upload(first)
    desktop.sync.download()
    on_laptop, on_desktop = layout_with("laptop's change"), layout_with("desktop's change")
    laptop.sync.upload(on_laptop)
    desktop.save(on_desktop)
    before = desktop.profile.files.settings_path.read_bytes()
    profile_before = desktop.profile.files.profile_path.read_bytes()

    with pytest.raises(SettingsConflict) as caught:
        desktop.sync.download()
    assert desktop.profile.files.settings_path.read_bytes() == before  # nothing changed yet
    assert desktop.profile.files.profile_path.read_bytes() == profile_before

    taken = desktop.sync.take_server(caught.value.server)
    assert xml(taken) == xml(on_laptop)
    assert desktop.local() == xml(on_laptop)
    assert xml(on_desktop) in desktop.backed_up()
    # Now based on the laptop's copy: the next save goes through.
    assert desktop.sync.upload(layout_with("after")).number == 3


def test_a_machine_with_settings_of_its_own_is_asked_before_they_are_replaced(
    laptop: Machine, desktop: Machine
) -> None:
    laptop.sync.upload(layout_with("laptop"))
    own = layout_with("desktop, never synchronised")
    desktop.save(own)
    with pytest.raises(SettingsConflict):
        desktop.sync.download()
    assert desktop.local() == xml(own)


def test_the_same_settings_on_both_sides_are_no_conflict(
    stand_in: SettingsStandIn, laptop: Machine, desktop: Machine
) -> None:
    same = layout_with("same")
    first = laptop.sync.upload(same)
    desktop.save(same)
    # Uploading what the server holds already (its answer was lost, or both saved alike).
    assert desktop.sync.upload(same) == first
    assert len(stand_in.copies["alice"]) == 1
    assert desktop.sync.download().outcome is DownloadOutcome.UP_TO_DATE


def test_a_server_that_lost_the_copies_gets_a_first_save_again(
    stand_in: SettingsStandIn, laptop: Machine
) -> None:
    laptop.sync.upload(layout_with("one"))
    stand_in.copies.clear()
    again = laptop.sync.upload(layout_with("two"))
    assert again.number == 1
    stand_in.copies.clear()
    assert laptop.sync.download().outcome is DownloadOutcome.NOTHING_ON_SERVER
    assert laptop.sync.based_on() is None


def test_restoring_a_version_makes_it_current_on_the_server_and_here(
    laptop: Machine, desktop: Machine
) -> None:
    layouts = [layout_with(f"version {n}") for n in (1, 2, 3)]
    for layout in layouts:
        laptop.save(layout)
        laptop.sync.upload(layout)
    restored = laptop.sync.restore_version(1)
    assert (restored.version.number, restored.version.machine) == (4, "laptop")
    assert xml(restored.layout) == xml(layouts[0])
    assert laptop.local() == xml(layouts[0])
    assert xml(layouts[2]) in laptop.backed_up()
    assert desktop.sync.download().version == restored.version
    assert desktop.local() == xml(layouts[0])
    with pytest.raises(NotFound):
        laptop.sync.fetch_version(9)


def test_a_download_cut_short_changes_nothing_and_a_retry_works(
    stand_in: SettingsStandIn, laptop: Machine, desktop: Machine
) -> None:
    laptop.sync.upload(layout_with("one"))
    desktop.sync.download()
    two = layout_with("two " * 20_000)
    laptop.sync.upload(two)
    before = desktop.profile.files.settings_path.read_bytes()
    stand_in.cut_after = 1000
    with pytest.raises(TransferInterrupted):
        desktop.sync.download()
    assert desktop.profile.files.settings_path.read_bytes() == before
    base = desktop.sync.based_on()
    assert base is not None
    assert base.number == 1
    stand_in.cut_after = None
    assert desktop.sync.download().outcome is DownloadOutcome.TAKEN
    assert desktop.local() == xml(two)


def test_a_copy_the_key_does_not_open_is_refused_and_changes_nothing(
    stand_in: SettingsStandIn, desktop: Machine
) -> None:
    desktop.save(layout_with("mine"))
    before = desktop.profile.files.settings_path.read_bytes()
    sealed = seal(xml(layout_with("theirs")), username="alice", key=b"k" * 32)
    stand_in.put_directly("alice", sealed)
    with pytest.raises(TamperedFile):
        desktop.sync.download()
    stand_in.put_directly("alice", xml(layout_with("plain, not sealed")))
    with pytest.raises(NotASettingsFile):
        desktop.sync.download()
    assert desktop.profile.files.settings_path.read_bytes() == before
    assert desktop.sync.based_on() is None


def test_without_the_settings_key_nothing_is_sent(
    stand_in: SettingsStandIn, laptop: Machine
) -> None:
    SecretStore().delete_settings_key(stand_in.url, "alice")
    with pytest.raises(SettingsKeyMissing):
        laptop.sync.upload(layout_with("mine"))
    assert stand_in.hits == []


def test_machine_names_fit_the_server_and_the_token_stays_hidden(
    api: ApiClient, laptop: Machine
) -> None:
    long = ServerSettings(api, TOKEN, laptop.profile, machine="\x07" + "m" * 100)
    assert long.machine == "m" * 64
    default = ServerSettings(api, TOKEN, laptop.profile)
    assert default.machine == socket.gethostname()[:64].strip()
    assert TOKEN not in repr(default)
    assert ServerSettings(api, TOKEN, laptop.profile, machine=" \n").machine is None
