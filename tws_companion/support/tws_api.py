"""The TWS API components on macOS and Linux: the doctor's check of ``~/IBJts``, and installing
a downloaded ``twsapi_macunix.N.M.zip`` into the home folder as the knowledge base describes
("How to install the TWS API Components on Mac / Unix": unzip it into ``$HOME`` and confirm that
``~/IBJts`` holds ``samples`` and ``source``).

The archive is extracted safely, without ``sudo``: every entry must lie under ``IBJts/`` (no
absolute path, no drive letter, no ``..``, no link or device), at most :data:`MAX_ENTRIES`
entries and :data:`MAX_BYTES` bytes once extracted (counted as written, not as the archive
claims). It is first extracted beside the target, then moved into place; an existing
``~/IBJts`` is kept unless the caller asks to replace it, and then it is renamed, never deleted.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Final

from tws_companion.support.doctor_findings import Finding, Status

__all__ = [
    "API_FOLDER",
    "ARCHIVE_PATTERN",
    "MAX_BYTES",
    "MAX_ENTRIES",
    "ApiInstallError",
    "ApiInstalled",
    "check_tws_api",
    "install_tws_api",
]

API_FOLDER: Final = "IBJts"
#: The sub-folders the knowledge base says to confirm.
REQUIRED: Final = ("samples", "source")
#: The name of the download (n and m: the major and minor version).
ARCHIVE_PATTERN: Final = re.compile(r"twsapi_macunix\.\d+\.\d+\.zip", re.IGNORECASE)
#: Bounds of an archive: the real one holds a few thousand files and tens of megabytes.
MAX_ENTRIES: Final = 50_000
MAX_BYTES: Final = 1024 * 1024 * 1024
_CHUNK: Final = 256 * 1024


class ApiInstallError(Exception):
    """The archive was refused, or could not be installed; nothing was left half-done."""


@dataclass(frozen=True)
class ApiInstalled:
    """An installation done: where, how much, and where the folder it replaced went."""

    folder: Path
    files: int
    size: int
    replaced: Path | None = None


def check_tws_api(home: Path) -> Finding:
    """``home/IBJts`` with ``samples`` and ``source``: ok; missing: a warning (only API users
    need it); present but incomplete: a problem."""
    folder = home / API_FOLDER
    if not folder.is_dir():
        return Finding("tws_api", Status.WARNING, "tws_api.missing", {"path": str(folder)})
    missing = [name for name in REQUIRED if not (folder / name).is_dir()]
    if missing:
        params = {"path": str(folder), "missing": ", ".join(missing)}
        return Finding("tws_api", Status.PROBLEM, "tws_api.incomplete", params)
    return Finding("tws_api", Status.OK, "tws_api.ok", {"path": str(folder)})


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    """The entry's path below the home folder, or :class:`ApiInstallError`."""
    name = info.filename
    if "\\" in name or "\x00" in name:
        raise ApiInstallError(f"refused: the archive entry {name!r} has an unusual name")
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name):
        raise ApiInstallError(f"refused: the archive entry {name!r} has an absolute path")
    if any(part in ("..", "") for part in name.rstrip("/").split("/")) or ".." in path.parts:
        raise ApiInstallError(f"refused: the archive entry {name!r} leaves its folder")
    if path.parts[0] != API_FOLDER or (len(path.parts) == 1 and not info.is_dir()):
        raise ApiInstallError(
            f"refused: the archive entry {name!r} is outside {API_FOLDER}/ "
            "(this is not the TWS API archive)"
        )
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise ApiInstallError(f"refused: the archive entry {name!r} is a link or a device")
    return path


def _checked_members(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    members = archive.infolist()
    if len(members) > MAX_ENTRIES:
        raise ApiInstallError(f"refused: the archive has more than {MAX_ENTRIES} entries")
    checked = [(info, _member_path(info)) for info in members]
    if sum(info.file_size for info, _ in checked) > MAX_BYTES:
        raise ApiInstallError(f"refused: the archive holds more than {MAX_BYTES} bytes")
    return checked


def _extract(archive: zipfile.ZipFile, into: Path) -> tuple[int, int]:
    """Extract the checked entries under ``into``; (files, bytes) written."""
    files = written = 0
    for info, path in _checked_members(archive):
        target = into.joinpath(*path.parts)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        executable = (info.external_attr >> 16) & 0o100
        with archive.open(info) as source, open(target, "xb") as out:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > MAX_BYTES:  # the sizes in the archive may lie
                    raise ApiInstallError(f"refused: the archive expands beyond {MAX_BYTES} bytes")
                out.write(chunk)
        os.chmod(target, 0o755 if executable else 0o644)
        files += 1
    return files, written


def _aside(folder: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    candidate = folder.with_name(f"{folder.name}.old-{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = folder.with_name(f"{folder.name}.old-{stamp}-{number}")
    return candidate


def install_tws_api(
    archive_path: Path, home: Path, *, replace: bool = False, now: datetime | None = None
) -> ApiInstalled:
    """Install the TWS API archive at ``archive_path`` as ``home/IBJts``.

    An existing ``home/IBJts`` is kept (:class:`ApiInstallError`) unless ``replace``: then it is
    renamed ``IBJts.old-<date>-<time>`` and kept. The archive must yield ``samples`` and
    ``source``; anything refused leaves the home folder as it was.
    """
    folder = home / API_FOLDER
    if (folder.exists() or folder.is_symlink()) and not replace:
        raise ApiInstallError(
            f"{folder} already exists and was kept; to replace it (the old one is kept beside "
            "it), install again with --replace"
        )
    try:
        archive = zipfile.ZipFile(archive_path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ApiInstallError(f"{archive_path} cannot be read as a zip archive: {exc}") from exc
    staging = Path(tempfile.mkdtemp(prefix=".IBJts-install-", dir=home))
    try:
        with archive:
            try:
                files, size = _extract(archive, staging)
            except (OSError, zipfile.BadZipFile, EOFError) as exc:
                raise ApiInstallError(f"{archive_path} could not be extracted: {exc}") from exc
        extracted = staging / API_FOLDER
        missing = [name for name in REQUIRED if not (extracted / name).is_dir()]
        if missing:
            raise ApiInstallError(
                f"refused: the archive has no {API_FOLDER}/{' or '.join(missing)} "
                "(this is not the TWS API archive)"
            )
        replaced = None
        if folder.exists() or folder.is_symlink():
            replaced = _aside(folder, now or datetime.now())
            folder.rename(replaced)
        extracted.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ApiInstalled(folder=folder, files=files, size=size, replaced=replaced)
