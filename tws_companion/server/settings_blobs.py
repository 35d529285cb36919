"""The server's folder of settings envelopes on disk: a file per large copy, beside SQLite.

With SQLite (one host: the database is a file in the data folder), the bytes of each copy of
:data:`FILE_THRESHOLD` or more live in ``<data folder>/settings/<user id>/<name>`` and the
database keeps only its description, so a 5 MB save writes the bytes once (SQLite writes a blob
twice: as overflow pages into its WAL, then again into the database file when it checkpoints).
With PostgreSQL, which several machines may share, the bytes stay in the database: a folder on
one machine would not be seen by another.

A copy's file is named, before its body arrives, by the random token its save draws for its
``ETag`` (``"<number>-<token>"``: :func:`file_name`), so it is written where it stays: no
rename. A save writes the file as its body arrives (:meth:`SettingsBlobs.stage`), fsyncs the
folder holding its name meanwhile (:meth:`Staged.sync_name`), and fsyncs the file before its
transaction (:meth:`Staged.sync`): a copy is on disk before the transaction that names it
commits, and the user's lock (SQLite's write lock) is never held for a disk flush. A name is
drawn once and never reused, so a reader never sees a file change under it. Once the save is
answered, the files of versions that aged out are removed, and files no copy names (a save
refused late, or one whose server stopped) once they are an hour old: another worker may still
be writing a younger one (:meth:`SettingsBlobs.prune`). Folders are 0700, files 0600. A
download opens its copy's file before it answers and reads it while it sends
(:meth:`SettingsBlobs.open`): a version that ages out meanwhile loses its name, not its bytes.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Collection, Iterable
from io import FileIO
from pathlib import Path

from tws_companion.storage.atomic import fsync_directory
from tws_companion.storage.paths import ensure_private_dir

#: The folder, below the data folder, that holds the settings envelopes.
FOLDER_NAME = "settings"
#: Envelopes at least this large go to the folder; smaller ones stay in SQLite, which writes
#: them with one sync where a file takes two (the file and its folder) and the commit. Measured
#: on the development VM, in process: 32-512 KB save faster into SQLite, 2-5 MB into a file
#: (5 MB: 90-130 ms against 160-190 ms), 1 MB about the same either way.
FILE_THRESHOLD = 1024 * 1024
#: A file no copy names is removed once it is this old (younger ones may still be arriving).
STALE_FILE_SECONDS = 3600.0
#: How much of an upload is written before the disk is asked to start writing it.
WRITEBACK_BYTES = 1024 * 1024
#: ``POSIX_FADV_DONTNEED`` where it exists: on Linux it starts the writeback of a dirty range
#: (pages being written stay cached), which ``sync_file_range`` would do but Python lacks.
_START_WRITEBACK: int | None = getattr(os, "POSIX_FADV_DONTNEED", None)


def file_name(etag: str) -> str:
    """The name of the file of the copy whose ``ETag`` is ``etag``: the token after its number."""
    return etag.strip('"').partition("-")[2]


def file_names(number: int, etag: str) -> tuple[str, str]:
    """The names the file of a copy may have: its token's, or its number (the development builds
    before tokens named files by number; those files stay readable until they age out)."""
    return file_name(etag), str(number)


class Staged:
    """The bytes of one save in the file that will hold them: written part by part as they
    arrive, made durable by :meth:`sync`, then kept by :meth:`keep` or removed by
    :meth:`discard`."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        path = folder / name
        # Owner-only; never over an existing file (a name is used once).
        self._fd: int | None = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.path: Path | None = path
        self._named = False
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

    def sync_name(self) -> None:
        """Wait until the file's name is on disk (while its bytes may still be arriving: it
        does not touch the file)."""
        fsync_directory(self.folder)
        self._named = True

    def sync(self) -> None:
        """Wait until the bytes written, and the file's name unless :meth:`sync_name` did, are
        on disk; close the file."""
        if self._fd is None:
            raise RuntimeError("the staged settings are no longer being written")
        fd, self._fd = self._fd, None
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if not self._named:
            self.sync_name()

    def keep(self) -> None:
        """The synced file is now a copy's: :meth:`discard` leaves it."""
        if self._fd is not None:
            raise RuntimeError("only synced staged settings can be kept")
        self.path = None

    def discard(self) -> None:
        """Close and remove the file unless :meth:`keep` kept it."""
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

    def stage(self, user_id: int, name: str) -> Staged:
        """A new file ``name`` in the user's folder (created 0700 with its parents)."""
        return Staged(ensure_private_dir(self.folder(user_id)), name)

    def open(self, user_id: int, names: Iterable[str]) -> FileIO:
        """The file of a copy, opened for reading (unbuffered), from the first of its ``names``
        found (:func:`file_names`); :class:`FileNotFoundError` once its version aged out. A
        file open before a later save removes it (:meth:`prune`) stays readable to its end."""
        missing: FileNotFoundError | None = None
        for name in names:
            try:
                return FileIO(self.folder(user_id) / name, "r")
            except FileNotFoundError as exc:
                missing = exc
        raise missing or FileNotFoundError("no file name given")

    def prune(self, user_id: int, kept: Collection[str], gone: Iterable[str]) -> None:
        """Remove the files ``gone`` (of copies that aged out) and those of the user's files
        not ``kept`` (named by no copy) that are :data:`STALE_FILE_SECONDS` old."""
        folder = self.folder(user_id)
        # A file being downloaded cannot be removed on Windows (PermissionError): it is no
        # longer named by a copy, so the sweep below removes it once it is stale.
        for name in gone:
            with contextlib.suppress(FileNotFoundError, PermissionError):
                os.unlink(folder / name)
        stale_before = time.time() - STALE_FILE_SECONDS
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            return
        for entry in entries:
            with contextlib.suppress(FileNotFoundError, PermissionError):
                if entry.name not in kept and entry.stat().st_mtime < stale_before:
                    os.unlink(entry.path)
