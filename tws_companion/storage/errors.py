"""Why a file could not be written or read, as types, and how an :class:`OSError` maps to them.

Each error says what happened and what to do, in English; a GUI picks its own translated text by
the error's type and the ``path`` it carries. :func:`from_os_error` turns the ``OSError`` of a
full, read-only or vanished drive into the matching :class:`StorageError` subclass.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Final

__all__ = [
    "AccessDenied",
    "AlreadyLocked",
    "DriveFull",
    "FileInUse",
    "FileMissing",
    "FileTooLarge",
    "LocationGone",
    "NotARegularFile",
    "ReadOnlyLocation",
    "StorageError",
    "StorageFailed",
    "VerifyFailed",
    "from_os_error",
    "mount_point_of",
]


def _errnos(*names: str) -> frozenset[int]:
    """The errno values of ``names`` that exist on this platform."""
    return frozenset(getattr(errno, name) for name in names if hasattr(errno, name))


_FULL: Final = _errnos("ENOSPC", "EDQUOT")
_READ_ONLY: Final = _errnos("EROFS")
_DENIED: Final = _errnos("EACCES", "EPERM")
# A device or share that went away: a pulled stick, a dropped network share, a dead FUSE mount.
_GONE_DEVICE: Final = _errnos(
    "ENODEV", "EIO", "ENXIO", "ESTALE", "ENOTCONN", "EHOSTDOWN", "EHOSTUNREACH", "ENOMEDIUM",
    "ESHUTDOWN", "ENOLINK", "EREMOTEIO",
)  # fmt: skip
_MISSING: Final = _errnos("ENOENT", "ENOTDIR")

# Windows error codes (OSError.winerror) that Python does not map to the errno values above.
_WIN_FULL: Final = frozenset({39, 112})  # ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
_WIN_READ_ONLY: Final = frozenset({19})  # ERROR_WRITE_PROTECT
_WIN_IN_USE: Final = frozenset({32, 33})  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
# ERROR_NOT_READY, ERROR_BAD_NETPATH, ERROR_DEV_NOT_EXIST, ERROR_NETNAME_DELETED,
# ERROR_BAD_NET_NAME, ERROR_DEVICE_NOT_CONNECTED
_WIN_GONE: Final = frozenset({21, 53, 55, 64, 67, 1167})


class StorageError(Exception):
    """A file could not be written or read; ``path`` is the file (or folder) concerned."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class DriveFull(StorageError):
    """No space left on the drive (or the user's quota is used up)."""

    def __init__(self, path: Path, *, previous_kept: bool = False) -> None:
        super().__init__(
            f"There is not enough space on {mount_point_of(path)} to save {path.name}. Free some "
            f"space or choose another drive.{_kept(path, previous_kept)}",
            path,
        )


class AccessDenied(StorageError):
    """The operating system refused access to the file or its folder."""

    def __init__(self, path: Path, message: str | None = None) -> None:
        super().__init__(
            message
            or f"You do not have permission to read {path}. Ask the owner of the file for a copy, "
            "or choose another file.",
            path,
        )


class ReadOnlyLocation(AccessDenied):
    """The folder cannot be written: a read-only drive, or no permission to write there."""

    def __init__(self, path: Path, *, previous_kept: bool = False) -> None:
        super().__init__(
            path,
            f"{path.parent} cannot be written: the drive is read-only (or write-protected) or you "
            f"do not have permission to write there. Choose another folder."
            f"{_kept(path, previous_kept)}",
        )


class LocationGone(StorageError):
    """The folder (or the drive holding it) is no longer there: a stick pulled, a share gone."""

    def __init__(self, path: Path, *, writing: bool, previous_kept: bool = False) -> None:
        todo = (
            "Reconnect it or choose another folder." if writing else "Reconnect it and try again."
        )
        super().__init__(
            f"The folder {path.parent} is no longer available. Was the drive removed? {todo}"
            f"{_kept(path, previous_kept)}",
            path,
        )


