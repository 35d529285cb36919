"""One user's settings on disk: verified saves with backups, and a start-up that survives damage."""

from __future__ import annotations

import errno
import json
import stat
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tws_companion.storage import settings_files
from tws_companion.storage.backups import MAX_BACKUPS
from tws_companion.storage.errors import DriveFull, StorageError, VerifyFailed
from tws_companion.storage.settings_files import Loaded, UserSettingsFiles

T0 = datetime(2026, 3, 1, 9, 30, 0, tzinfo=UTC)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


class DamagedError(Exception):
    """What the test's parser raises for a file it cannot read."""


def parse(data: bytes) -> str:
    """A stand-in for the layout parser: ``<layout>NAME</layout>`` gives ``NAME``."""
    text = data.decode("utf-8", "replace")
    if not (text.startswith("<layout>") and text.endswith("</layout>")):
        raise DamagedError(f"not a layout ({len(data)} bytes)")
    return text.removeprefix("<layout>").removesuffix("</layout>")


def layout(name: str) -> bytes:
    return f"<layout>{name}</layout>".encode()


@pytest.fixture
def files(tmp_path: Path) -> UserSettingsFiles:
    return UserSettingsFiles(tmp_path / "root", "Alice")


def load(files: UserSettingsFiles) -> Loaded[str]:
    return files.load(parse, errors=(DamagedError,), now=T0 + timedelta(days=1))


# --- where things are ---------------------------------------------------------------------------


def test_paths_of_one_user(tmp_path: Path) -> None:
    files = UserSettingsFiles(tmp_path, "Alice")
    folder = tmp_path / "users" / "alice"
    assert files.folder == folder
    assert files.settings_path == folder / "settings.xml"
    assert files.profile_path == folder / "profile.json"
    assert files.lock_path == folder / ".lock"
    assert files.backups.folder == folder / "backups"
    assert not folder.exists()  # nothing is created before the first save


def test_user_names_differing_in_case_share_files(tmp_path: Path) -> None:
    UserSettingsFiles(tmp_path, "ALICE").save(layout("shared"), T0)
    assert load(UserSettingsFiles(tmp_path, "alice")).value == "shared"
    assert load(UserSettingsFiles(tmp_path, "bob")).source == "none"


