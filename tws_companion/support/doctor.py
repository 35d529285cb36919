"""The doctor (``tws-companion doctor``, Help > Check My Setup): the list of checks of this
computer's setup, and the checks that need nothing but this computer.

:func:`doctor_checks` builds the checks from a :class:`DoctorSetup`, whose every input can be
replaced (tests prepare environments; the GUI lists the fonts through Qt): the server (reached,
its certificate, the clock against it: :mod:`~tws_companion.support.doctor_server`), the keyring
(usable, and not a plaintext one), the settings folder (writable, free space on its drive), with
a GUI a display and fonts that can show Chinese, the TWS API components on macOS and Linux
(:mod:`~tws_companion.support.tws_api`) and on Windows eSignal's ``dbcapi.dll``
(:mod:`~tws_companion.support.dbcapi`). Each check gives one :class:`Finding`;
:func:`run_check` turns a check that crashed into a problem rather than an exception.

Nothing here imports the network layer or the keyring at import time: the server is probed and
the keyring opened when the checks run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from tws_companion.storage.paths import data_root, ensure_private_dir
from tws_companion.support.dbcapi import ESIGNAL_DIR, JTS_DIR, check_dbcapi
from tws_companion.support.doctor_findings import TITLES, Finding, Status
from tws_companion.support.sizes import human_size
from tws_companion.support.tws_api import check_tws_api

if TYPE_CHECKING:
    from tws_companion.client.server_probe import ServerProbe

__all__ = [
    "FREE_SPACE_PROBLEM",
    "FREE_SPACE_WARNING",
    "Check",
    "DiskUsage",
    "DoctorSetup",
    "FontList",
    "KeyringState",
    "check_chinese_fonts",
    "check_display",
    "check_free_space",
    "check_keyring",
    "check_settings_folder",
    "current_keyring",
    "doctor_checks",
    "drive_usage",
    "fontconfig_chinese_fonts",
    "run_check",
    "worst",
]

#: Free space on the settings folder's drive below which saving is a problem, then a warning.
FREE_SPACE_PROBLEM: Final = 20 * 1024 * 1024
FREE_SPACE_WARNING: Final = 200 * 1024 * 1024
#: Fonts named in a finding (more are summed up as "and N more").
_FONTS_SHOWN: Final = 3


class KeyringState(NamedTuple):
    """The keyring backend in use: its name, whether it keeps secrets safely, and why it could
    not be used (empty when it could)."""

    backend: str
    secure: bool
    error: str = ""


class DiskUsage(NamedTuple):
    total: int
    used: int
    free: int


def drive_usage(path: Path) -> DiskUsage:
    """The size, used and free bytes of the drive ``path`` is on."""
    return DiskUsage(*shutil.disk_usage(path))


# --- the keyring ------------------------------------------------------------------------------


def current_keyring() -> KeyringState:
    """The keyring this app would use, tried with a read (which may ask to unlock it)."""
    import keyring

    from tws_companion.storage.secret_store import NoSecureKeyring, SecretStore, SecretStoreError

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    try:
        SecretStore().get_settings_key("https://doctor.invalid", "doctor")
    except NoSecureKeyring:
        return KeyringState(name, secure=False)
    except SecretStoreError as exc:
        return KeyringState(name, secure=True, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a broken backend says so in its own way
        return KeyringState(name, secure=True, error=type(exc).__name__)
    return KeyringState(name, secure=True)


def check_keyring(state: KeyringState) -> Finding:
    if not state.secure:
        return Finding("keyring", Status.PROBLEM, "keyring.insecure", {"backend": state.backend})
    if state.error:
        params = {"backend": state.backend, "reason": state.error}
        return Finding("keyring", Status.PROBLEM, "keyring.unusable", params)
    return Finding("keyring", Status.OK, "keyring.ok", {"backend": state.backend})


# --- the settings folder ----------------------------------------------------------------------


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def check_settings_folder(folder: Path) -> Finding:
    """The folder exists (it is created owner-only when missing, as the app would) and a file
    can be written, flushed to the disk and removed in it."""
    params = {"path": str(folder)}
    try:
        ensure_private_dir(folder)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", suffix=".tmp") as probe:
            probe.write(b"tws-companion doctor\n")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        params["reason"] = _reason(exc)
        return Finding("settings_folder", Status.PROBLEM, "settings_folder.unwritable", params)
    return Finding("settings_folder", Status.OK, "settings_folder.ok", params)


def _existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def check_free_space(
    folder: Path,
    usage: Callable[[Path], DiskUsage] = drive_usage,
) -> Finding:
    """Free space on the drive of ``folder`` (or of its nearest existing parent)."""
    try:
        free = usage(_existing(folder)).free
    except OSError as exc:
        params = {"path": str(folder), "reason": _reason(exc)}
        return Finding("free_space", Status.WARNING, "free_space.unknown", params)
    params = {"free": human_size(free)}
    if free < FREE_SPACE_PROBLEM:
        return Finding("free_space", Status.PROBLEM, "free_space.full", params)
    if free < FREE_SPACE_WARNING:
        return Finding("free_space", Status.WARNING, "free_space.low", params)
    return Finding("free_space", Status.OK, "free_space.ok", params)


# --- what the GUI needs -----------------------------------------------------------------------


def check_display(name: str | None) -> Finding:
    """``name`` describes the display the GUI would use; ``None``: there is none."""
    if name is None:
        return Finding("display", Status.PROBLEM, "display.missing")
    return Finding("display", Status.OK, "display.ok", {"name": name})


class FontList(NamedTuple):
    """Font families that can show Simplified Chinese, or why they could not be listed."""

    families: Sequence[str]
    error: str = ""


def fontconfig_chinese_fonts(
    run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
) -> FontList:
    """The families ``fc-list :lang=zh family`` names (fontconfig: Linux, and macOS with it)."""
    try:
        done = run(
            ["fc-list", ":lang=zh", "family"],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
    except FileNotFoundError:
        return FontList((), "fc-list is not installed")
    except (OSError, subprocess.SubprocessError) as exc:
        return FontList((), type(exc).__name__)
    families = {line.split(",")[0].strip() for line in done.stdout.splitlines()}
    return FontList(sorted(family for family in families if family))


def check_chinese_fonts(fonts: FontList) -> Finding:
    if fonts.error:
        return Finding(
            "chinese_fonts", Status.WARNING, "chinese_fonts.unknown", {"reason": fonts.error}
        )
    if not fonts.families:
        return Finding("chinese_fonts", Status.PROBLEM, "chinese_fonts.missing")
    shown = ", ".join(fonts.families[:_FONTS_SHOWN])
    if len(fonts.families) > _FONTS_SHOWN:
        shown += f" (+{len(fonts.families) - _FONTS_SHOWN})"
    return Finding("chinese_fonts", Status.OK, "chinese_fonts.ok", {"fonts": shown})


# --- the list of checks -----------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _probe(url: str, verify: bool | str, now: Callable[[], datetime]) -> ServerProbe:
    from tws_companion.client.server_probe import probe_server

    return probe_server(url, verify=verify, now=now)


@dataclass
class DoctorSetup:
    """What the checks look at; every field can be replaced (tests, the GUI)."""

    #: The server's address (the app's ``--server``).
    server: str
    #: Verify the server's certificate against the system's CAs (``True``) or a CA file.
    verify: bool | str = True
    #: The app's ``--home``; ``None``: ``$TWS_COMPANION_HOME`` or the platform's data folder.
    home: Path | None = None
    #: The user's home folder (where ``IBJts`` is installed).
    user_home: Path = field(default_factory=Path.home)
    #: ``sys.platform``: the TWS API check runs on macOS and Linux, dbcapi.dll on Windows.
    platform: str = sys.platform
    #: Check a display and Chinese fonts (only when a GUI is asked for).
    gui: bool = False
    #: The display's description, ``None`` when there is none (only with ``gui``).
    display: Callable[[], str | None] = lambda: None
    #: The fonts that can show Chinese (only with ``gui``).
    chinese_fonts: Callable[[], FontList] = fontconfig_chinese_fonts
    #: The local clock (timezone-aware).
    now: Callable[[], datetime] = _utc_now
    probe: Callable[[str, bool | str, Callable[[], datetime]], ServerProbe] = _probe
    keyring: Callable[[], KeyringState] = current_keyring
    disk_usage: Callable[[Path], DiskUsage] = drive_usage
    jts_dir: Path = Path(JTS_DIR)
    esignal_dir: Path = Path(ESIGNAL_DIR)


@dataclass(frozen=True)
class Check:
    """One check: its id (a key of ``TITLES``) and the function that runs it (blocking: the
    GUI runs it on the worker)."""

    id: str
    run: Callable[[], Finding]

    @property
    def title(self) -> str:
        return TITLES[self.id]


class _Once:
    """The server probe, made once for the checks that read it, whichever asks first (the GUI
    runs checks at the same time on several threads)."""

    def __init__(self, make: Callable[[], ServerProbe]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._value: ServerProbe | None = None

    def __call__(self) -> ServerProbe:
        with self._lock:
            if self._value is None:
                self._value = self._make()
            return self._value


def doctor_checks(setup: DoctorSetup) -> list[Check]:
    """The checks that apply to ``setup``, in the order of ``TITLES``."""
    from tws_companion.support import doctor_server

    probe = _Once(lambda: setup.probe(setup.server, setup.verify, setup.now))
    folder = data_root(setup.home)
    checks = [
        Check("server", lambda: doctor_server.check_server(probe())),
        Check("certificate", lambda: doctor_server.check_certificate(probe(), setup.now())),
        Check("clock", lambda: doctor_server.check_clock(probe())),
        Check("keyring", lambda: check_keyring(setup.keyring())),
        Check("settings_folder", lambda: check_settings_folder(folder)),
        Check("free_space", lambda: check_free_space(folder, setup.disk_usage)),
    ]
    if setup.gui:
        checks.append(Check("display", lambda: check_display(setup.display())))
        checks.append(Check("chinese_fonts", lambda: check_chinese_fonts(setup.chinese_fonts())))
    if setup.platform == "win32":
        checks.append(Check("dbcapi", lambda: check_dbcapi(setup.jts_dir, setup.esignal_dir)))
    else:
        checks.append(Check("tws_api", lambda: check_tws_api(setup.user_home)))
    return checks


def run_check(check: Check) -> Finding:
    """``check.run()``; a check that crashed is a problem saying so, never an exception."""
    try:
        return check.run()
    except Exception as exc:  # noqa: BLE001 - the doctor reports every failure as a finding
        return Finding(check.id, Status.PROBLEM, "check.failed", {"reason": type(exc).__name__})


def worst(findings: Sequence[Finding]) -> Status:
    """The most serious status among ``findings`` (ok when there are none)."""
    order = [Status.OK, Status.WARNING, Status.PROBLEM]
    return max((finding.status for finding in findings), key=order.index, default=Status.OK)
