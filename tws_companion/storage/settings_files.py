"""One user's settings files on this machine: the settings, their backups, a small profile.

``<root>/users/<safe name>/`` holds::

    settings.xml                       the current settings (bytes; this module never parses them)
    settings.xml.corrupt-<UTC time>    a settings file found damaged at start-up, set aside
    backups/settings-<UTC time>Z.xml   a copy kept by every save (see backups.py)
    profile.json                       small facts about the user, e.g. the last server URL
    .lock                              the instance lock (see instance_lock.py)

A save writes atomically, reads the file back through a new file descriptor and compares, then
keeps a backup (a copy with its own fsync) and prunes old ones; a save of the bytes the file
holds already writes nothing (see ``UserSettingsFiles._holds``). A backup is a copy, not a hard
link to the settings file: a settings file damaged in place (an editor, a disk fault) must not
damage its newest backup with it. A load that finds the settings
damaged sets the file aside (never deletes it) and falls back to the newest backup that parses,
and says so in :attr:`Loaded.problem`: the caller shows that message; it never falls back to
defaults silently.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Generic, Literal, TypeVar

from tws_companion.storage.atomic import TEMP_SUFFIX, atomic_write_bytes
from tws_companion.storage.backups import Backup, BackupSet, require_utc
from tws_companion.storage.errors import StorageError, VerifyFailed, from_os_error
from tws_companion.storage.export import read_back_matches
from tws_companion.storage.instance_lock import LOCK_NAME, InstanceLock
from tws_companion.storage.paths import FILE_MODE, ensure_private_dir, ensure_user_dir, user_dir

__all__ = [
    "BACKUPS_DIR",
    "CORRUPT_MARK",
    "MAX_PROFILE_BYTES",
    "PROFILE_NAME",
    "SETTINGS_NAME",
    "LoadSource",
    "Loaded",
    "UserSettingsFiles",
]

_log = logging.getLogger(__name__)

#: Serialises every read-modify-write of a profile in this process (the GUI thread and the worker
#: both note facts in it); other processes are kept out by the instance lock.
_PROFILE_UPDATES = threading.Lock()

T = TypeVar("T")

SETTINGS_NAME: Final = "settings.xml"
PROFILE_NAME: Final = "profile.json"
BACKUPS_DIR: Final = "backups"
#: A damaged settings file is renamed ``settings.xml.corrupt-<UTC time>``.
CORRUPT_MARK: Final = ".corrupt-"
#: A larger profile is not a profile; it is ignored.
MAX_PROFILE_BYTES: Final = 64 * 1024

LoadSource = Literal["settings", "backup", "none"]


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """What :meth:`UserSettingsFiles.load` found.

    - ``source == "settings"``: ``value`` is the settings file, all is well.
    - ``source == "backup"``: the settings file was damaged or missing; ``value`` comes from
      ``backup``; ``set_aside`` is where the damaged file went (None when it was missing);
      ``problem`` says so in a sentence for the user.
    - ``source == "none"``: ``value`` is None. With ``problem`` None, nothing was ever saved (a
      first run: use defaults). With a ``problem``, the settings were damaged and no backup could
      be read: the caller uses defaults *and* shows the problem.
    """

    value: T | None
    source: LoadSource
    set_aside: Path | None = None
    backup: Backup | None = None
    problem: str | None = None


def _utc_stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S.%fZ")


class UserSettingsFiles:
    """The settings files of one user on this machine, under the data root ``root``.

    Nothing is created until the first save. The caller holds :meth:`lock` while it runs, so two
    instances never write the same files.
    """

    def __init__(self, root: Path, username: str) -> None:
        self.root = Path(root)
        self.username = username
        self.folder = user_dir(root, username)
        self.settings_path = self.folder / SETTINGS_NAME
        self.profile_path = self.folder / PROFILE_NAME
        self.lock_path = self.folder / LOCK_NAME
        self.backups = BackupSet(self.folder / BACKUPS_DIR)

    def __repr__(self) -> str:
        return f"UserSettingsFiles({str(self.folder)!r})"

    def lock(self) -> InstanceLock:
        """The instance lock of this user's files (not yet acquired). The user's folder is made
        owner-only first, tightening what an earlier release left readable by others."""
        with contextlib.suppress(OSError):  # a read-only home still lets the lock be taken
            ensure_user_dir(self.root, self.username)
        return InstanceLock(self.lock_path)

    # --- settings -------------------------------------------------------------------------

    def save(self, data: bytes, now: datetime | None = None) -> None:
        """Write ``data`` as the settings, verified, and keep a backup of it.

        The write is atomic: on failure the previous settings are intact and a
        :class:`~tws_companion.storage.errors.StorageError` subclass says why (a full drive...).
        The file is then read back through a new file descriptor (from the page cache: see
        :func:`~tws_companion.storage.export.read_back_matches`); a difference raises
        :class:`VerifyFailed` (the backups still hold the previous saves); when the file holds
        exactly ``data`` already, nothing is written (see :meth:`_holds`). Then ``data`` is kept
        as a backup (unless the newest backup already holds exactly these bytes, so repeated
        auto-saves of unchanged settings do not push older backups out) and old backups are
        pruned.
        """
        moment = datetime.now(UTC) if now is None else require_utc(now)
        path = self.settings_path
        if not self._holds(data):
            previous_kept = False
            try:
                ensure_private_dir(self.folder)
                previous_kept = path.is_file()
                atomic_write_bytes(path, data, mode=FILE_MODE)
            except OSError as exc:
                raise from_os_error(exc, path, writing=True, previous_kept=previous_kept) from exc
            try:
                # From the page cache: dropping it to read from the drive would cost as much as
                # the write itself, for the app's own folder (exports to other drives do drop it).
                matches = read_back_matches(path, data, from_drive=False)
            except OSError as exc:
                raise from_os_error(exc, path, writing=False) from exc
            if not matches:
                raise VerifyFailed(path, previous_kept=False)
        backups = self.backups.list()
        newest = backups[0] if backups else None
        if newest is None or newest.size != len(data) or self.backups.read(newest) != data:
            backups.insert(0, self.backups.add(data, moment, existing=backups))
        self.backups.prune(moment, backups=backups)

    def _holds(self, data: bytes) -> bool:
        """Whether the settings file holds exactly ``data`` already, owner-only: a save of
        unchanged settings (an auto-save, Save Settings twice) then writes nothing. Those bytes
        were made durable by the save that wrote them (every write here is fsynced), and
        reading them just now is the read-back check. Any doubt (no such file, another size or
        mode, a read error) is a write."""
        try:
            info = os.stat(self.settings_path)
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_size != len(data)
                or stat.S_IMODE(info.st_mode) != FILE_MODE
            ):
                return False
            return self.settings_path.read_bytes() == data
        except OSError:
            return False

    def load(
        self,
        parse: Callable[[bytes], T],
        *,
        errors: tuple[type[Exception], ...],
        now: datetime | None = None,
    ) -> Loaded[T]:
        """The settings, parsed by ``parse``; a damaged file falls back to the newest good backup.

        An exception of one of the types in ``errors`` raised by ``parse`` marks a file as
        damaged: the settings file is then renamed ``settings.xml.corrupt-<UTC time>`` (``now``,
        default the current time) and the backups are tried newest first. When one parses, the
        settings file is rewritten from it (best effort), so the next start is clean. Any other
        exception of ``parse`` propagates (a bug is not a damaged file). A settings file that
        cannot be read or set aside raises a :class:`StorageError`. See :class:`Loaded`.
        """
        moment = datetime.now(UTC) if now is None else require_utc(now)
        problem: str
        set_aside: Path | None = None
        try:
            data = self.settings_path.read_bytes()
        except FileNotFoundError:
            if not self.backups.list():
                return Loaded(value=None, source="none")
            problem = f"The settings file {self.settings_path} is missing."
        except OSError as exc:
            raise from_os_error(exc, self.settings_path, writing=False) from exc
        else:
            try:
                return Loaded(value=parse(data), source="settings")
            except errors as exc:
                set_aside = self._set_aside(moment)
                problem = f"The settings file was damaged ({exc}); it was kept as {set_aside.name}."

        rejected = 0
        for backup in self.backups.list():
            try:
                value = parse(self.backups.read(backup))
            except StorageError as exc:
                _log.warning("skipping an unreadable backup %s: %s", backup.path.name, exc)
                rejected += 1
                continue
            except errors as exc:
                _log.warning("skipping a damaged backup %s: %s", backup.path.name, exc)
                rejected += 1
                continue
            self._restore(backup)
            when = backup.saved_at.strftime("%Y-%m-%d %H:%M:%S UTC")
            skipped = f" ({rejected} newer backups could not be read)" if rejected else ""
            return Loaded(
                value=value,
                source="backup",
                set_aside=set_aside,
                backup=backup,
                problem=f"{problem} The backup of {when} is used instead{skipped}.",
            )
        return Loaded(
            value=None,
            source="none",
            set_aside=set_aside,
            problem=f"{problem} No backup could be read either: the default settings are used.",
        )

    def _set_aside(self, moment: datetime) -> Path:
        """Rename the settings file to a name no other file has; return the new path."""
        for attempt in range(1000):
            stamp = _utc_stamp(moment + timedelta(microseconds=attempt))
            target = self.folder / f"{SETTINGS_NAME}{CORRUPT_MARK}{stamp}"
            if target.exists():
                continue
            try:
                os.rename(self.settings_path, target)
            except OSError as exc:
                raise from_os_error(exc, self.settings_path, writing=True) from exc
            _log.warning("set aside a damaged settings file as %s", target.name)
            return target
        raise StorageError(  # pragma: no cover - a thousand files set aside in one microsecond
            f"Could not set aside the damaged settings file {self.settings_path}.",
            self.settings_path,
        )

    def _restore(self, backup: Backup) -> None:
        try:
            atomic_write_bytes(self.settings_path, self.backups.read(backup), mode=FILE_MODE)
        except (OSError, StorageError) as exc:
            _log.warning("could not restore the settings from %s: %s", backup.path.name, exc)

    def set_aside_files(self) -> list[Path]:
        """The damaged settings files set aside so far, oldest first."""
        try:
            names = sorted(entry.name for entry in os.scandir(self.folder))
        except (FileNotFoundError, NotADirectoryError):
            return []
        prefix = f"{SETTINGS_NAME}{CORRUPT_MARK}"
        return [self.folder / name for name in names if name.startswith(prefix)]

    def discard_temp_files(self) -> list[Path]:
        """Delete the temporary files that writes cut short by a crash left behind.

        Call it only while holding :meth:`lock` (another instance's write in progress would
        otherwise lose its temporary file). Returns the files deleted.
        """
        removed: list[Path] = []
        for folder in (self.folder, self.backups.folder):
            try:
                names = [entry.name for entry in os.scandir(folder)]
            except (FileNotFoundError, NotADirectoryError):
                continue
            for name in names:
                if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                    with contextlib.suppress(FileNotFoundError):
                        (folder / name).unlink()
                        removed.append(folder / name)
        return removed

    # --- profile --------------------------------------------------------------------------

    def read_profile(self) -> dict[str, Any]:
        """The user's profile (a JSON object); {} when there is none or it cannot be read."""
        try:
            with self.profile_path.open("rb") as handle:
                raw = handle.read(MAX_PROFILE_BYTES + 1)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            _log.warning("could not read %s: %s", self.profile_path, exc)
            return {}
        if len(raw) > MAX_PROFILE_BYTES:
            _log.warning("ignoring %s: larger than %d bytes", self.profile_path, MAX_PROFILE_BYTES)
            return {}
        try:
            value = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            _log.warning("ignoring %s: not valid JSON", self.profile_path)
            return {}
        if not isinstance(value, dict):
            _log.warning("ignoring %s: not a JSON object", self.profile_path)
            return {}
        return value

    def update_profile(self, change: Callable[[dict[str, Any]], bool]) -> None:
        """Read the profile, let ``change`` edit it in place and write it when ``change`` says it
        changed something, with no other update of a profile in this process in between (so two
        facts noted at once are both kept). Errors as :meth:`write_profile`."""
        with _PROFILE_UPDATES:
            profile = self.read_profile()
            if change(profile):
                self.write_profile(profile)

    def write_profile(self, profile: Mapping[str, Any]) -> None:
        """Replace the profile with ``profile`` (JSON-serializable), atomically.

        Raises :class:`TypeError` for values JSON cannot hold, and a
        :class:`~tws_companion.storage.errors.StorageError` when the file cannot be written.
        """
        text = json.dumps(dict(profile), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        data = text.encode("utf-8")
        if len(data) > MAX_PROFILE_BYTES:
            raise ValueError(f"a profile holds at most {MAX_PROFILE_BYTES} bytes")
        try:
            ensure_private_dir(self.folder)
            atomic_write_bytes(self.profile_path, data, mode=FILE_MODE)
        except OSError as exc:
            raise from_os_error(exc, self.profile_path, writing=True, previous_kept=True) from exc
