"""The diagnostics bundle: one zip a user sends to support about a login problem.

It holds, and :func:`plan_bundle` lists before anything is written (the user sees exactly this):

- ``environment.txt``: app version, Python, operating system, locale, language, and in the GUI the
  Qt version and the screens (:mod:`tws_companion.support.environment`);
- ``settings-summary.txt``: the names, sizes, times and counts of the settings files, per user
  under the user's pseudonym, never their content, nor a user name or a folder path;
- ``traces/``: the most recent login traces (already redacted when they were written);
- ``logs/``: the app's log files in the log folder (each cut to its last :data:`MAX_LOG_BYTES`).

The bundle is built in memory (each part is bounded) and written atomically, owner-only;
:func:`write_bundle` turns an :class:`OSError` into the storage error that explains it (a full or
read-only drive, a vanished folder). Reading the folders and writing the zip touch the disk: the
GUI runs both on its worker.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import unquote

from tws_companion.storage.atomic import TEMP_SUFFIX, atomic_write_bytes
from tws_companion.storage.errors import from_os_error
from tws_companion.storage.paths import data_root
from tws_companion.support.environment import DisplayInfo, Environment, collect_environment
from tws_companion.support.locations import log_dir, pseudonym_key_path
from tws_companion.support.pseudonyms import Pseudonyms
from tws_companion.support.sizes import human_size
from tws_companion.support.trace_store import TraceStore

__all__ = [
    "ENVIRONMENT_NAME",
    "MAX_LOG_BYTES",
    "MAX_LOG_FILES",
    "MAX_TRACES_IN_BUNDLE",
    "SUMMARY_NAME",
    "Bundle",
    "BundleEntry",
    "gather_bundle",
    "plan_bundle",
    "write_bundle",
]

ENVIRONMENT_NAME: Final = "environment.txt"
SUMMARY_NAME: Final = "settings-summary.txt"
MAX_TRACES_IN_BUNDLE: Final = 20
MAX_LOG_FILES: Final = 10
MAX_LOG_BYTES: Final = 1024 * 1024
#: A folder with more files than this is summed up (count, size, oldest, newest), not listed.
_LISTED_FILES: Final = 10


@dataclass(frozen=True, slots=True)
class BundleEntry:
    """One file of the bundle: its name in the zip and its exact content."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True, slots=True)
