"""What a doctor's check found: its status, and the English wording of every finding.

A :class:`Finding` names its check, a status (ok, warning, problem) and a message code with its
parameters; :data:`MESSAGES` holds the English of each code (the finding, and what to do), which
the command line prints. The GUI words the same codes in the user's language
(``gui/doctor_messages.py``; a test keeps its English identical to this).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

__all__ = ["MESSAGES", "TITLES", "Finding", "Status"]


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


#: The checks, in the order they run and are shown, with their English titles.
TITLES: Final[Mapping[str, str]] = {
    "server": "Server",
    "certificate": "Certificate",
    "clock": "Clock",
    "keyring": "Keyring",
    "settings_folder": "Settings folder",
    "free_space": "Free space",
    "display": "Display",
    "chinese_fonts": "Chinese fonts",
    "tws_api": "TWS API",
    "dbcapi": "eSignal dbcapi.dll",
}

_NO_LOGIN = "Do not log in until this is fixed."
_SYNC_CLOCK = (
    "Turn on automatic date and time (network time) in the system settings: challenges are "
    "valid for {challenge} s and SMS codes for {code} s."
)

#: code -> (the finding, what to do). Placeholders are filled from the finding's parameters.
MESSAGES: Final[Mapping[str, tuple[str, str]]] = {
    # the server
    "server.ok": ("Reached {url} in {ms} ms (server version {version}).", ""),
    "server.bad_url": (
        "{url} is not a usable server address: {reason}.",
        "Give the address as https://host[:port] (ask your administrator for it).",
    ),
    "server.unreachable": (
        "{url} cannot be reached: {reason}.",
        "Check the server address and your network connection, and whether the server runs.",
    ),
    "server.timeout": (
        "{url} did not answer in time.",
        "Try again later; if it goes on, tell the server's administrator.",
    ),
    "server.tls": (
        "No secure connection to {url}: {reason}.",
        "See the certificate check.",
    ),
    "server.not_ours": (
        "{url} answered, but not as a TWS Companion server: {reason}.",
        "Check the server address: scheme (https), host and port.",
    ),
    # its certificate
    "certificate.ok": (
        "The certificate of {host} is valid for {days} more days (until {date}).",
        "",
    ),
    "certificate.expiring": (
        "The certificate of {host} expires in {days} days ({date}).",
        "Tell the server's administrator to renew it before then.",
    ),
    "certificate.expired": (
        "The certificate of {host} expired {days} days ago ({date}).",
        "Check that this computer's date is right; if it is, the server's administrator must "
        "renew the certificate. " + _NO_LOGIN,
    ),
    "certificate.untrusted": (
        "The certificate of {host} is not trusted: {reason}.",
        "Check the server address; if it is right, the server's administrator must install a "
        "certificate from a trusted authority. " + _NO_LOGIN,
    ),
    "certificate.unread": (
        "The certificate of {host} could not be read: {reason}.",
        "See the server check.",
    ),
    "certificate.plain_http": (
        "The connection to {host} is not encrypted (http://).",
        "Use the server's https:// address: the app sends no password over plain http to "
        "another computer.",
    ),
    "certificate.loopback": (
        "The server runs on this computer ({host}): no encryption is needed.",
        "",
    ),
    # the clock
    "clock.ok": ("This computer's clock agrees with the server's (within {seconds} s).", ""),
    "clock.ahead": (
        "This computer's clock is {seconds} s ahead of the server's.",
        _SYNC_CLOCK,
    ),
    "clock.behind": (
        "This computer's clock is {seconds} s behind the server's.",
        _SYNC_CLOCK,
    ),
    "clock.no_date": (
        "The server did not tell its time, so the clocks could not be compared.",
        "",
    ),
    "clock.not_checked": ("Not checked: the server was not reached.", "See the server check."),
    # the keyring
    "keyring.ok": ("Secrets are kept in {backend}.", ""),
    "keyring.insecure": (
        "The keyring {backend} would keep secrets in a plain or weakly protected file, or not "
        "at all.",
        "Install and unlock a Secret Service (GNOME Keyring, KWallet), or use the macOS "
        "Keychain or the Windows Credential Locker; remove keyrings.alt.",
    ),
    "keyring.unusable": (
        "The keyring {backend} cannot be used: {reason}.",
        "Unlock the keyring (it opens with your desktop login), then check again.",
    ),
    # the settings folder and its drive
    "settings_folder.ok": ("The settings folder {path} is writable.", ""),
    "settings_folder.unwritable": (
        "The settings folder {path} cannot be written: {reason}.",
        "Give yourself write permission on it, or choose another folder with --home or "
        "TWS_COMPANION_HOME.",
    ),
    "free_space.ok": ("{free} free on the drive of the settings folder.", ""),
    "free_space.low": (
        "Only {free} free on the drive of the settings folder.",
        "Free some space soon: every save of the settings keeps a backup.",
    ),
    "free_space.full": (
        "Only {free} free on the drive of the settings folder: settings cannot be saved safely.",
        "Free some space on that drive, then check again.",
    ),
    "free_space.unknown": ("The free space of {path} could not be measured: {reason}.", ""),
    # the GUI's needs
    "display.ok": ("A display is available ({name}).", ""),
    "display.missing": (
        "No display is available (DISPLAY and WAYLAND_DISPLAY are not set).",
        "Run the app in a desktop session, or on a virtual display: xvfb-run -a tws-companion",
    ),
    "chinese_fonts.ok": ("Fonts that can show Chinese (简体中文): {fonts}.", ""),
    "chinese_fonts.missing": (
        "No installed font can show Chinese (简体中文).",
        "Install a Chinese font; on Debian or Ubuntu: sudo apt-get install fonts-noto-cjk",
    ),
    "chinese_fonts.unknown": (
        "The fonts could not be listed: {reason}.",
        "Install fontconfig (fc-list), or check the fonts from Help > Check My Setup.",
    ),
    # the TWS API components
    "tws_api.ok": ("The TWS API components are in {path} (samples and source).", ""),
    "tws_api.missing": (
        "The TWS API components are not installed ({path} not found).",
        "Download twsapi_macunix.N.M.zip from the API Software Download List, then install it "
        "with: tws-companion doctor --install-api ~/Downloads/twsapi_macunix.N.M.zip",
    ),
    "tws_api.incomplete": (
        "{path} lacks {missing}: the TWS API components are incomplete.",
        "Install them again from twsapi_macunix.N.M.zip: tws-companion doctor --install-api ZIP "
        "--replace (the old folder is kept beside it).",
    ),
    # eSignal's dbcapi.dll (Windows)
    "dbcapi.absent": ("No {path}: the eSignal data feed is not set up.", ""),
    "dbcapi.ok": ("{path} is eSignal 12's 32-bit library (dbcapi_vc8.dll).", ""),
    "dbcapi.no_esignal": (
        "{path} is {bits}-bit; eSignal 12 (dbcapi_vc8.dll) was not found to compare it with.",
        "",
    ),
    "dbcapi.wrong_bits": (
        '{path} is 64-bit: "Library dbcapi.dll cannot be loaded" with 32-bit eSignal.',
        "Install the 32-bit TWS (Download Trader Workstation, TWS Latest, Download for Other "
        "Operating Systems, Windows 32-bit) and the 32-bit eSignal.",
    ),
    "dbcapi.mismatch": (
        "{path} ({bits}-bit) is not eSignal 12's library ({esignal}, {esignal_bits}-bit): "
        '"Library dbcapi.dll cannot be loaded".',
        "Rename {path} to dbcapi_old.dll and copy dbcapi_vc8.dll from {esignal_dir} into the "
        "same folder as dbcapi.dll: tws-companion doctor --fix-dbcapi does both.",
    ),
    "dbcapi.unreadable": (
        "{path} is not a Windows library: {reason}.",
        "Copy dbcapi_vc8.dll from the eSignal folder as dbcapi.dll (tws-companion doctor "
        "--fix-dbcapi).",
    ),
    # any check
    "check.failed": ("The check failed: {reason}.", "Report this to support."),
}


@dataclass(frozen=True)
class Finding:
    """What one check found. ``params`` fill the placeholders of the code's wording (never a
    secret: they are shown and copied into reports)."""

    check: str
    status: Status
    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.check not in TITLES:
            raise ValueError(f"unknown check {self.check!r}")
        if self.code not in MESSAGES:
            raise ValueError(f"unknown finding {self.code!r}")

    @property
    def title(self) -> str:
        return TITLES[self.check]

    @property
    def summary(self) -> str:
        """The finding in English, on one line."""
        return MESSAGES[self.code][0].format_map(self.params)

    @property
    def action(self) -> str:
        """What to do, in English; empty when nothing needs doing."""
        return MESSAGES[self.code][1].format_map(self.params)
