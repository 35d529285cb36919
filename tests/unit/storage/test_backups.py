"""Local backups: one per save, newest first, the last 20 and none older than 30 days."""

from __future__ import annotations

import stat
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tws_companion.storage.backups import MAX_BACKUP_AGE, MAX_BACKUPS, BackupSet
from tws_companion.storage.errors import StorageError

T0 = datetime(2026, 11, 30, 1, 2, 3, 123456, tzinfo=UTC)


@pytest.fixture
def backups(tmp_path: Path) -> BackupSet:
    return BackupSet(tmp_path / "user" / "backups")


def _names(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def test_the_limits_are_the_documented_ones() -> None:
    assert MAX_BACKUPS == 20
    assert MAX_BACKUP_AGE.days == 30
    assert MAX_BACKUP_AGE.seconds == 0


def test_add_writes_a_file_named_by_its_utc_time(backups: BackupSet) -> None:
    backup = backups.add(b"<layout n='1'/>", T0)
    assert backup.path == backups.folder / "settings-20261130T010203.123456Z.xml"
    assert backup.saved_at == T0
    assert backup.size == len(b"<layout n='1'/>")
    assert backups.read(backup) == b"<layout n='1'/>"
    assert _names(backups.folder) == ["settings-20261130T010203.123456Z.xml"]


def test_the_name_is_in_utc_whatever_the_time_zone_of_now(backups: BackupSet) -> None:
    paris = T0.astimezone(timezone(timedelta(hours=1)))
    backup = backups.add(b"x", paris)
    assert backup.path.name == "settings-20261130T010203.123456Z.xml"
    assert backup.saved_at == T0
    assert backup.saved_at.tzinfo == UTC


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_backups_are_private(backups: BackupSet) -> None:
    backup = backups.add(b"x", T0)
    assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backups.folder.stat().st_mode) == 0o700


def test_a_naive_time_is_refused(backups: BackupSet) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        backups.add(b"x", datetime(2026, 1, 1))


def test_list_is_newest_first_and_reads_back_each(backups: BackupSet) -> None:
    for index in range(3):
        backups.add(f"version {index}".encode(), T0 + timedelta(minutes=index))
    listed = backups.list()
    assert [backups.read(backup) for backup in listed] == [b"version 2", b"version 1", b"version 0"]
    assert [backup.saved_at for backup in listed] == [
        T0 + timedelta(minutes=2),
        T0 + timedelta(minutes=1),
        T0,
    ]
    assert backups.newest() == listed[0]


def test_list_of_a_missing_folder_is_empty(backups: BackupSet) -> None:
    assert backups.list() == []
    assert backups.newest() is None


def test_list_ignores_temporary_and_foreign_files(backups: BackupSet) -> None:
    real = backups.add(b"real", T0)
    folder = backups.folder
    (folder / ".settings-20261130T010203.123456Z.xml.k3j4h5.tmp").write_bytes(b"half")
    (folder / "notes.txt").write_text("the user's own file")
    (folder / "settings-yesterday.xml").write_bytes(b"?")
    (folder / "settings-20261130T010203Z.xml").write_bytes(b"no microseconds")
    (folder / "settings-20261201T000000.000000Z.xml").mkdir()
    (folder / "settings-20261301T000000.000000Z.xml").write_bytes(b"month 13")
    (folder / "settings-20260230T250000.000000Z.xml").write_bytes(b"30 February, 25 o'clock")
    assert backups.list() == [real]
    # and pruning never touches them
    backups.prune(T0 + timedelta(days=365))
    assert (folder / "notes.txt").exists()
    assert (folder / ".settings-20261130T010203.123456Z.xml.k3j4h5.tmp").exists()


def test_a_clock_gone_back_still_makes_the_new_backup_the_newest(backups: BackupSet) -> None:
    backups.add(b"before the clock change", T0)
    later = backups.add(b"after the clock went back an hour", T0 - timedelta(hours=1))
    assert later.saved_at == T0 + timedelta(microseconds=1)
    assert backups.newest() == later
    assert backups.read(backups.list()[0]) == b"after the clock went back an hour"


def test_two_backups_in_one_microsecond_both_survive(backups: BackupSet) -> None:
    first = backups.add(b"one", T0)
    second = backups.add(b"two", T0)
    assert first.path != second.path
    assert [backups.read(backup) for backup in backups.list()] == [b"two", b"one"]


def test_prune_keeps_the_last_twenty(backups: BackupSet) -> None:
    for index in range(25):
        backups.add(f"save {index}".encode(), T0 + timedelta(seconds=index))
    now = T0 + timedelta(seconds=30)
    deleted = backups.prune(now)
    assert len(deleted) == 5
    kept = backups.list()
    assert len(kept) == MAX_BACKUPS
    assert [backups.read(backup) for backup in kept] == [
        f"save {index}".encode() for index in range(24, 4, -1)
    ]
    assert sorted(backup.path.name for backup in deleted) == sorted(
        f"settings-20261130T0102{3 + index:02d}.123456Z.xml" for index in range(5)
    )
    assert backups.prune(now) == []


def test_prune_drops_backups_older_than_thirty_days(backups: BackupSet) -> None:
    now = T0
    ages = [timedelta(days=45), timedelta(days=30, seconds=1), timedelta(days=30), timedelta(0)]
    for age in ages:
        backups.add(f"{age}".encode(), now - age)
    deleted = backups.prune(now)
    assert [backup.saved_at for backup in deleted] == [now - ages[1], now - ages[0]]
    assert [backup.saved_at for backup in backups.list()] == [now, now - timedelta(days=30)]


def test_the_newest_backup_is_never_pruned(backups: BackupSet) -> None:
    backups.add(b"older still", T0 - timedelta(days=95))
    only_good = backups.add(b"the last save, long ago", T0 - timedelta(days=90))
    deleted = backups.prune(T0)
    assert [backup.saved_at for backup in deleted] == [T0 - timedelta(days=95)]
    assert backups.list() == [only_good]
    assert backups.prune(T0 + timedelta(days=1000)) == []
    assert backups.read(only_good) == b"the last save, long ago"


def test_reading_a_vanished_backup_is_a_storage_error(backups: BackupSet) -> None:
    backup = backups.add(b"x", T0)
    backup.path.unlink()
    with pytest.raises(StorageError):
        backups.read(backup)


def test_a_backup_that_cannot_be_written_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("in the way")
    with pytest.raises(StorageError):
        BackupSet(blocker / "backups").add(b"x", T0)