class Bundle:
    """What a bundle holds, file by file, before it is written."""

    entries: tuple[BundleEntry, ...]
    created_at: datetime

    @property
    def size(self) -> int:
        return sum(entry.size for entry in self.entries)

    def text_of(self, name: str) -> str:
        """The content of the text file ``name`` (``environment.txt``, ``settings-summary.txt``)."""
        for entry in self.entries:
            if entry.name == name:
                return entry.data.decode("utf-8", errors="replace")
        raise KeyError(name)

    def listing(self) -> list[str]:
        """One line per file, ``name  size``, then the total."""
        width = max((len(entry.name) for entry in self.entries), default=0)
        lines = [f"  {entry.name:<{width}}  {human_size(entry.size)}" for entry in self.entries]
        files = "file" if len(self.entries) == 1 else "files"
        lines.append(f"{len(self.entries)} {files}, {human_size(self.size)} before compression")
        return lines


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _files_under(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Every regular file below ``folder`` (links not followed), with its stat."""
    for current, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(current) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if path.is_file() and not path.is_symlink():
                yield path, info


def _describe_folder(folder: Path) -> list[str]:
    """The files below ``folder``: listed per subfolder, or summed up when there are many."""
    groups: dict[str, list[tuple[str, os.stat_result]]] = {}
    for path, info in _files_under(folder):
        relative = path.relative_to(folder)
        parent = relative.parent.as_posix()
        groups.setdefault("" if parent == "." else parent + "/", []).append((relative.name, info))
    lines: list[str] = []
    for parent, files in sorted(groups.items()):
        if len(files) > _LISTED_FILES:
            times = [info.st_mtime for _name, info in files]
            total = sum(info.st_size for _name, info in files)
            lines.append(
                f"    {parent}: {len(files)} files, {human_size(total)}, "
                f"oldest {_stamp(min(times))}, newest {_stamp(max(times))}"
            )
            continue
        for name, info in files:
            lines.append(
                f"    {parent}{name}  {human_size(info.st_size)}  modified {_stamp(info.st_mtime)}"
            )
    return lines


def _settings_summary(root: Path, log_folder: Path, pseudonyms: Pseudonyms) -> str:
    users_folder = root / "users"
    try:
        user_folders = sorted(path for path in users_folder.iterdir() if path.is_dir())
    except OSError:
        user_folders = []
    lines = [
        "Settings summary: file names, sizes, times and counts only (no content). Users are "
        "shown by the same pseudonym as in their login traces.",
        "",
        f"Users with settings on this computer: {len(user_folders)}",
    ]
    for folder in user_folders:
        files = list(_files_under(folder))
        lines.append(
            f"  {pseudonyms.of(unquote(folder.name))}: {len(files)} files, "
            f"{human_size(sum(info.st_size for _path, info in files))}"
        )
        lines.extend(_describe_folder(folder))
    try:
        others = sorted(path.name for path in root.iterdir() if path.name != "users")
    except OSError:
        others = []
    lines.append("")
    lines.append("Other entries in the data folder: " + (", ".join(others) if others else "none"))
    traces = TraceStore(log_folder / "traces").paths()
    lines.append(f"Login traces kept: {len(traces)}")
    return "\n".join(lines) + "\n"


def _log_files(log_folder: Path) -> list[Path]:
    """The app's log files (``*.log``, ``*.log.1``...), newest first."""
    try:
        entries = [
            path
            for path in log_folder.iterdir()
            if ".log" in path.name and not path.name.endswith(TEMP_SUFFIX) and path.is_file()
        ]
    except OSError:
        return []
    return sorted(entries, key=lambda path: path.stat().st_mtime, reverse=True)[:MAX_LOG_FILES]


def _tail(path: Path) -> bytes | None:
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, io.SEEK_END)
            handle.seek(max(0, size - MAX_LOG_BYTES))
            return handle.read(MAX_LOG_BYTES)
    except OSError:
        return None


def plan_bundle(
    *,
    root: Path,
    log_folder: Path,
    pseudonyms: Pseudonyms,
    environment: Environment,
    max_traces: int = MAX_TRACES_IN_BUNDLE,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Bundle:
    """Gather the bundle: the data root ``root`` (settings), the log folder (traces, logs), the
    environment. Files that cannot be read are left out."""
    entries = [
        BundleEntry(ENVIRONMENT_NAME, ("\n".join(environment.lines()) + "\n").encode("utf-8")),
        BundleEntry(SUMMARY_NAME, _settings_summary(root, log_folder, pseudonyms).encode("utf-8")),
    ]
    for path in TraceStore(log_folder / "traces").recent(max_traces):
        try:
            entries.append(BundleEntry(f"traces/{path.name}", path.read_bytes()))
        except OSError:
            continue
    for path in _log_files(log_folder):
        data = _tail(path)
        if data is not None:
            entries.append(BundleEntry(f"logs/{path.name}", data))
    return Bundle(tuple(entries), now())


def gather_bundle(home: Path | None = None, display: DisplayInfo | None = None) -> Bundle:
    """The bundle of this machine (``home``: the data root, as ``--home``); ``display`` adds the
    GUI's part of the environment."""
    return plan_bundle(
        root=data_root(home),
        log_folder=log_dir(home),
        pseudonyms=Pseudonyms(pseudonym_key_path(home)),
        environment=collect_environment(display),
    )


def write_bundle(bundle: Bundle, output: Path) -> Path:
    """Write ``bundle`` as a zip at ``output`` (replacing a file there, atomically, mode 0600).

    Raises the ``StorageError`` that explains a failure (a full or read-only drive, a
    folder that does not exist); a file already at ``output`` is then left as it was.
    """
    output = Path(output)
    stamp = bundle.created_at.astimezone(UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in bundle.entries:
            info = zipfile.ZipInfo(entry.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, entry.data)
    try:
        atomic_write_bytes(output, buffer.getvalue())
    except OSError as exc:
        raise from_os_error(exc, output, writing=True, previous_kept=output.exists()) from exc
    return output
