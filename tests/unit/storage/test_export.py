"""Files the user chose: verified writes that keep the old file on failure, bounded reads, and
the errors a user reads when a drive is full, read-only or gone."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from tws_companion.storage import export
from tws_companion.storage.errors import (
    AccessDenied,
    DriveFull,
    FileInUse,
    FileMissing,
    FileTooLarge,
    LocationGone,
    NotARegularFile,
    ReadOnlyLocation,
    StorageError,
    StorageFailed,
    VerifyFailed,
    from_os_error,
)
from tws_companion.storage.export import read_back_matches, read_user_file, write_user_file

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file system")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder


def _names(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


# --- write --------------------------------------------------------------------------------------


def test_writes_a_new_file(work: Path) -> None:
    target = work / "layout.xml"
    write_user_file(target, b"<layout/>")
    assert target.read_bytes() == b"<layout/>"
    assert _names(work) == ["layout.xml"]


def test_replaces_an_existing_file(work: Path) -> None:
    target = work / "layout.xml"
    target.write_bytes(b"an older and longer layout file")
    write_user_file(target, b"new")
    assert target.read_bytes() == b"new"
    assert _names(work) == ["layout.xml"]


@posix_only
def test_permissions_new_file_readable_existing_file_kept(work: Path) -> None:
    fresh = work / "fresh.xml"
    write_user_file(fresh, b"x")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    existing = work / "existing.xml"
    existing.write_bytes(b"old")
    existing.chmod(0o640)
    write_user_file(existing, b"new")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    chosen = work / "chosen.xml"
    write_user_file(chosen, b"x", mode=0o600)
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o600


@posix_only
def test_a_symbolic_link_is_followed(work: Path) -> None:
    real = work / "real.xml"
    real.write_bytes(b"old")
    link = work / "link.xml"
    link.symlink_to(real)
    write_user_file(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_a_missing_folder_is_a_vanished_drive(tmp_path: Path) -> None:
    target = tmp_path / "unplugged" / "layout.xml"
    with pytest.raises(LocationGone) as caught:
        write_user_file(target, b"x")
    message = str(caught.value)
    assert f"The folder {target.parent} is no longer available." in message
    assert "Was the drive removed?" in message


def test_folder_removed_between_open_and_write(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder disappears after the temporary file is opened, before the data is in place."""
    target = work / "layout.xml"
    target.write_bytes(b"old")
    real_mkstemp = tempfile.mkstemp

    def open_then_remove_folder(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        shutil.rmtree(work)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", open_then_remove_folder)
    with pytest.raises(LocationGone, match="Was the drive removed"):
        write_user_file(target, b"new")
    assert not work.exists()


def test_a_folder_as_target_is_refused(work: Path) -> None:
    (work / "layout.xml").mkdir()
    with pytest.raises(NotARegularFile, match="is a folder") as caught:
        write_user_file(work / "layout.xml", b"x")
    assert caught.value.folder
    assert (work / "layout.xml").is_dir()


@posix_only
def test_a_pipe_as_target_is_refused(work: Path) -> None:
    pipe = work / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(NotARegularFile, match="not a regular file"):
        write_user_file(pipe, b"x")


def test_a_read_back_that_differs_keeps_the_previous_file(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = work / "layout.xml"
    target.write_bytes(b"previous")
    monkeypatch.setattr(export, "read_back_matches", lambda path, data: False)
    with pytest.raises(VerifyFailed) as caught:
        write_user_file(target, b"new")
    assert "The previous layout.xml is unchanged." in str(caught.value)
    assert target.read_bytes() == b"previous"
    assert _names(work) == ["layout.xml"]


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary_file(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = work / "layout.xml"
    target.write_bytes(b"previous")
    real_fsync = os.fsync

    def fsync_on_a_full_drive(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_on_a_full_drive)
    with pytest.raises(DriveFull) as caught:
        write_user_file(target, b"new content")
    monkeypatch.undo()
    assert "There is not enough space on" in str(caught.value)
    assert "The previous layout.xml is unchanged." in str(caught.value)
    assert target.read_bytes() == b"previous"
    assert _names(work) == ["layout.xml"]


# --- read back ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_disk", "expected", "matches"),
    [
        (b"same", b"same", True),
        (b"", b"", True),
        (b"samE", b"same", False),
        (b"same and more", b"same", False),
        (b"sam", b"same", False),
        (bytes(3 << 20), bytes(3 << 20), True),
        (bytes(3 << 20), bytes(3 << 20)[:-1] + b"\x01", False),
    ],
)
@pytest.mark.parametrize("from_drive", [True, False])
def test_read_back_matches(
    work: Path, on_disk: bytes, expected: bytes, matches: bool, from_drive: bool
) -> None:
    path = work / "file"
    path.write_bytes(on_disk)
    assert read_back_matches(path, expected, from_drive=from_drive) is matches


# --- read ---------------------------------------------------------------------------------------


def test_reads_a_file(work: Path) -> None:
    (work / "layout.xml").write_bytes(b"<layout/>")
    assert read_user_file(work / "layout.xml", limit=9) == b"<layout/>"


def test_a_file_over_the_limit_is_refused(work: Path) -> None:
    (work / "big.xml").write_bytes(b"x" * 101)
    with pytest.raises(FileTooLarge, match="101 bytes; the limit is 100 bytes") as caught:
        read_user_file(work / "big.xml", limit=100)
    assert (caught.value.size, caught.value.limit) == (101, 100)
    with pytest.raises(ValueError):
        read_user_file(work / "big.xml", limit=-1)


def test_a_missing_file_and_a_missing_folder_are_told_apart(work: Path) -> None:
    with pytest.raises(FileMissing, match="does not exist"):
        read_user_file(work / "gone.xml", limit=100)
    with pytest.raises(LocationGone, match="Was the drive removed"):
        read_user_file(work / "unplugged" / "layout.xml", limit=100)


def test_reading_a_folder_is_refused(work: Path) -> None:
    with pytest.raises(NotARegularFile, match="is a folder"):
        read_user_file(work, limit=100)


@posix_only
def test_reading_a_pipe_is_refused_without_hanging(work: Path) -> None:
    pipe = work / "pipe"
    os.mkfifo(pipe)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            read_user_file(pipe, limit=100)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a pipe blocked"
    assert len(outcome) == 1
    assert isinstance(outcome[0], NotARegularFile)


# --- how OS errors read -------------------------------------------------------------------------

TARGET = Path("/media/alice/STICK/layout.xml")


@pytest.mark.parametrize(
    ("code", "writing", "expected"),
    [
        (errno.ENOSPC, True, DriveFull),
        (errno.EDQUOT, True, DriveFull),
        (errno.EROFS, True, ReadOnlyLocation),
        (errno.EACCES, True, ReadOnlyLocation),
        (errno.EPERM, True, ReadOnlyLocation),
        (errno.EACCES, False, AccessDenied),
        (errno.ENODEV, True, LocationGone),
        (errno.EIO, True, LocationGone),
        (errno.EIO, False, LocationGone),
        (errno.ESTALE, True, LocationGone),
        (errno.ENOTCONN, False, LocationGone),
        (errno.ENOENT, True, LocationGone),
        (errno.EISDIR, True, NotARegularFile),
        (errno.EINVAL, True, StorageFailed),
    ],
)
def test_os_errors_map_to_what_happened(
    code: int, writing: bool, expected: type[StorageError]
) -> None:
    error = from_os_error(OSError(code, os.strerror(code)), TARGET, writing=writing)
    assert type(error) is expected
    assert error.path == TARGET


def test_messages_say_what_happened_and_what_to_do() -> None:
    full = from_os_error(OSError(errno.ENOSPC, "full"), TARGET, writing=True, previous_kept=True)
    assert str(full).startswith("There is not enough space on ")
    assert "Free some space or choose another drive." in str(full)
    assert str(full).endswith("The previous layout.xml is unchanged.")
    read_only = from_os_error(OSError(errno.EROFS, "ro"), TARGET, writing=True)
    assert str(read_only) == (
        "/media/alice/STICK cannot be written: the drive is read-only (or write-protected) or you "
        "do not have permission to write there. Choose another folder."
    )
    gone = from_os_error(OSError(errno.EIO, "io"), TARGET, writing=True)
    assert str(gone) == (
        "The folder /media/alice/STICK is no longer available. Was the drive removed? Reconnect "
        "it or choose another folder."
    )
    other = from_os_error(OSError(errno.EINVAL, "Invalid argument"), TARGET, writing=False)
    assert str(other) == "Could not read /media/alice/STICK/layout.xml: Invalid argument."


def test_windows_error_codes_map_too() -> None:
    def windows_error(winerror: int) -> OSError:
        error = OSError(errno.EACCES, "windows")
        error.winerror = winerror  # type: ignore[attr-defined]
        return error

    assert isinstance(from_os_error(windows_error(112), TARGET, writing=True), DriveFull)
    assert isinstance(from_os_error(windows_error(19), TARGET, writing=True), ReadOnlyLocation)
    assert isinstance(from_os_error(windows_error(21), TARGET, writing=True), LocationGone)
    assert isinstance(from_os_error(windows_error(32), TARGET, writing=True), FileInUse)
