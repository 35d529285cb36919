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
import stat
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


def _parse_stamp(stamp: str) -> datetime | None:
    """The UTC time of a stamp ``YYYYmmddTHHMMSS.ffffff`` (as :data:`_NAME_RE` matched it);
    ``None`` when those digits are no time. The same as ``strptime`` with :data:`_STAMP_FORMAT`,
    in a fraction of its time (a save lists the backups)."""
    try:
        return datetime(
            int(stamp[0:4]),
            int(stamp[4:6]),
            int(stamp[6:8]),
            int(stamp[9:11]),
            int(stamp[11:13]),
            int(stamp[13:15]),
            int(stamp[16:22]),
            tzinfo=UTC,
        )
    except ValueError:
        return None


class BackupSet:
    """The backups in one folder (created, mode 0700, on the first :meth:`add`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"BackupSet({str(self.folder)!r})"

    def add(
        self, data: bytes, now: datetime, *, existing: builtins.list[Backup] | None = None
    ) -> Backup:
        """Keep ``data`` as a new backup saved at ``now`` (timezone-aware) and return it.

        The new backup always sorts as the newest: should the clock have gone back since the
        newest existing backup, it is stamped one microsecond after that one. ``existing`` is
        what :meth:`list` just returned, when the caller has it (else the folder is listed).
        Raises a :class:`~tws_companion.storage.errors.StorageError` when the file cannot be
        written.
        """
        moment = require_utc(now)
        if existing is None:
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
            saved_at = _parse_stamp(match.group(1))
            if saved_at is None:
                continue  # a name of the right shape, but no time (a month 13): not ours
            path = self.folder / name
            try:
                info = os.stat(path)
            except OSError:
                continue  # removed meanwhile (pruned by another save)
            if not stat.S_ISREG(info.st_mode):
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

    def prune(
        self, now: datetime, *, backups: builtins.list[Backup] | None = None
    ) -> builtins.list[Backup]:
        """Delete backups beyond the newest :data:`MAX_BACKUPS` or older than
        :data:`MAX_BACKUP_AGE` at ``now``; the newest backup is never deleted.

        ``backups`` is the current list, newest first, when the caller has it (else the folder
        is listed). Returns the backups deleted. A backup that cannot be deleted is logged and
        kept: pruning is housekeeping and never fails a save.
        """
        moment = require_utc(now)
        deleted: builtins.list[Backup] = []
        for index, backup in enumerate(self.list() if backups is None else backups):
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
