"""The drives the save and open dialogs offer: removable and network drives by name, and home.

:func:`list_drives` reads psutil's partitions (mount options and file-system types included) and
:func:`classify_partition` decides, as a pure function of one partition and the platform name,
whether it is a drive a user saves to:

- network: NFS, SMB/CIFS, SSHFS, AFP, WebDAV, 9p... wherever it is mounted, and Windows drive
  letters marked ``remote``;
- removable: Linux mounts under ``/media``, ``/run/media`` and ``/mnt``; macOS volumes under
  ``/Volumes`` (not the system's hidden ``nobrowse`` ones); Windows drive letters marked
  ``removable`` (or an optical disc that holds one);
- local: the other Windows drive letters (``fixed``), and the user's home folder on every system;
- skipped: pseudo file systems (proc, sysfs, cgroup, tmpfs outside /media, overlay roots,
  squashfs snaps, autofs...), and the system's own partitions (``/``, ``/boot``...), which the
  home folder stands in for.

A drive's name is its volume label as the mount folder's last component (``/media/alice/STICK``
is ``STICK``) or its Windows drive letter (``E:``). Free space is read with a deadline, so a
hung network share never freezes a dialog: its ``free_bytes`` is then None.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Final, Literal, Protocol

import psutil

__all__ = [
    "NETWORK_FSTYPES",
    "PSEUDO_FSTYPES",
    "Drive",
    "DriveKind",
    "Partition",
    "classify_partition",
    "drives_from_partitions",
    "home_drive",
    "list_drives",
]

DriveKind = Literal["removable", "network", "local"]

NETWORK_FSTYPES: Final = frozenset(
    {
        "nfs", "nfs4", "cifs", "smbfs", "smb3", "smb2", "sshfs", "fuse.sshfs", "afpfs",
        "webdav", "davfs", "fuse.davfs", "davfs2", "9p", "ncpfs", "fuse.rclone", "fuse.s3fs",
        "afs", "glusterfs", "fuse.glusterfs", "ceph", "fuse.ceph",
    }
)  # fmt: skip

PSEUDO_FSTYPES: Final = frozenset(
    {
        "proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "ramfs", "cgroup", "cgroup2",
        "securityfs", "pstore", "debugfs", "tracefs", "configfs", "fusectl", "mqueue",
        "hugetlbfs", "bpf", "binfmt_misc", "autofs", "rpc_pipefs", "nsfs", "efivarfs",
        "overlay", "aufs", "squashfs", "selinuxfs", "nfsd", "fuse.gvfsd-fuse", "fuse.portal",
        "fuse.lxcfs", "fuse.snapfuse", "devfs", "fdesc", "nullfs", "lofs", "procfs", "linprocfs",
        "sockfs", "pipefs", "none", "",
    }
)  # fmt: skip

_LINUX_REMOVABLE_ROOTS: Final = ("/media", "/run/media", "/mnt")
# Only under these is a tmpfs a "drive" (some desktops mount RAM disks there for the user).
_LINUX_TMPFS_ROOTS: Final = ("/media", "/run/media")
_MACOS_VOLUMES: Final = "/Volumes"
_KIND_ORDER: Final[dict[DriveKind, int]] = {"removable": 0, "network": 1, "local": 2}


class Partition(Protocol):
    """What a drive is made from: the four fields of psutil's ``sdiskpart``."""

    @property
    def device(self) -> str: ...

    @property
    def mountpoint(self) -> str: ...

    @property
    def fstype(self) -> str: ...

    @property
    def opts(self) -> str: ...


@dataclass(frozen=True)
class Drive:
    """A place a user saves to or opens from.

    ``is_home`` marks the user's home folder (a GUI names it "Home" in its own language);
    ``read_only`` comes from the mount options.
    """

    name: str
    mountpoint: Path
    kind: DriveKind
    fstype: str
    free_bytes: int | None = None
    read_only: bool = False
    is_home: bool = False


def _options(part: Partition) -> frozenset[str]:
    return frozenset(option.strip().casefold() for option in part.opts.split(","))


def _pure(mountpoint: str, platform: str) -> PurePath:
    return PureWindowsPath(mountpoint) if platform == "win32" else PurePosixPath(mountpoint)


def _under(path: PurePath, roots: Iterable[str]) -> bool:
    return any(path == PurePosixPath(root) or PurePosixPath(root) in path.parents for root in roots)


def _name(path: PurePath) -> str:
    if path.name:
        return path.name
    if isinstance(path, PureWindowsPath) and path.drive:
        return path.drive.upper()
    return str(path)


def _windows_kind(part: Partition, options: frozenset[str]) -> DriveKind | None:
    if "remote" in options:
        return "network"
    if "removable" in options:
        return "removable"
    if "cdrom" in options:
        return "removable" if part.fstype else None  # an empty optical drive holds nothing
    if "fixed" in options:
        return "local"
    return None  # ramdisk, unknown, unmounted


