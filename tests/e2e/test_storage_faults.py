"""Settings and user files against real file-system faults and real crashes.

- a writer process killed with SIGKILL at random moments, 100 times, never leaves a damaged or
  missing settings file;
- a full drive (a 64 KiB tmpfs), a read-only drive (a read-only bind mount) and a pulled stick (a
  bind mount detached in the middle of a save) each give the right error and keep the old file;
- a second instance is refused while the first runs, and starts once the first is SIGKILLed.

Mounting needs root on Linux (``mount``); those tests are skipped, saying why, elsewhere. Every
mount is undone in a ``finally``.
"""

from __future__ import annotations

import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

from tests.support.settings_writer import ALREADY_RUNNING, content, parse_content
from tws_companion.storage.errors import DriveFull, LocationGone, ReadOnlyLocation
from tws_companion.storage.export import write_user_file
from tws_companion.storage.instance_lock import AlreadyLocked
from tws_companion.storage.settings_files import UserSettingsFiles

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and mount are POSIX"),
]

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 60.0
KILL_TRIALS = 100
#: Upper bound of the random time a writer saves before it is killed (seconds).
MAX_RUN_BEFORE_KILL = 0.25


# --- mounts -------------------------------------------------------------------------------------


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def _require_mounting() -> None:
    if sys.platform != "linux":
        pytest.skip("the fault tests mount file systems the Linux way")
    if os.geteuid() != 0:
        pytest.skip("mounting a test file system needs root (run the suite as root)")
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("the mount and umount commands are not installed")


def _is_mount_point(folder: Path) -> bool:
    """Whether something is mounted on ``folder`` (a bind mount included, which
    :func:`os.path.ismount` does not see on the same file system)."""
    wanted = os.path.realpath(folder)
    with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
        for line in mounts:
            # the mount point is the 5th field, with spaces and such escaped as octal (\040)
            field = line.split(" ")[4]
            mount_point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)
            if mount_point == wanted:
                return True
    return False


