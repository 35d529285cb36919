"""The drives the save and open dialogs list: removable and network drives by name, and home.

The classification is checked on fabricated partitions as psutil reports them on Linux, macOS and
Windows; one test calls psutil on this machine.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import NamedTuple

import psutil
import pytest

from tws_companion.storage.drives import (
    Drive,
    classify_partition,
    drives_from_partitions,
    home_drive,
    list_drives,
)


class Part(NamedTuple):
    """The shape of psutil's ``sdiskpart``."""

    device: str
    mountpoint: str
    fstype: str
    opts: str


LINUX = [
    Part("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime"),
    Part("sysfs", "/sys", "sysfs", "rw,nosuid,nodev,noexec,relatime"),
    Part("udev", "/dev", "devtmpfs", "rw,nosuid,relatime,size=8048k"),
    Part("tmpfs", "/run", "tmpfs", "rw,nosuid,nodev,noexec,relatime,size=1622800k"),
    Part("/dev/nvme0n1p2", "/", "ext4", "rw,relatime,errors=remount-ro"),
    Part("/dev/nvme0n1p1", "/boot/efi", "vfat", "rw,relatime,fmask=0077,dmask=0077"),
    Part("tmpfs", "/dev/shm", "tmpfs", "rw,nosuid,nodev"),
    Part("cgroup2", "/sys/fs/cgroup", "cgroup2", "rw,nosuid,nodev,noexec,relatime"),
    Part("/dev/loop3", "/snap/core22/1380", "squashfs", "ro,nodev,relatime"),
    Part("overlay", "/var/lib/docker/overlay2/abc/merged", "overlay", "rw,relatime"),
    Part("gvfsd-fuse", "/run/user/1000/gvfs", "fuse.gvfsd-fuse", "rw,nosuid,nodev,relatime"),
    Part("portal", "/run/user/1000/doc", "fuse.portal", "rw,nosuid,nodev,relatime"),
    Part("/dev/sdb1", "/media/alice/STICK", "vfat", "rw,nosuid,nodev,relatime,uid=1000"),
    Part("/dev/sdc1", "/run/media/bob/My Passport", "exfat", "rw,nosuid,nodev,relatime"),
    Part("/dev/sdd1", "/mnt/backup", "ext4", "rw,relatime"),
    Part("/dev/sr0", "/media/alice/DVD_2024", "iso9660", "ro,nosuid,nodev,relatime"),
    Part("/dev/sde1", "/media/alice/Windows Disk", "fuseblk", "rw,nosuid,nodev,relatime"),
    Part("tmpfs", "/media/ramdisk", "tmpfs", "rw,relatime,size=65536k"),
    Part("tmpfs", "/mnt/sandbox/python", "tmpfs", "ro,nosuid,nodev,relatime,size=4k"),
    Part("nas:/export/trading", "/srv/trading", "nfs4", "rw,relatime,vers=4.2"),
    Part("//fileserver/desk", "/home/alice/desk", "cifs", "rw,relatime,vers=3.1.1"),
    Part("alice@host:", "/home/alice/remote", "fuse.sshfs", "rw,nosuid,nodev,relatime"),
    Part("https://dav.example/", "/home/alice/dav", "davfs", "rw,nosuid,nodev,relatime"),
    Part("share", "/mnt/host", "9p", "rw,relatime,trans=virtio"),
]

MACOS = [
    Part("/dev/disk3s1s1", "/", "apfs", "ro,local,rootfs,dovolfs,journaled,multilabel"),
    Part("devfs", "/dev", "devfs", "rw,local,dontbrowse,multilabel"),
    Part("/dev/disk3s6", "/System/Volumes/VM", "apfs", "rw,noexec,local,dovolfs,nobrowse"),
    Part("/dev/disk3s5", "/System/Volumes/Data", "apfs", "rw,local,dovolfs,nobrowse"),
    Part("map auto_home", "/System/Volumes/Data/home", "autofs", "rw,dontbrowse,automounted"),
    Part("/dev/disk2s1", "/Volumes/Recovery", "apfs", "rw,local,dovolfs,nobrowse"),
    Part("/dev/disk4s1", "/Volumes/STICK", "msdos", "rw,nosuid,local,ignore-ownership"),
    Part("/dev/disk5s2", "/Volumes/Time Machine", "hfs", "rw,local,journaled"),
    Part("//alice@nas/trading", "/Volumes/trading", "smbfs", "rw,nodev,nosuid,automounted"),
    Part("afp_2xy", "/Volumes/archive", "afpfs", "rw,nodev,nosuid"),
    Part("https://dav.example", "/Volumes/dav.example", "webdav", "rw,nodev,nosuid"),
    Part("nas:/export", "/Users/alice/nfs", "nfs", "rw,nodev,nosuid"),
]

