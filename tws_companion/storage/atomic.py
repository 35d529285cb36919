"""Atomic file writes: the file holds either its previous content or the new one, never a mix.

The data is written to a temporary file in the destination folder, flushed and fsynced, then
renamed over the destination with :func:`os.replace`, and the folder itself is fsynced where the
platform supports it. On any failure the temporary file is removed and the previous file is left
untouched; the original :class:`OSError` (for example a pulled USB stick or a full network drive)
propagates to the caller, which turns it into a message for the user.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["TEMP_SUFFIX", "atomic_write_bytes", "atomic_write_text", "fsync_directory"]

#: Suffix of the temporary files; readers of a folder should ignore files ending with it.
TEMP_SUFFIX = ".tmp"


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable; silently skipped where unsupported (Windows)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(directory, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        # Some file systems (network shares, some FUSE mounts) refuse fsync on a directory.
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically; the new file gets permission bits ``mode``.

    The parent folder must exist. Raises :class:`OSError` on failure, with the previous file
    (if any) intact and no temporary file left behind.
    """
    path = Path(path)
    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    tmp_path = Path(tmp_name)
    try:
        try:
            handle = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        with handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not hasattr(os, "fchmod"):  # pragma: no cover - Windows
            os.chmod(tmp_path, mode)
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise
    fsync_directory(directory)


def atomic_write_text(path: Path, text: str, *, mode: int = 0o600, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` (encoded with ``encoding``) atomically.

    Newlines are written as given (no platform translation), so the file is byte-identical on
    every operating system.
    """
    atomic_write_bytes(path, text.encode(encoding), mode=mode)
