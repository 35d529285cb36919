"""What the doctor found, in the user's language: the titles of the checks, the statuses, and
each finding's wording with what to do (the English is that of
:data:`tws_companion.support.doctor_findings.MESSAGES`, which the command line prints; a test
keeps the two identical).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from tws_companion.support.doctor_findings import Finding, Status

__all__ = ["check_title", "finding_texts", "status_text"]


def check_title(check: str) -> str:
    titles = {
        "server": QCoreApplication.translate("Doctor", "Server"),
        "certificate": QCoreApplication.translate("Doctor", "Certificate"),
        "clock": QCoreApplication.translate("Doctor", "Clock"),
        "keyring": QCoreApplication.translate("Doctor", "Keyring"),
        "settings_folder": QCoreApplication.translate("Doctor", "Settings folder"),
        "free_space": QCoreApplication.translate("Doctor", "Free space"),
        "display": QCoreApplication.translate("Doctor", "Display"),
        "chinese_fonts": QCoreApplication.translate("Doctor", "Chinese fonts"),
        "tws_api": QCoreApplication.translate("Doctor", "TWS API"),
        "dbcapi": QCoreApplication.translate("Doctor", "eSignal dbcapi.dll"),
    }
    return titles.get(check, check)


def status_text(status: Status | None) -> str:
    """The status as the dialog shows it; ``None``: the check is still running."""
    if status is Status.OK:
        return QCoreApplication.translate("Doctor", "OK")
    if status is Status.WARNING:
        return QCoreApplication.translate("Doctor", "Warning")
    if status is Status.PROBLEM:
        return QCoreApplication.translate("Doctor", "Problem")
    return QCoreApplication.translate("Doctor", "Checking…")


def _wordings() -> dict[str, tuple[str, str]]:
    return {
        "server.ok": (
            QCoreApplication.translate(
                "Doctor",
                "Reached {url} in {ms} ms (server version {version}).",
            ),
            "",
        ),
        "server.bad_url": (
            QCoreApplication.translate(
                "Doctor",
                "{url} is not a usable server address: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Give the address as https://host[:port] (ask your administrator for it).",
            ),
        ),
        "server.unreachable": (
            QCoreApplication.translate(
                "Doctor",
                "{url} cannot be reached: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Check the server address and your network connection, and whether the server "
                "runs.",
            ),
        ),
        "server.timeout": (
            QCoreApplication.translate(
                "Doctor",
                "{url} did not answer in time.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Try again later; if it goes on, tell the server's administrator.",
            ),
        ),
        "server.tls": (
            QCoreApplication.translate(
                "Doctor",
                "No secure connection to {url}: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "See the certificate check.",
            ),
        ),
        "server.not_ours": (
            QCoreApplication.translate(
                "Doctor",
                "{url} answered, but not as a TWS Companion server: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Check the server address: scheme (https), host and port.",
            ),
        ),
        "certificate.ok": (
            QCoreApplication.translate(
                "Doctor",
                "The certificate of {host} is valid for {days} more days (until {date}).",
            ),
            "",
        ),
        "certificate.expiring": (
            QCoreApplication.translate(
                "Doctor",
                "The certificate of {host} expires in {days} days ({date}).",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Tell the server's administrator to renew it before then.",
            ),
        ),
        "certificate.expired": (
            QCoreApplication.translate(
                "Doctor",
                "The certificate of {host} expired {days} days ago ({date}).",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Check that this computer's date is right; if it is, the server's "
                "administrator must renew the certificate. Do not log in until this is fixed.",
            ),
        ),
        "certificate.untrusted": (
            QCoreApplication.translate(
                "Doctor",
                "The certificate of {host} is not trusted: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Check the server address; if it is right, the server's administrator must "
                "install a certificate from a trusted authority. Do not log in until this is "
                "fixed.",
            ),
        ),
        "certificate.unread": (
            QCoreApplication.translate(
                "Doctor",
                "The certificate of {host} could not be read: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "See the server check.",
            ),
        ),
        "certificate.plain_http": (
            QCoreApplication.translate(
                "Doctor",
                "The connection to {host} is not encrypted (http://).",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Use the server's https:// address: the app sends no password over plain http "
                "to another computer.",
            ),
        ),
        "certificate.loopback": (
            QCoreApplication.translate(
                "Doctor",
                "The server runs on this computer ({host}): no encryption is needed.",
            ),
            "",
        ),
        "clock.ok": (
            QCoreApplication.translate(
                "Doctor",
                "This computer's clock agrees with the server's (within {seconds} s).",
            ),
            "",
        ),
        "clock.ahead": (
            QCoreApplication.translate(
                "Doctor",
                "This computer's clock is {seconds} s ahead of the server's.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Turn on automatic date and time (network time) in the system settings: "
                "challenges are valid for {challenge} s and SMS codes for {code} s.",
            ),
        ),
        "clock.behind": (
            QCoreApplication.translate(
                "Doctor",
                "This computer's clock is {seconds} s behind the server's.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Turn on automatic date and time (network time) in the system settings: "
                "challenges are valid for {challenge} s and SMS codes for {code} s.",
            ),
        ),
        "clock.no_date": (
            QCoreApplication.translate(
                "Doctor",
                "The server did not tell its time, so the clocks could not be compared.",
            ),
            "",
        ),
        "clock.not_checked": (
            QCoreApplication.translate(
                "Doctor",
                "Not checked: the server was not reached.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "See the server check.",
            ),
        ),
        "keyring.ok": (
            QCoreApplication.translate(
                "Doctor",
                "Secrets are kept in {backend}.",
            ),
            "",
        ),
        "keyring.insecure": (
            QCoreApplication.translate(
                "Doctor",
                "The keyring {backend} would keep secrets in a plain or weakly protected file, "
                "or not at all.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Install and unlock a Secret Service (GNOME Keyring, KWallet), or use the "
                "macOS Keychain or the Windows Credential Locker; remove keyrings.alt.",
            ),
        ),
        "keyring.unusable": (
            QCoreApplication.translate(
                "Doctor",
                "The keyring {backend} cannot be used: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Unlock the keyring (it opens with your desktop login), then check again.",
            ),
        ),
        "settings_folder.ok": (
            QCoreApplication.translate(
                "Doctor",
                "The settings folder {path} is writable.",
            ),
            "",
        ),
        "settings_folder.unwritable": (
            QCoreApplication.translate(
                "Doctor",
                "The settings folder {path} cannot be written: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Give yourself write permission on it, or choose another folder with --home or "
                "TWS_COMPANION_HOME.",
            ),
        ),
        "free_space.ok": (
            QCoreApplication.translate(
                "Doctor",
                "{free} free on the drive of the settings folder.",
            ),
            "",
        ),
        "free_space.low": (
            QCoreApplication.translate(
                "Doctor",
                "Only {free} free on the drive of the settings folder.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Free some space soon: every save of the settings keeps a backup.",
            ),
        ),
        "free_space.full": (
            QCoreApplication.translate(
                "Doctor",
                "Only {free} free on the drive of the settings folder: settings cannot be "
                "saved safely.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Free some space on that drive, then check again.",
            ),
        ),
        "free_space.unknown": (
            QCoreApplication.translate(
                "Doctor",
                "The free space of {path} could not be measured: {reason}.",
            ),
            "",
        ),
        "display.ok": (
            QCoreApplication.translate(
                "Doctor",
                "A display is available ({name}).",
            ),
            "",
        ),
        "display.missing": (
            QCoreApplication.translate(
                "Doctor",
                "No display is available (DISPLAY and WAYLAND_DISPLAY are not set).",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Run the app in a desktop session, or on a virtual display: xvfb-run -a "
                "tws-companion",
            ),
        ),
        "chinese_fonts.ok": (
            QCoreApplication.translate(
                "Doctor",
                "Fonts that can show Chinese (简体中文): {fonts}.",
            ),
            "",
        ),
        "chinese_fonts.missing": (
            QCoreApplication.translate(
                "Doctor",
                "No installed font can show Chinese (简体中文).",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Install a Chinese font; on Debian or Ubuntu: sudo apt-get install fonts-noto-cjk",
            ),
        ),
        "chinese_fonts.unknown": (
            QCoreApplication.translate(
                "Doctor",
                "The fonts could not be listed: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Install fontconfig (fc-list), or check the fonts from Help > Check My Setup.",
            ),
        ),
        "tws_api.ok": (
            QCoreApplication.translate(
                "Doctor",
                "The TWS API components are in {path} (samples and source).",
            ),
            "",
        ),
        "tws_api.missing": (
            QCoreApplication.translate(
                "Doctor",
                "The TWS API components are not installed ({path} not found).",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Download twsapi_macunix.N.M.zip from the API Software Download List, then "
                "install it with: tws-companion doctor --install-api "
                "~/Downloads/twsapi_macunix.N.M.zip",
            ),
        ),
        "tws_api.incomplete": (
            QCoreApplication.translate(
                "Doctor",
                "{path} lacks {missing}: the TWS API components are incomplete.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Install them again from twsapi_macunix.N.M.zip: tws-companion doctor "
                "--install-api ZIP --replace (the old folder is kept beside it).",
            ),
        ),
        "dbcapi.absent": (
            QCoreApplication.translate(
                "Doctor",
                "No {path}: the eSignal data feed is not set up.",
            ),
            "",
        ),
        "dbcapi.ok": (
            QCoreApplication.translate(
                "Doctor",
                "{path} is eSignal 12's 32-bit library (dbcapi_vc8.dll).",
            ),
            "",
        ),
        "dbcapi.no_esignal": (
            QCoreApplication.translate(
                "Doctor",
                "{path} is {bits}-bit; eSignal 12 (dbcapi_vc8.dll) was not found to compare it "
                "with.",
            ),
            "",
        ),
        "dbcapi.wrong_bits": (
            QCoreApplication.translate(
                "Doctor",
                '{path} is 64-bit: "Library dbcapi.dll cannot be loaded" with 32-bit eSignal.',
            ),
            QCoreApplication.translate(
                "Doctor",
                "Install the 32-bit TWS (Download Trader Workstation, TWS Latest, Download for "
                "Other Operating Systems, Windows 32-bit) and the 32-bit eSignal.",
            ),
        ),
        "dbcapi.mismatch": (
            QCoreApplication.translate(
                "Doctor",
                "{path} ({bits}-bit) is not eSignal 12's library ({esignal}, "
                '{esignal_bits}-bit): "Library dbcapi.dll cannot be loaded".',
            ),
            QCoreApplication.translate(
                "Doctor",
                "Rename {path} to dbcapi_old.dll and copy dbcapi_vc8.dll from {esignal_dir} "
                "into the same folder as dbcapi.dll: tws-companion doctor --fix-dbcapi does "
                "both.",
            ),
        ),
        "dbcapi.unreadable": (
            QCoreApplication.translate(
                "Doctor",
                "{path} is not a Windows library: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Copy dbcapi_vc8.dll from the eSignal folder as dbcapi.dll (tws-companion "
                "doctor --fix-dbcapi).",
            ),
        ),
        "check.failed": (
            QCoreApplication.translate(
                "Doctor",
                "The check failed: {reason}.",
            ),
            QCoreApplication.translate(
                "Doctor",
                "Report this to support.",
            ),
        ),
    }


def finding_texts(finding: Finding) -> tuple[str, str]:
    """(the finding, what to do) in the user's language; what to do is empty when nothing
    needs doing."""
    summary, action = _wordings()[finding.code]
    return summary.format_map(finding.params), action.format_map(finding.params)