def _unmount(folder: Path) -> None:
    """Undo every mount on ``folder``; lazily if a plain unmount is refused (busy)."""
    for _ in range(10):
        if not _is_mount_point(folder):
            return
        if _run("umount", str(folder)).returncode != 0:
            _run("umount", "-l", str(folder))
    raise AssertionError(f"could not unmount {folder}")


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A RAM file system of ``size`` mounted on ``folder`` (created) for the block."""
    _require_mounting()
    folder.mkdir(parents=True)
    result = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder))
    if result.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {result.stderr.strip()}")
    try:
        yield folder
    finally:
        _unmount(folder)


@contextmanager
def bind(source: Path, target: Path, *, read_only: bool) -> Iterator[Path]:
    """``source`` also visible at ``target`` (created), read-only if asked, for the block."""
    _require_mounting()
    target.mkdir(parents=True)
    result = _run("mount", "--bind", str(source), str(target))
    if result.returncode != 0:
        pytest.skip(f"bind mounts are not permitted here: {result.stderr.strip()}")
    try:
        if read_only:
            result = _run("mount", "-o", "remount,ro,bind", str(target))
            if result.returncode != 0:
                pytest.skip(f"remounting read-only is not permitted: {result.stderr.strip()}")
        yield target
    finally:
        _unmount(target)


def _layout(name: str) -> bytes:
    return f"<layout>{name}</layout>".encode()


def _parse_layout(data: bytes) -> str:
    text = data.decode("utf-8")
    if not (text.startswith("<layout>") and text.endswith("</layout>")):
        raise ValueError("not a layout")
    return text[len("<layout>") : -len("</layout>")]


def _names(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


# --- a full drive -------------------------------------------------------------------------------


def test_a_full_drive_is_reported_and_the_old_file_survives(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "stick", "64k") as stick:
        target = stick / "layout.xml"
        write_user_file(target, _layout("old"))

        with pytest.raises(DriveFull) as caught:
            write_user_file(target, os.urandom(256 * 1024))

        message = str(caught.value)
        assert message.startswith(f"There is not enough space on {stick} to save layout.xml.")
        assert "Free some space or choose another drive." in message
        assert message.endswith("The previous layout.xml is unchanged.")
        assert target.read_bytes() == _layout("old")
        assert _names(stick) == ["layout.xml"]  # no temporary file eats the little space left


def test_settings_on_a_full_drive_keep_the_last_save(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "home", "64k") as home:
        files = UserSettingsFiles(home, "alice")
        files.save(_layout("last good"))

        with pytest.raises(DriveFull):
            files.save(_layout("x" * 200_000))

        loaded = files.load(_parse_layout, errors=(ValueError, UnicodeDecodeError))
        assert (loaded.source, loaded.value) == ("settings", "last good")


# --- a read-only drive --------------------------------------------------------------------------


def test_a_read_only_drive_is_reported_and_the_old_file_survives(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "layout.xml").write_bytes(_layout("old"))
    with bind(share, tmp_path / "read-only-view", read_only=True) as view:
        with pytest.raises(ReadOnlyLocation) as caught:
            write_user_file(view / "layout.xml", _layout("new"))

        assert str(caught.value).startswith(
            f"{view} cannot be written: the drive is read-only (or write-protected)"
        )
        assert (view / "layout.xml").read_bytes() == _layout("old")
    assert _names(share) == ["layout.xml"]


def test_settings_on_a_read_only_home_load_but_refuse_to_save(tmp_path: Path) -> None:
    writable = tmp_path / "home"
    first = UserSettingsFiles(writable, "alice")
    first.save(_layout("saved before"))
    with first.lock():
        pass  # the lock file exists, as after any earlier run
    with bind(writable, tmp_path / "read-only-home", read_only=True) as home:
        files = UserSettingsFiles(home, "alice")
        with files.lock() as lock:  # a read-only home still starts
            assert lock.held
            loaded = files.load(_parse_layout, errors=(ValueError, UnicodeDecodeError))
            assert loaded.value == "saved before"
            with pytest.raises(ReadOnlyLocation):
                files.save(_layout("new"))
    assert first.settings_path.read_bytes() == _layout("saved before")


# --- a vanished drive ---------------------------------------------------------------------------


def test_a_stick_pulled_in_the_middle_of_a_save_is_reported_and_keeps_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stick is a bind mount detached (``umount -l``) once the save has opened its file."""
    on_the_stick = tmp_path / "stick-content"
    on_the_stick.mkdir()
    with bind(on_the_stick, tmp_path / "media" / "STICK", read_only=False) as stick:
        target = stick / "layout.xml"
        write_user_file(target, _layout("old"))
        real_mkstemp = tempfile.mkstemp

        def open_then_pull_the_stick(*args: object, **kwargs: object) -> tuple[int, str]:
            fd, name = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
            assert _run("umount", "-l", str(stick)).returncode == 0
            return fd, name

        monkeypatch.setattr(tempfile, "mkstemp", open_then_pull_the_stick)
        with pytest.raises(LocationGone) as caught:
            write_user_file(target, _layout("new"))
        monkeypatch.undo()

        assert str(caught.value).startswith(
            f"The folder {stick} is no longer available. Was the drive removed?"
        )
        assert not _is_mount_point(stick)
    # plugged in again: the old file is whole
    assert (on_the_stick / "layout.xml").read_bytes() == _layout("old")


# --- crashes ------------------------------------------------------------------------------------


def _start_writer(home: Path, first: int, stderr: IO[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "tests.support.settings_writer",
            "--home", str(home), "--user", "alice", "--first", str(first),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )  # fmt: skip


def _first_line(process: subprocess.Popen[str]) -> str:
    """The first line the process prints, waiting at most DEADLINE seconds."""
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=DEADLINE)
    except queue.Empty:
        raise AssertionError("the writer printed nothing before the deadline") from None


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=DEADLINE)
    if process.stdout is not None:
        process.stdout.close()


