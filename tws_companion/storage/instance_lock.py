"""One running TWS Companion per user and machine: an operating-system lock on ``<user_dir>/.lock``.

The lock is taken without waiting: when another live process holds it, :class:`AlreadyLocked`
says so (with that process's id when it can be read). The lock belongs to the open file, not to
the file on disk, so the operating system drops it when its process ends in any way, a crash or
``kill -9`` included: the ``.lock`` file left behind never blocks the next start. The file is
never deleted (deleting it would let two processes lock two different files of the same name).

POSIX uses ``flock`` (also honoured on NFS by Linux); Windows uses ``msvcrt.locking``.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import Final, Self

from tws_companion.storage.errors import AlreadyLocked, StorageFailed, from_os_error
from tws_companion.storage.paths import FILE_MODE, ensure_private_dir

__all__ = ["LOCK_NAME", "AlreadyLocked", "InstanceLock"]

_log = logging.getLogger(__name__)

#: Name of the lock file in the user's folder.
LOCK_NAME: Final = ".lock"

# Windows locks a byte range; it is far from the start, so others can still read the owner's pid.
_WIN_LOCK_OFFSET: Final = 1 << 20
_PID_BYTES: Final = 32


def _try_lock(fd: int) -> bool:
    """Lock ``fd`` without waiting; False when another process holds the lock."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, _PID_BYTES).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class InstanceLock:
    """The lock on one user's settings on this machine (a context manager).

    ``with InstanceLock(path):`` or :meth:`acquire` / :meth:`release`. The folder of ``path`` is
    created when missing. Raises :class:`AlreadyLocked` when another process (or another
    :class:`InstanceLock` of this process) holds it, and a
    :class:`~tws_companion.storage.errors.StorageError` when the lock file cannot be opened.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def __repr__(self) -> str:
        state = "held" if self.held else "free"
        return f"InstanceLock({str(self.path)!r}, {state})"

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def _open(self) -> tuple[int, bool]:
        """The lock file open (created when missing), and whether it is writable."""
        try:
            ensure_private_dir(self.path.parent)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE), True
        except OSError as exc:
            # A read-only folder still lets an existing lock file be locked (flock needs no
            # write access), so a read-only home does not stop the app from starting.
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and self.path.is_file():
                with contextlib.suppress(OSError):
                    return os.open(self.path, os.O_RDONLY), False
            raise from_os_error(exc, self.path, writing=True) from exc

    def acquire(self) -> None:
        """Take the lock now or raise :class:`AlreadyLocked`; never waits."""
        if self._fd is not None:
            raise RuntimeError("this InstanceLock is already held")
        fd, writable = self._open()
        try:
            locked = _try_lock(fd)
        except OSError as exc:
            os.close(fd)
            raise StorageFailed(
                self.path, f"the lock could not be taken ({exc.strerror or exc})", writing=True
            ) from exc
        if not locked:
            owner = _read_pid(fd)
            os.close(fd)
            raise AlreadyLocked(self.path, owner)
        self._fd = fd
        if writable:
            try:
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            except OSError as exc:  # the pid is only a courtesy for the message of another start
                _log.debug("could not write the pid into %s: %s", self.path, exc)

    def release(self) -> None:
        """Give the lock back; nothing happens when it is not held. The file stays."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