def test_a_traversal_name_is_refused_or_kept_inside(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        UserSettingsFiles(tmp_path, "..")
    files = UserSettingsFiles(tmp_path / "root", "../../outside")
    files.save(layout("x"), T0)
    assert files.settings_path.is_relative_to(tmp_path / "root" / "users")
    assert not (tmp_path / "outside").exists()


# --- save ---------------------------------------------------------------------------------------


def test_first_run_has_nothing_and_says_no_problem(files: UserSettingsFiles) -> None:
    loaded = load(files)
    assert loaded == Loaded(value=None, source="none")
    assert loaded.problem is None


def test_save_then_load(files: UserSettingsFiles) -> None:
    files.save(layout("mosaic"), T0)
    loaded = load(files)
    assert loaded.value == "mosaic"
    assert loaded.source == "settings"
    assert loaded.problem is None
    assert files.settings_path.read_bytes() == layout("mosaic")


@posix_only
def test_files_and_folders_are_private(files: UserSettingsFiles) -> None:
    files.save(layout("x"), T0)
    files.write_profile({"server": "https://example.test"})
    for path in (files.settings_path, files.profile_path, *files.backups.folder.iterdir()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (files.folder, files.backups.folder):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_every_save_keeps_a_backup(files: UserSettingsFiles) -> None:
    for index in range(3):
        files.save(layout(f"v{index}"), T0 + timedelta(minutes=index))
    backups = files.backups.list()
    assert [files.backups.read(backup) for backup in backups] == [
        layout("v2"),
        layout("v1"),
        layout("v0"),
    ]
    assert backups[0].saved_at == T0 + timedelta(minutes=2)


def test_saving_unchanged_settings_does_not_push_out_older_backups(
    files: UserSettingsFiles,
) -> None:
    files.save(layout("before"), T0)
    for minute in range(1, 30):  # an auto-save every minute, nothing changed
        files.save(layout("same"), T0 + timedelta(minutes=minute))
    assert [files.backups.read(backup) for backup in files.backups.list()] == [
        layout("same"),
        layout("before"),
    ]


def test_saving_the_bytes_the_file_holds_writes_nothing(files: UserSettingsFiles) -> None:
    files.save(layout("same"), T0)
    before = files.settings_path.stat()
    files.save(layout("same"), T0 + timedelta(minutes=1))
    after = files.settings_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert load(files) == Loaded(value="same", source="settings")
    files.save(layout("other"), T0 + timedelta(minutes=2))
    assert files.settings_path.stat().st_ino != before.st_ino  # replaced, as every write is
    assert load(files) == Loaded(value="other", source="settings")


def test_a_file_changed_in_place_to_other_bytes_of_the_same_size_is_written_again(
    files: UserSettingsFiles,
) -> None:
    files.save(layout("aaaa"), T0)
    files.settings_path.write_bytes(layout("bbbb"))  # in place: same size, other bytes
    files.save(layout("aaaa"), T0 + timedelta(minutes=1))
    assert load(files) == Loaded(value="aaaa", source="settings")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_same_bytes_in_a_file_others_can_read_are_written_again_private(
    files: UserSettingsFiles,
) -> None:
    files.save(layout("same"), T0)
    files.settings_path.chmod(0o644)  # as an earlier release, or a copy by hand, left it
    files.save(layout("same"), T0 + timedelta(minutes=1))
    assert stat.S_IMODE(files.settings_path.stat().st_mode) == 0o600


def test_saves_prune_backups_by_count_and_age(files: UserSettingsFiles) -> None:
    files.save(layout("ancient"), T0 - timedelta(days=40))
    files.save(layout("recent"), T0 - timedelta(days=1))
    assert [files.backups.read(backup) for backup in files.backups.list()] == [layout("recent")]
    for index in range(MAX_BACKUPS + 5):
        files.save(layout(f"v{index}"), T0 + timedelta(seconds=index))
    backups = files.backups.list()
    assert len(backups) == MAX_BACKUPS
    assert files.backups.read(backups[-1]) == layout("v5")
    assert all(backup.saved_at >= T0 for backup in backups)


def test_save_uses_the_current_time_by_default(files: UserSettingsFiles) -> None:
    before = datetime.now(UTC)
    files.save(layout("now"))
    newest = files.backups.newest()
    assert newest is not None
    assert before <= newest.saved_at <= datetime.now(UTC)


def test_a_full_drive_keeps_the_previous_settings(
    files: UserSettingsFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    files.save(layout("good"), T0)

    def full(path: Path, data: bytes, *, mode: int = 0o600) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(settings_files, "atomic_write_bytes", full)
    with pytest.raises(DriveFull) as caught:
        files.save(layout("lost"), T0 + timedelta(minutes=1))
    assert "There is not enough space on" in str(caught.value)
    assert "The previous settings.xml is unchanged." in str(caught.value)
    monkeypatch.undo()
    assert load(files).value == "good"
    assert len(files.backups.list()) == 1


def test_a_read_back_that_differs_is_refused(
    files: UserSettingsFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    files.save(layout("good"), T0)
    monkeypatch.setattr(settings_files, "read_back_matches", lambda path, data, **options: False)
    with pytest.raises(VerifyFailed, match="reading it back gave different content"):
        files.save(layout("unverified"), T0 + timedelta(minutes=1))
    # no backup is kept of a save that could not be verified; the last good one is still there
    assert [files.backups.read(backup) for backup in files.backups.list()] == [layout("good")]


def test_a_user_folder_that_cannot_be_created_is_a_storage_error(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.write_text("a file where the data root should be")
    with pytest.raises(StorageError):
        UserSettingsFiles(root, "alice").save(layout("x"), T0)


# --- load after damage --------------------------------------------------------------------------


def test_corrupt_settings_fall_back_to_the_newest_good_backup(files: UserSettingsFiles) -> None:
    files.save(layout("older"), T0)
    files.save(layout("last good"), T0 + timedelta(hours=1))
    cut_short = layout("last good")[:9]  # a crash or a full disk in the middle of a write
    files.settings_path.write_bytes(cut_short)

    loaded = load(files)

    assert loaded.value == "last good"
    assert loaded.source == "backup"
    assert loaded.backup is not None
    assert loaded.backup.saved_at == T0 + timedelta(hours=1)
    assert loaded.set_aside == files.folder / "settings.xml.corrupt-20260302T093000.000000Z"
    assert loaded.set_aside.read_bytes() == cut_short  # set aside, never deleted
    assert loaded.problem is not None
    assert "damaged" in loaded.problem
    assert "settings.xml.corrupt-20260302T093000.000000Z" in loaded.problem
    assert "2026-03-01 10:30:00 UTC" in loaded.problem
    assert files.set_aside_files() == [loaded.set_aside]
    # the settings file is whole again: the next start is a clean one
    assert load(files) == Loaded(value="last good", source="settings")


def test_a_damaged_newest_backup_falls_back_to_an_older_one(files: UserSettingsFiles) -> None:
    files.save(layout("older"), T0)
    files.save(layout("newer"), T0 + timedelta(hours=1))
    newest = files.backups.newest()
    assert newest is not None
    newest.path.write_bytes(b"garbage")
    files.settings_path.write_bytes(b"garbage too")

    loaded = load(files)

    assert loaded.value == "older"
    assert loaded.source == "backup"
    assert loaded.problem is not None
    assert "1 newer backups could not be read" in loaded.problem


def test_damage_everywhere_says_so_and_uses_defaults(files: UserSettingsFiles) -> None:
    files.save(layout("only"), T0)
    files.settings_path.write_bytes(b"")
    for backup in files.backups.list():
        backup.path.write_bytes(b"")

    loaded = load(files)

    assert loaded.value is None
    assert loaded.source == "none"
    assert loaded.set_aside is not None
    assert loaded.set_aside.exists()
    assert loaded.problem is not None
    assert "default settings are used" in loaded.problem


def test_settings_missing_but_backups_present_use_the_backup(files: UserSettingsFiles) -> None:
    files.save(layout("kept"), T0)
    files.settings_path.unlink()
    loaded = load(files)
    assert loaded.value == "kept"
    assert loaded.source == "backup"
    assert loaded.set_aside is None
    assert loaded.problem is not None
    assert "missing" in loaded.problem


def test_two_damaged_files_set_aside_in_the_same_microsecond_are_both_kept(
    files: UserSettingsFiles,
) -> None:
    files.save(layout("good"), T0)
    files.settings_path.write_bytes(b"first damage")
    first = load(files).set_aside
    files.settings_path.write_bytes(b"second damage")
    second = load(files).set_aside
    assert first is not None
    assert second is not None
    assert first != second
    assert first.read_bytes() == b"first damage"
    assert second.read_bytes() == b"second damage"


def test_an_error_the_caller_did_not_name_is_a_bug_not_damage(files: UserSettingsFiles) -> None:
    files.save(layout("fine"), T0)

    def buggy(data: bytes) -> str:
        raise KeyError("a bug in the parser")

    with pytest.raises(KeyError):
        files.load(buggy, errors=(DamagedError,))
    assert files.settings_path.read_bytes() == layout("fine")
    assert files.set_aside_files() == []


# --- leftovers ----------------------------------------------------------------------------------


def test_discard_temp_files_removes_only_leftovers_of_cut_short_writes(
    files: UserSettingsFiles,
) -> None:
    files.save(layout("x"), T0)
    leftovers = [
        files.folder / ".settings.xml.abc123.tmp",
        files.backups.folder / ".settings-20260301T093000.000000Z.xml.def456.tmp",
    ]
    for path in leftovers:
        path.write_bytes(b"half a write")
    user_file = files.folder / "notes.tmp"
    user_file.write_text("not ours to delete")

    assert sorted(files.discard_temp_files()) == sorted(leftovers)
    assert not any(path.exists() for path in leftovers)
    assert user_file.exists()
    assert load(files).value == "x"


# --- profile ------------------------------------------------------------------------------------


def test_profile_round_trip(files: UserSettingsFiles) -> None:
    assert files.read_profile() == {}
    files.write_profile({"server": "https://sls.example.test", "language": "zh_CN"})
    assert files.read_profile() == {"server": "https://sls.example.test", "language": "zh_CN"}
    assert json.loads(files.profile_path.read_text("utf-8"))["language"] == "zh_CN"


def test_facts_noted_at_once_from_two_threads_are_all_kept(files: UserSettingsFiles) -> None:
    """The GUI thread and the worker both note facts in the profile; none overwrites another."""
    start = threading.Barrier(8)

    def note(number: int) -> None:
        start.wait(10)
        for round_ in range(5):

            def add(profile: dict[str, object], key: str = f"fact-{number}-{round_}") -> bool:
                profile[key] = True
                return True

            files.update_profile(add)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(note, range(8)))
    assert sorted(files.read_profile()) == sorted(
        f"fact-{number}-{round_}" for number in range(8) for round_ in range(5)
    )


def test_an_update_that_changes_nothing_writes_nothing(files: UserSettingsFiles) -> None:
    files.update_profile(lambda profile: False)
    assert not files.profile_path.exists()


@pytest.mark.parametrize(
    "content", [b"{not json", b"[1, 2]", b"\xff\xfe", b'{"a": "' + b"x" * 70_000 + b'"}']
)
def test_an_unreadable_profile_is_an_empty_one(files: UserSettingsFiles, content: bytes) -> None:
    files.write_profile({"server": "https://old"})
    files.profile_path.write_bytes(content)
    assert files.read_profile() == {}


def test_a_profile_json_cannot_hold_is_refused(files: UserSettingsFiles) -> None:
    with pytest.raises(TypeError):
        files.write_profile({"when": datetime.now(UTC)})
    assert not files.profile_path.exists()