def _numbers(lines: list[str], word: str) -> list[int]:
    """The numbers of the complete ``<word> <n>`` lines (a line cut by the kill is ignored)."""
    return [
        int(line.split()[1])
        for line in lines
        if line.startswith(f"{word} ") and line.endswith("\n")
    ]


def test_a_writer_killed_at_random_moments_never_leaves_broken_settings(tmp_path: Path) -> None:
    rng = random.Random(20261130)
    files = UserSettingsFiles(tmp_path, "alice")
    files.save(content(0))
    on_disk = 0
    killed_mid_save = 0
    changed = 0
    stderr_path = tmp_path / "writer-stderr.txt"

    for trial in range(KILL_TRIALS):
        first = (trial + 1) * 1_000_000
        with stderr_path.open("w") as stderr:
            writer = _start_writer(tmp_path, first, stderr)
            try:
                ready = _first_line(writer)
                assert ready == "ready\n", stderr_path.read_text()
                try:
                    writer.wait(timeout=rng.uniform(0.0, MAX_RUN_BEFORE_KILL))
                except subprocess.TimeoutExpired:
                    writer.kill()
                else:
                    pytest.fail(f"the writer stopped by itself: {stderr_path.read_text()}")
                assert writer.wait(timeout=DEADLINE) == -signal.SIGKILL
                assert writer.stdout is not None
                lines = writer.stdout.read().splitlines(keepends=True)
            finally:
                _stop(writer)

        started, done = _numbers(lines, "start"), _numbers(lines, "done")
        loaded = files.load(parse_content, errors=(ValueError,))

        assert loaded.source == "settings", f"trial {trial}: {loaded.problem}"
        assert loaded.problem is None
        # a save that returned is on disk: that one, or the one started after it
        allowed = {n for n in started if n >= done[-1]} if done else {on_disk, *started}
        assert loaded.value in allowed, f"trial {trial}: {loaded.value} not in {sorted(allowed)}"
        assert loaded.value is not None
        killed_mid_save += len(started) > len(done)
        changed += loaded.value != on_disk
        on_disk = loaded.value

    # the kills did land in the middle of saves, and the saves did make progress
    assert killed_mid_save >= KILL_TRIALS // 2, killed_mid_save
    assert changed >= KILL_TRIALS // 2, changed
    # every backup left behind is whole too, and the leftovers of cut writes can be cleared
    backups = files.backups.list()
    assert backups
    for backup in backups:
        parse_content(files.backups.read(backup))
    with files.lock():
        files.discard_temp_files()
    assert _names(files.folder) == [".lock", "backups", "settings.xml"]


def test_a_second_instance_is_refused_and_the_lock_survives_a_crash(tmp_path: Path) -> None:
    files = UserSettingsFiles(tmp_path, "alice")
    with (tmp_path / "first.txt").open("w") as first_err:
        first = _start_writer(tmp_path, 1, first_err)
        try:
            assert _first_line(first) == "ready\n"

            second = subprocess.run(
                [
                    sys.executable, "-m", "tests.support.settings_writer",
                    "--home", str(tmp_path), "--user", "Alice", "--first", "500",
                ],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=DEADLINE,
                check=False,
            )  # fmt: skip
            assert second.returncode == ALREADY_RUNNING
            assert second.stdout == ""  # it never saved anything
            assert "TWS Companion is already running for this user on this machine" in (
                second.stderr
            )
            assert f"(process {first.pid})" in second.stderr
            with pytest.raises(AlreadyLocked):
                files.lock().acquire()

            first.kill()
            assert first.wait(timeout=DEADLINE) == -signal.SIGKILL
        finally:
            _stop(first)

    assert files.lock_path.exists()
    with files.lock() as lock:
        assert lock.held
        loaded = files.load(parse_content, errors=(ValueError,))
    assert loaded.source == "settings"
    assert loaded.value is not None
    assert loaded.value < 500  # only the first writer ever wrote