WINDOWS = [
    Part("C:\\", "C:\\", "NTFS", "rw,fixed"),
    Part("D:\\", "D:\\", "", "cdrom"),
    Part("E:\\", "E:\\", "FAT32", "rw,removable"),
    Part("F:\\", "F:\\", "CDFS", "ro,cdrom"),
    Part("G:\\", "G:\\", "NTFS", "rw,fixed"),
    Part("C:\\", "C:\\mnt\\archive\\", "NTFS", "rw,fixed"),
    Part("R:\\", "R:\\", "", "ramdisk"),
    Part("Z:\\", "Z:\\", "NTFS", "rw,remote"),
]


def _summary(drives: list[Drive]) -> list[tuple[str, str, str]]:
    return [(drive.name, drive.kind, str(drive.mountpoint)) for drive in drives]


def test_linux_removable_and_network_drives() -> None:
    found = drives_from_partitions(LINUX, home=None, platform="linux")
    assert _summary(found) == [
        ("backup", "removable", "/mnt/backup"),
        ("DVD_2024", "removable", "/media/alice/DVD_2024"),
        ("My Passport", "removable", "/run/media/bob/My Passport"),
        ("ramdisk", "removable", "/media/ramdisk"),
        ("STICK", "removable", "/media/alice/STICK"),
        ("Windows Disk", "removable", "/media/alice/Windows Disk"),
        ("dav", "network", "/home/alice/dav"),
        ("desk", "network", "/home/alice/desk"),
        ("host", "network", "/mnt/host"),
        ("remote", "network", "/home/alice/remote"),
        ("trading", "network", "/srv/trading"),
    ]


def test_linux_details_of_a_drive() -> None:
    stick = classify_partition(LINUX[12], platform="linux")
    assert stick == Drive(
        name="STICK",
        mountpoint=Path("/media/alice/STICK"),
        kind="removable",
        fstype="vfat",
        free_bytes=None,
        read_only=False,
        is_home=False,
    )
    dvd = classify_partition(LINUX[15], platform="linux")
    assert dvd is not None
    assert dvd.read_only


@pytest.mark.parametrize(
    "mountpoint",
    ["/", "/boot/efi", "/proc", "/dev/shm", "/snap/core22/1380", "/run/user/1000/gvfs",
     "/var/lib/docker/overlay2/abc/merged", "/mnt/sandbox/python"],
)  # fmt: skip
def test_linux_system_and_pseudo_file_systems_are_not_drives(mountpoint: str) -> None:
    (part,) = [part for part in LINUX if part.mountpoint == mountpoint]
    assert classify_partition(part, platform="linux") is None


def test_macos_volumes() -> None:
    found = drives_from_partitions(MACOS, home=None, platform="darwin")
    assert _summary(found) == [
        ("STICK", "removable", "/Volumes/STICK"),
        ("Time Machine", "removable", "/Volumes/Time Machine"),
        ("archive", "network", "/Volumes/archive"),
        ("dav.example", "network", "/Volumes/dav.example"),
        ("nfs", "network", "/Users/alice/nfs"),
        ("trading", "network", "/Volumes/trading"),
    ]


