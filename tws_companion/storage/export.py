"""Files the user chose: writing to and reading from a USB stick, a network drive, any folder.

:func:`write_user_file` stages the data in a hidden temporary file in the destination folder
(written atomically: flushed and fsynced), reads it back from the drive and compares, and only
then renames it over the destination and fsyncs the folder. Whatever fails (a full drive, a
read-only or write-protected one, a stick pulled, a share dropped, a read-back that differs), the
destination keeps its previous content and a
:class:`~tws_companion.storage.errors.StorageError` subclass says what happened and what to do.

:func:`read_user_file` reads a regular file up to a size limit, with the same errors.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import Final

from tws_companion.storage.atomic import TEMP_SUFFIX, atomic_write_bytes
from tws_companion.storage.errors import (
    FileTooLarge,
    NotARegularFile,
    VerifyFailed,
    from_os_error,
)

__all__ = ["DEFAULT_EXPORT_MODE", "read_back_matches", "read_user_file", "write_user_file"]

#: Permission bits of a new exported file (POSIX): readable by others, for a file meant to travel
#: to another user or machine. An existing file keeps its own bits.
DEFAULT_EXPORT_MODE: Final = 0o644


def _drop_cached_pages(fd: int) -> None:
    """Ask the kernel to forget its cached copy, so the next read comes from the drive itself."""
    fadvise = getattr(os, "posix_fadvise", None)
    dontneed = getattr(os, "POSIX_FADV_DONTNEED", None)
    if fadvise is not None and dontneed is not None:
        with contextlib.suppress(OSError):
            fadvise(fd, 0, 0, dontneed)


def read_back_matches(path: Path, data: bytes, *, from_drive: bool = True) -> bool:
    """Whether ``path`` (already fsynced) holds exactly ``data``, read back through a new
    file descriptor.

    With ``from_drive`` (the default, for drives the user chose: a USB stick, a network share),
    the page cache of the file is dropped first on Linux, so the bytes compared are the ones the
    drive returns. Without it (the app's own folder, where it costs as much as the write), the
    bytes come from the cache the kernel fills from the write: the check catches a file that
    another process changed or cut, or a file system that did not keep what it was given, but not
    a drive that loses data after accepting the fsync. Raises :class:`OSError` when the file
    cannot be read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb", buffering=0) as handle:
        if from_drive:
            _drop_cached_pages(handle.fileno())
        wanted = len(data) + 1  # one byte more than expected: a longer file does not match
        parts: list[bytes] = []
        while wanted > 0:
            chunk = handle.read(wanted)
            if not chunk:
                break
            parts.append(chunk)
            wanted -= len(chunk)
    return (parts[0] if len(parts) == 1 else b"".join(parts)) == data


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # Windows cannot open a folder; its renames are durable on their own
    try:
        with contextlib.suppress(OSError):  # some shares refuse fsync on a folder
            os.fsync(fd)
    finally:
        os.close(fd)


def _existing_mode(path: Path) -> int | None:
    """The permission bits of the regular file at ``path``; None when there is none.

    A folder, a device or a pipe in the way raises :class:`NotARegularFile`; other errors
    (a vanished drive) propagate as :class:`OSError`.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(info.st_mode):
        raise NotARegularFile(path, folder=True)
    if not stat.S_ISREG(info.st_mode):
        raise NotARegularFile(path, folder=False)
    return stat.S_IMODE(info.st_mode)


def write_user_file(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` (in a folder that exists) with ``data``, verified, or leave it as it was.

    ``mode`` sets the permission bits (POSIX); by default an existing file keeps its own and a
    new one gets :data:`DEFAULT_EXPORT_MODE`. A symbolic link is followed: its target is
    replaced. Raises a :class:`~tws_companion.storage.errors.StorageError` subclass:
    :class:`DriveFull`, :class:`ReadOnlyLocation`, :class:`LocationGone`, :class:`VerifyFailed`,
    :class:`NotARegularFile`, ...; the destination then holds its previous content.
    """
    path = Path(path)
    previous_kept = False
    staged: Path | None = None
    try:
        if path.is_symlink():
            path = path.resolve()
        previous_mode = _existing_mode(path)
        previous_kept = previous_mode is not None
        if mode is None:
            mode = DEFAULT_EXPORT_MODE if previous_mode is None else previous_mode
        staged = path.parent / f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        atomic_write_bytes(staged, data, mode=mode)
        if not read_back_matches(staged, data):
            raise VerifyFailed(path, previous_kept=previous_kept)
        os.replace(staged, path)
        staged = None
        _fsync_folder(path.parent)
    except OSError as exc:
        raise from_os_error(exc, path, writing=True, previous_kept=previous_kept) from exc
    finally:
        if staged is not None:
            with contextlib.suppress(OSError):
                staged.unlink()


def read_user_file(path: Path, limit: int) -> bytes:
    """The content of the regular file ``path``, at most ``limit`` bytes.

    Raises :class:`FileTooLarge` beyond ``limit``, :class:`NotARegularFile` for a folder, a pipe
    or a device (never blocking on one), and the mapped
    :class:`~tws_companion.storage.errors.StorageError` of a missing file, a vanished drive or
    missing permission.
    """
    if limit < 0:
        raise ValueError("limit must not be negative")
    path = Path(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise NotARegularFile(path, folder=True)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(path, folder=False)
        if info.st_size > limit:
            raise FileTooLarge(path, info.st_size, limit)
        # O_NONBLOCK: should the path have become a pipe since the stat, opening it never hangs.
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise NotARegularFile(path, folder=False)
            data = handle.read(limit + 1)
    except OSError as exc:
        raise from_os_error(exc, path, writing=False) from exc
    if len(data) > limit:  # grew since the stat
        raise FileTooLarge(path, len(data), limit)
    return data