def _posix_kind(
    part: Partition, path: PurePath, options: frozenset[str], platform: str
) -> DriveKind | None:
    fstype = part.fstype.casefold()
    if fstype in NETWORK_FSTYPES:
        return "network"
    if platform == "darwin":
        if fstype in PSEUDO_FSTYPES or "nobrowse" in options:
            return None
        inside = PurePosixPath(_MACOS_VOLUMES) in path.parents
        return "removable" if inside else None
    if fstype in {"tmpfs", "ramfs"}:
        return "removable" if _under(path, _LINUX_TMPFS_ROOTS) else None
    if fstype in PSEUDO_FSTYPES:
        return None
    return "removable" if _under(path, _LINUX_REMOVABLE_ROOTS) else None


def classify_partition(part: Partition, platform: str = sys.platform) -> Drive | None:
    """The :class:`Drive` ``part`` is on ``platform`` (``sys.platform`` values), or None when it
    is not one a user saves to. Pure: no file system access; ``free_bytes`` is None."""
    if not part.mountpoint:
        return None
    options = _options(part)
    path = _pure(part.mountpoint, platform)
    if platform == "win32":
        kind = _windows_kind(part, options)
    else:
        kind = _posix_kind(part, path, options, platform)
    if kind is None:
        return None
    return Drive(
        name=_name(path),
        mountpoint=Path(part.mountpoint),
        kind=kind,
        fstype=part.fstype,
        read_only="ro" in options,
    )


def home_drive(partitions: Sequence[Partition], home: Path, platform: str = sys.platform) -> Drive:
    """The user's home folder as a drive: its kind and file system are those of the partition
    that holds it (a home on NFS is a network drive). Pure."""
    home_path = _pure(str(home), platform)
    best: Partition | None = None
    best_depth = -1
    for part in partitions:
        mount = _pure(part.mountpoint, platform)
        if mount == home_path or mount in home_path.parents:
            depth = len(mount.parts)
            if depth >= best_depth:  # later mounts hide earlier ones at the same place
                best, best_depth = part, depth
    kind: DriveKind = "local"
    fstype = ""
    read_only = False
    if best is not None:
        fstype = best.fstype
        read_only = "ro" in _options(best)
        if fstype.casefold() in NETWORK_FSTYPES or (
            platform == "win32" and "remote" in _options(best)
        ):
            kind = "network"
    return Drive(
        name=_name(home_path),
        mountpoint=Path(home),
        kind=kind,
        fstype=fstype,
        read_only=read_only,
        is_home=True,
    )


def drives_from_partitions(
    partitions: Sequence[Partition], *, home: Path | None, platform: str = sys.platform
) -> list[Drive]:
    """The drives to offer, pure: home first (when given), then removable, network and local
    drives, each group by name. A mount point listed twice counts once (the last mount wins)."""
    by_mountpoint: dict[str, Drive | None] = {}
    for part in partitions:
        by_mountpoint.pop(part.mountpoint, None)  # keep the order of the last mount
        by_mountpoint[part.mountpoint] = classify_partition(part, platform)
    drives = sorted(
        (drive for drive in by_mountpoint.values() if drive is not None),
        key=lambda drive: (_KIND_ORDER[drive.kind], drive.name.casefold(), str(drive.mountpoint)),
    )
    if home is not None:
        drives = [
            home_drive(partitions, home, platform),
            *(drive for drive in drives if drive.mountpoint != Path(home)),
        ]
    return drives


def _free_bytes(drives: Sequence[Drive], timeout: float) -> list[int | None]:
    """The free space of each drive, each read in its own daemon thread, all within ``timeout``
    seconds; a drive that does not answer in time (a hung share) or fails gets None."""
    results: queue.Queue[tuple[int, int | None]] = queue.Queue()

    def measure(index: int, mountpoint: Path) -> None:
        try:
            free: int | None = psutil.disk_usage(str(mountpoint)).free
        except (OSError, SystemError):
            free = None
        results.put((index, free))

    for index, drive in enumerate(drives):
        threading.Thread(
            target=measure, args=(index, drive.mountpoint), name="drive-free-space", daemon=True
        ).start()
    free: list[int | None] = [None] * len(drives)
    deadline = time.monotonic() + timeout
    for _ in drives:
        try:
            index, value = results.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        free[index] = value
    return free


def list_drives(*, home: Path | None = None, usage_timeout: float = 1.0) -> list[Drive]:
    """The drives of this machine to offer in a save or open dialog (see the module docstring).

    ``home`` defaults to the user's home folder. Free space is read within ``usage_timeout``
    seconds in all.
    """
    home = Path.home() if home is None else home
    partitions = psutil.disk_partitions(all=True)
    drives = drives_from_partitions(partitions, home=home)
    free = _free_bytes(drives, usage_timeout)
    return [replace(drive, free_bytes=value) for drive, value in zip(drives, free, strict=True)]
