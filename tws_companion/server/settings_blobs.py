"""The server's folder of settings envelopes on disk: a file per large copy, beside SQLite.

With SQLite (one host: the database is a file in the data folder), the bytes of each copy of
:data:`FILE_THRESHOLD` or more live in ``<data folder>/settings/<user id>/<number>`` and the
database keeps only its description, so a 5 MB save writes the bytes once (SQLite writes a blob
twice: as overflow pages into its WAL, then again into the database file when it checkpoints).
With PostgreSQL, which several machines may share, the bytes stay in the database: a folder on
one machine would not be seen by another.

A save writes a temporary file in the user's folder as its body arrives
(:meth:`SettingsBlobs.stage`) and fsyncs it before its transaction; under the user's lock, once
the save is accepted, the file is renamed to the copy's number and the folder fsynced
(:meth:`Staged.keep`), then the transaction commits: a copy is on disk before any answer names
it. A number is written only by the save that creates it and never reused, so readers never see
a file change under them. Once the save is answered, the files of versions that aged out, and
temporary files a crashed save left, are removed (:meth:`SettingsBlobs.prune`). A save whose
transaction failed after the rename leaves a file under the next number, which the next save
replaces. Folders are 0700, files 0600.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

from tws_companion.storage.atomic import fsync_directory
from tws_companion.storage.paths import ensure_private_dir

#: The folder, below the data folder, that holds the settings envelopes.
FOLDER_NAME = "settings"
#: Envelopes at least this large go to the folder; smaller ones stay in SQLite, which writes
#: them with one sync where a file takes three (the file, its folder, then the commit). Measured
#: on the development VM, in process: 32-512 KB save faster into SQLite, 2-5 MB into a file
#: (5 MB: 90-130 ms against 160-190 ms), 1 MB about the same either way.
FILE_THRESHOLD = 1024 * 1024
#: Prefix of the temporary files of saves in progress.
STAGING_PREFIX = ".staging-"
#: A temporary file older than this is what a crashed save left behind.
STALE_STAGING_SECONDS = 3600.0
#: How much of an upload is written before the disk is asked to start writing it.
WRITEBACK_BYTES = 1024 * 1024
#: ``POSIX_FADV_DONTNEED`` where it exists: on Linux it starts the writeback of a dirty range
#: (pages being written stay cached), which ``sync_file_range`` would do but Python lacks.
_START_WRITEBACK: int | None = getattr(os, "POSIX_FADV_DONTNEED", None)


class Staged:
    """The bytes of one save in a temporary file: written part by part as they arrive, made
    durable by :meth:`sync`, then named by :meth:`keep` or removed by :meth:`discard`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # mkstemp makes the file owner-only (0600), and renaming keeps its mode.
        fd, name = tempfile.mkstemp(dir=folder, prefix=STAGING_PREFIX)
        self.path: Path | None = Path(name)
        self._fd: int | None = fd
        self._written = 0
        self._flushed = 0

    def write(self, part: bytes) -> None:
        """Append ``part`` (into the page cache: it does not wait for the disk); every
        :data:`WRITEBACK_BYTES` the disk is asked to start writing, so the final :meth:`sync`
        has little left to wait for."""
        if self._fd is None:
            raise RuntimeError("the staged settings are no longer being written")
        view = memoryview(part)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
            self._written += written
        if self._written - self._flushed >= WRITEBACK_BYTES and _START_WRITEBACK is not None:
            # Linux starts writing back the dirty range and keeps the pages cached.
            os.posix_fadvise(
                self._fd, self._flushed, self._written - self._flushed, _START_WRITEBACK
            )
            self._flushed = self._written

    def sync(self) -> None:
        """Wait until the bytes written are on disk, and close the file."""
        if self._fd is None:
            raise RuntimeError("the staged settings are no longer being written")
        fd, self._fd = self._fd, None
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def keep(self, number: int) -> None:
        """Make the synced file the copy numbered ``number`` (replacing what a failed save
        left under that number), durably."""
        if self.path is None or self._fd is not None:
            raise RuntimeError("only synced staged settings can be kept")
        os.replace(self.path, self.folder / str(number))
        self.path = None
        fsync_directory(self.folder)

    def discard(self) -> None:
        """Close and remove the temporary file unless :meth:`keep` used it."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self.path = None


class SettingsBlobs:
    """The settings envelopes under ``root`` (``<data folder>/settings``), a folder per user."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, user_id: int) -> Path:
        return self.root / str(user_id)

    def stage(self, user_id: int) -> Staged:
        """A new temporary file in the user's folder (created 0700 with its parents)."""
        return Staged(ensure_private_dir(self.folder(user_id)))

    def read(self, user_id: int, number: int) -> bytes:
        """The bytes of a copy; :class:`FileNotFoundError` once its version aged out."""
        return (self.folder(user_id) / str(number)).read_bytes()

    def prune(self, user_id: int, oldest_kept: int) -> None:
        """Remove the user's copies numbered below ``oldest_kept`` and stale temporary files."""
        folder = self.folder(user_id)
        stale_before = time.time() - STALE_STAGING_SECONDS
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            return
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                if _aged_out(entry, oldest_kept) or _stale_staging(entry, stale_before):
                    os.unlink(entry.path)


def _aged_out(entry: os.DirEntry[str], oldest_kept: int) -> bool:
    return entry.name.isdigit() and int(entry.name) < oldest_kept


def _stale_staging(entry: os.DirEntry[str], stale_before: float) -> bool:
    return entry.name.startswith(STAGING_PREFIX) and entry.stat().st_mtime < stale_before
