"""One running app per user and machine: a second start is refused, a crash frees the lock."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tws_companion.storage.errors import StorageError
from tws_companion.storage.instance_lock import LOCK_NAME, AlreadyLocked, InstanceLock
from tws_companion.storage.settings_files import UserSettingsFiles

REPO = Path(__file__).resolve().parents[3]
DEADLINE = 60.0


@pytest.fixture
def lock_path(tmp_path: Path) -> Path:
    return tmp_path / "users" / "alice" / LOCK_NAME


def test_acquire_and_release(lock_path: Path) -> None:
    lock = InstanceLock(lock_path)
    assert not lock.held
    lock.acquire()
    assert lock.held
    assert "held" in repr(lock)
    lock.release()
    assert not lock.held
    lock.release()  # releasing twice is harmless
    assert lock_path.exists()  # the file stays: deleting it would open a race


def test_a_second_instance_is_refused_with_a_clear_message(lock_path: Path) -> None:
    with InstanceLock(lock_path), pytest.raises(AlreadyLocked) as caught:
        InstanceLock(lock_path).acquire()
    message = str(caught.value)
    assert message.startswith("TWS Companion is already running for this user on this machine")
    assert f"(process {os.getpid()})" in message
    assert caught.value.owner_pid == os.getpid()
    assert isinstance(caught.value, StorageError)


def test_the_lock_is_free_again_after_release(lock_path: Path) -> None:
    with InstanceLock(lock_path):
        pass
    with InstanceLock(lock_path) as second:
        assert second.held


def test_acquiring_twice_is_a_programming_error(lock_path: Path) -> None:
    with InstanceLock(lock_path) as lock, pytest.raises(RuntimeError):
        lock.acquire()


def test_settings_files_lock_their_own_folder(tmp_path: Path) -> None:
    alice = UserSettingsFiles(tmp_path, "alice")
    bob = UserSettingsFiles(tmp_path, "bob")
    # two users on one machine do not block each other; one user's second instance is refused
    with alice.lock(), bob.lock(), pytest.raises(AlreadyLocked):
        UserSettingsFiles(tmp_path, "ALICE").lock().acquire()
    assert alice.lock_path == tmp_path / "users" / "alice" / ".lock"


def test_a_lock_in_an_unusable_place_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError):
        InstanceLock(blocker / LOCK_NAME).acquire()


def _first_line(process: subprocess.Popen[str]) -> str:
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=DEADLINE)
    except queue.Empty:
        raise AssertionError("the child process printed nothing") from None


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_lock_left_by_a_process_killed_with_sigkill_does_not_block(tmp_path: Path) -> None:
    files = UserSettingsFiles(tmp_path, "alice")
    child = subprocess.Popen(
        [
            sys.executable, "-m", "tests.support.settings_writer",
            "--home", str(tmp_path), "--user", "alice", "--idle",
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert _first_line(child) == "ready\n"
        with pytest.raises(AlreadyLocked) as caught:
            files.lock().acquire()
        assert caught.value.owner_pid == child.pid

        child.kill()  # SIGKILL: no clean-up code runs in the child
        assert child.wait(timeout=DEADLINE) == -9
        assert files.lock_path.exists()  # the crashed process's lock file is still there...

        with files.lock() as lock:  # ...and does not block the next start
            assert lock.held
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=DEADLINE)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