def test_windows_drive_letters() -> None:
    found = drives_from_partitions(WINDOWS, home=None, platform="win32")
    assert _summary(found) == [
        ("E:", "removable", str(Path("E:\\"))),
        ("F:", "removable", str(Path("F:\\"))),
        ("Z:", "network", str(Path("Z:\\"))),
        ("archive", "local", str(Path("C:\\mnt\\archive\\"))),
        ("C:", "local", str(Path("C:\\"))),
        ("G:", "local", str(Path("G:\\"))),
    ]
    optical = [drive for drive in found if drive.name == "F:"]
    assert optical[0].read_only


def test_a_mount_point_listed_twice_counts_once_and_the_last_mount_wins() -> None:
    parts = [
        Part("/dev/sdb1", "/media/alice/STICK", "vfat", "rw"),
        Part("/dev/sdc1", "/media/alice/STICK", "exfat", "ro"),
    ]
    (stick,) = drives_from_partitions(parts, home=None, platform="linux")
    assert (stick.fstype, stick.read_only) == ("exfat", True)


def test_home_comes_first_with_the_kind_of_its_partition() -> None:
    parts = [*LINUX, Part("/dev/nvme0n1p3", "/home", "ext4", "rw,relatime")]
    found = drives_from_partitions(parts, home=Path("/home/alice"), platform="linux")
    assert found[0] == Drive(
        name="alice",
        mountpoint=Path("/home/alice"),
        kind="local",
        fstype="ext4",
        is_home=True,
    )
    assert sum(drive.is_home for drive in found) == 1


def test_a_home_on_a_network_share_is_a_network_drive() -> None:
    parts = [
        Part("/dev/sda1", "/", "ext4", "rw"),
        Part("nas:/home", "/home", "nfs4", "rw,vers=4.2"),
    ]
    home = home_drive(parts, Path("/home/alice"), platform="linux")
    assert (home.kind, home.fstype, home.is_home) == ("network", "nfs4", True)


def test_a_home_that_is_itself_a_listed_drive_appears_once() -> None:
    parts = [Part("/dev/sdb1", "/media/alice", "ext4", "rw")]
    found = drives_from_partitions(parts, home=Path("/media/alice"), platform="linux")
    assert _summary(found) == [("alice", "local", "/media/alice")]
    assert found[0].is_home


def test_windows_home_is_named_after_the_user_folder() -> None:
    home = home_drive(WINDOWS, Path("C:\\Users\\alice"), platform="win32")
    assert (home.name, home.kind, home.fstype) == ("alice", "local", "NTFS")


def test_free_space_of_a_hung_share_does_not_freeze_the_listing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    hung_mount = tmp_path / "hung-share"
    hung_mount.mkdir()
    parts = [
        Part("/dev/sda1", "/", "ext4", "rw"),
        Part("nas:/share", str(hung_mount), "nfs4", "rw"),
    ]
    released = threading.Event()
    real_disk_usage = psutil.disk_usage

    def disk_usage(path: str) -> object:
        if path == str(hung_mount):
            released.wait(timeout=60)  # a dead NFS server: statvfs never returns
        return real_disk_usage(str(tmp_path))

    monkeypatch.setattr(psutil, "disk_partitions", lambda all=False: parts)
    monkeypatch.setattr(psutil, "disk_usage", disk_usage)
    started = time.monotonic()
    try:
        found = list_drives(home=tmp_path, usage_timeout=0.5)
    finally:
        released.set()
    assert time.monotonic() - started < 10
    by_name = {drive.name: drive for drive in found}
    assert by_name["hung-share"].free_bytes is None
    assert by_name[tmp_path.name].is_home
    home_free = by_name[tmp_path.name].free_bytes
    assert home_free is not None
    assert home_free > 0


def test_list_drives_on_this_machine(tmp_path: Path) -> None:
    real = psutil.disk_partitions(all=True)
    for part in real:  # every real partition is classified without error
        classify_partition(part)
    found = list_drives(home=tmp_path)
    assert found[0].is_home
    assert found[0].mountpoint == tmp_path
    assert found[0].free_bytes is not None
    assert found[0].free_bytes > 0
    assert all(drive.kind in {"removable", "network", "local"} for drive in found)
    assert len({drive.mountpoint for drive in found}) == len(found)
