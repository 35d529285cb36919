"""Atomic writes: new content or old content, never a mix, and no temporary file left behind."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import IO, Any

import pytest

from tws_companion.storage.atomic import atomic_write_bytes, atomic_write_text

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An empty folder of this test's own (suite-wide fixtures may put things in tmp_path)."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def _names(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def test_writes_a_new_file(work: Path) -> None:
    target = work / "layout.xml"
    atomic_write_bytes(target, b"<layout/>")
    assert target.read_bytes() == b"<layout/>"
    assert _names(work) == ["layout.xml"]


def test_replaces_an_existing_file(work: Path) -> None:
    target = work / "layout.xml"
    target.write_bytes(b"old content that is longer than the new one")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert _names(work) == ["layout.xml"]


def test_empty_data(work: Path) -> None:
    target = work / "empty.bin"
    target.write_bytes(b"something")
    atomic_write_bytes(target, b"")
    assert target.read_bytes() == b""


@posix_only
def test_default_mode_is_private(work: Path) -> None:
    target = work / "secret.bin"
    atomic_write_bytes(target, b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@posix_only
def test_mode_is_applied_even_when_replacing(work: Path) -> None:
    target = work / "shared.xml"
    target.write_bytes(b"old")
    target.chmod(0o600)
    atomic_write_bytes(target, b"new", mode=0o644)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_text_is_utf8_with_newlines_kept(work: Path) -> None:
    target = work / "notes.txt"
    atomic_write_text(target, "line one\r\n交易 line two\n")
    assert target.read_bytes() == "line one\r\n交易 line two\n".encode()


def test_text_with_another_encoding(work: Path) -> None:
    target = work / "latin.txt"
    atomic_write_text(target, "café", encoding="latin-1")
    assert target.read_bytes() == b"caf\xe9"


def test_failing_replace_keeps_old_content_and_removes_temp_file(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = work / "layout.xml"
    target.write_bytes(b"previous")

    def failing_replace(src: Any, dst: Any) -> None:
        assert Path(src).parent == work  # the temporary file is in the same folder
        assert Path(src).read_bytes() == b"replacement"  # fully written before the rename
        raise OSError(errno.EXDEV, "simulated rename failure")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="simulated rename failure"):
        atomic_write_bytes(target, b"replacement")
    monkeypatch.undo()
    assert target.read_bytes() == b"previous"
    assert _names(work) == ["layout.xml"]


class _BrokenFile:
    """Wraps a real file; writes half of the data, then fails like a pulled USB stick."""

    def __init__(self, real: IO[bytes]) -> None:
        self._real = real

    def __enter__(self) -> _BrokenFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()

    def fileno(self) -> int:
        return self._real.fileno()

    def write(self, data: bytes) -> int:
        self._real.write(data[: len(data) // 2])
        self._real.flush()
        raise OSError(errno.EIO, "simulated I/O error")

    def flush(self) -> None:
        self._real.flush()


def test_write_error_mid_write_keeps_old_content_and_removes_temp_file(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = work / "layout.xml"
    target.write_bytes(b"previous")
    real_fdopen = os.fdopen

    def broken_fdopen(fd: int, *args: Any, **kwargs: Any) -> _BrokenFile:
        return _BrokenFile(real_fdopen(fd, *args, **kwargs))

    monkeypatch.setattr(os, "fdopen", broken_fdopen)
    with pytest.raises(OSError, match="simulated I/O error"):
        atomic_write_bytes(target, b"0123456789" * 100)
    monkeypatch.undo()
    assert target.read_bytes() == b"previous"
    assert _names(work) == ["layout.xml"]


def test_fsync_failure_keeps_old_content_and_removes_temp_file(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = work / "layout.xml"
    target.write_bytes(b"previous")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError) as info:
        atomic_write_text(target, "replacement")
    monkeypatch.undo()
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"previous"
    assert _names(work) == ["layout.xml"]


def test_interrupt_mid_write_removes_temp_file(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = work / "layout.xml"
    target.write_bytes(b"previous")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"replacement")
    monkeypatch.undo()
    assert target.read_bytes() == b"previous"
    assert _names(work) == ["layout.xml"]


def test_missing_folder_raises_and_creates_nothing(work: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(work / "gone" / "layout.xml", b"x")
    assert _names(work) == []


def test_destination_that_is_a_folder_fails_cleanly(work: Path) -> None:
    target = work / "layout.xml"
    target.mkdir()
    with pytest.raises(OSError):  # IsADirectoryError or PermissionError, by platform
        atomic_write_bytes(target, b"x")
    assert target.is_dir()
    assert _names(work) == ["layout.xml"]


@posix_only
def test_file_and_folder_are_fsynced(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[tuple[int, bool]] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append((fd, stat.S_ISDIR(os.fstat(fd).st_mode)))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    atomic_write_bytes(work / "a.bin", b"data")
    assert [is_dir for _, is_dir in synced] == [False, True]


def test_folder_fsync_failure_is_tolerated(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync

    def fsync_files_only(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "directory fsync not supported")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_files_only)
    atomic_write_bytes(work / "a.bin", b"data")
    assert (work / "a.bin").read_bytes() == b"data"


def test_storage_does_not_import_gui_or_network_packages() -> None:
    import subprocess

    code = (
        "import sys, tws_companion.storage.atomic, tws_companion.storage.outbox\n"
        "bad = [m for m in ('PySide6', 'requests', 'fastapi') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