class FileMissing(StorageError):
    """The file to read does not exist (its folder does)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The file {path} does not exist (any more). Choose another file.",
            path,
        )


class FileInUse(StorageError):
    """Another program holds the file open and locked (Windows)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} is in use by another program. Close that program and try again.", path
        )


class NotARegularFile(StorageError):
    """The path names a folder, a device or a pipe, not a file."""

    def __init__(self, path: Path, *, folder: bool) -> None:
        what = "a folder" if folder else "not a regular file"
        super().__init__(f"{path} is {what}. Choose a file.", path)
        self.folder = folder


class FileTooLarge(StorageError):
    """The file is larger than the caller accepts."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(
            f"{path} is too large ({size:,} bytes; the limit is {limit:,} bytes). Choose "
            "another file.",
            path,
        )
        self.size = size
        self.limit = limit


class VerifyFailed(StorageError):
    """The file read back differs from what was written: a failing drive or a broken share."""

    def __init__(self, path: Path, *, previous_kept: bool) -> None:
        super().__init__(
            f"{path} was written, but reading it back gave different content: the drive may be "
            f"failing. Save again, or choose another drive.{_kept(path, previous_kept)}",
            path,
        )


class StorageFailed(StorageError):
    """Any other failure of the operating system, with its own description."""

    def __init__(self, path: Path, reason: str, *, writing: bool) -> None:
        verb = "save" if writing else "read"
        super().__init__(f"Could not {verb} {path}: {reason}.", path)
        self.reason = reason


class AlreadyLocked(StorageError):
    """Another running TWS Companion holds this user's settings on this machine."""

    def __init__(self, path: Path, owner_pid: int | None = None) -> None:
        owner = f" (process {owner_pid})" if owner_pid is not None else ""
        super().__init__(
            f"TWS Companion is already running for this user on this machine{owner}. Switch to "
            "that window, or close it and start again.",
            path,
        )
        self.owner_pid = owner_pid


def _kept(path: Path, previous_kept: bool) -> str:
    return f" The previous {path.name} is unchanged." if previous_kept else ""


def mount_point_of(path: Path) -> Path:
    """The mount point (drive) holding ``path``, or its nearest existing folder as a fallback."""
    current = Path(os.path.abspath(path))
    for candidate in (current, *current.parents):
        try:
            if os.path.ismount(candidate):
                return candidate
        except OSError:  # pragma: no cover - ismount swallows most errors itself
            continue
    return current.parent  # pragma: no cover - "/" (or a drive root) is always a mount point


def _folder_exists(folder: Path) -> bool:
    try:
        return folder.is_dir()
    except OSError:
        return False


def from_os_error(
    exc: OSError, path: Path, *, writing: bool, previous_kept: bool = False
) -> StorageError:
    """The :class:`StorageError` that explains ``exc``, raised while writing or reading ``path``.

    ``previous_kept`` (writes only) adds that the file's previous content is unchanged; pass it
    when that is true. The caller raises the result ``from exc``.
    """
    code = exc.errno
    winerror: int | None = getattr(exc, "winerror", None)
    if isinstance(exc, IsADirectoryError):
        return NotARegularFile(path, folder=True)
    if winerror in _WIN_IN_USE:
        return FileInUse(path)
    if code in _FULL or winerror in _WIN_FULL:
        return DriveFull(path, previous_kept=previous_kept)
    if code in _READ_ONLY or winerror in _WIN_READ_ONLY:
        return (
            ReadOnlyLocation(path, previous_kept=previous_kept) if writing else AccessDenied(path)
        )
    if winerror in _WIN_GONE or code in _GONE_DEVICE:
        return LocationGone(path, writing=writing, previous_kept=previous_kept)
    if code in _DENIED:
        return (
            ReadOnlyLocation(path, previous_kept=previous_kept) if writing else AccessDenied(path)
        )
    if code in _MISSING:
        if not writing and _folder_exists(path.parent):
            return FileMissing(path)
        return LocationGone(path, writing=writing, previous_kept=previous_kept)
    reason = exc.strerror or type(exc).__name__
    return StorageFailed(path, reason, writing=writing)
