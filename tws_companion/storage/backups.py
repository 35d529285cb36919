"""The local backups of a user's settings: one file per save, the last 20, none older than 30 days.

A backup is ``settings-<UTC time>Z.xml`` (for example ``settings-20261130T010203.123456Z.xml``)
in the backups folder, written atomically with mode 0600, so the names sort by time and a reader
never sees half a backup. Other files in the folder (temporary files, anything a user put there)
are ignored and never deleted.
"""

from __future__ import annotations

import builtins
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from tws_companion.storage.atomic import atomic_write_bytes
from tws_companion.storage.errors import from_os_error
from tws_companion.storage.paths import FILE_MODE, ensure_private_dir

__all__ = [
    "BACKUP_PREFIX",
    "BACKUP_SUFFIX",
    "MAX_BACKUPS",
    "MAX_BACKUP_AGE",
    "Backup",
    "BackupSet",
    "require_utc",
]

_log = logging.getLogger(__name__)

MAX_BACKUPS: Final = 20
MAX_BACKUP_AGE: Final = timedelta(days=30)
BACKUP_PREFIX: Final = "settings-"
BACKUP_SUFFIX: Final = ".xml"

_STAMP_FORMAT: Final = "%Y%m%dT%H%M%S.%f"
_NAME_RE: Final = re.compile(
    re.escape(BACKUP_PREFIX) + r"(\d{8}T\d{6}\.\d{6})Z" + re.escape(BACKUP_SUFFIX)
)
_TICK: Final = timedelta(microseconds=1)


def require_utc(value: datetime, name: str = "now") -> datetime:
    """``value`` in UTC; a naive datetime (no time zone) raises :class:`ValueError`."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Backup:
    """One backup file: where it is, when it was saved (UTC) and its size in bytes."""

    path: Path
    saved_at: datetime
    size: int


def _backup_name(moment: datetime) -> str:
    return f"{BACKUP_PREFIX}{moment.strftime(_STAMP_FORMAT)}Z{BACKUP_SUFFIX}"


class BackupSet:
    """The backups in one folder (created, mode 0700, on the first :meth:`add`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"BackupSet({str(self.folder)!r})"

    def add(self, data: bytes, now: datetime) -> Backup:
        """Keep ``data`` as a new backup saved at ``now`` (timezone-aware) and return it.

        The new backup always sorts as the newest: should the clock have gone back since the
        newest existing backup, it is stamped one microsecond after that one. Raises a
        :class:`~tws_companion.storage.errors.StorageError` when the file cannot be written.
        """
        moment = require_utc(now)
        existing = self.list()
        if existing and moment <= existing[0].saved_at:
            moment = existing[0].saved_at + _TICK
        path = self.folder / _backup_name(moment)
        try:
            ensure_private_dir(self.folder)
            atomic_write_bytes(path, data, mode=FILE_MODE)
        except OSError as exc:
            raise from_os_error(exc, path, writing=True) from exc
        return Backup(path=path, saved_at=moment, size=len(data))

    def list(self) -> list[Backup]:
        """The backups, newest first; [] when the folder does not exist."""
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise from_os_error(exc, self.folder, writing=False) from exc
        backups: list[Backup] = []
        for name in names:
            match = _NAME_RE.fullmatch(name)
            if match is None:
                continue
            saved_at = datetime.strptime(match.group(1), _STAMP_FORMAT).replace(tzinfo=UTC)
            path = self.folder / name
            try:
                info = path.stat()
            except OSError:
                continue  # removed meanwhile (pruned by another save)
            if not path.is_file():
                continue
            backups.append(Backup(path=path, saved_at=saved_at, size=info.st_size))
        backups.sort(key=lambda backup: backup.saved_at, reverse=True)
        return backups

    def newest(self) -> Backup | None:
        """The newest backup, or None when there is none."""
        backups = self.list()
        return backups[0] if backups else None

    def read(self, backup: Backup) -> bytes:
        """The content of ``backup``; a :class:`StorageError` when it cannot be read."""
        try:
            return backup.path.read_bytes()
        except OSError as exc:
            raise from_os_error(exc, backup.path, writing=False) from exc

    def prune(self, now: datetime) -> builtins.list[Backup]:
        """Delete backups beyond the newest :data:`MAX_BACKUPS` or older than
        :data:`MAX_BACKUP_AGE` at ``now``; the newest backup is never deleted.

        Returns the backups deleted. A backup that cannot be deleted is logged and kept: pruning
        is housekeeping and never fails a save.
        """
        moment = require_utc(now)
        deleted: builtins.list[Backup] = []
        for index, backup in enumerate(self.list()):
            if index == 0:
                continue
            if index < MAX_BACKUPS and moment - backup.saved_at <= MAX_BACKUP_AGE:
                continue
            try:
                backup.path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                _log.warning("could not delete the old backup %s: %s", backup.path.name, exc)
                continue
            deleted.append(backup)
        return deleted
