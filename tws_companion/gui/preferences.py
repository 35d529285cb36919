"""What the login window remembers between runs (never a password).

The last user name, the chosen platform, and per user name: "Use/store settings on server" and
the second-factor device last used. Stored with QSettings in the platform's usual place.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QSettings

from tws_companion.protocol import Platform
from tws_companion.protocol.usernames import normalize_username

ORGANIZATION = "TWS Companion"
APPLICATION = "tws-companion"


def _key(username: str) -> str:
    # QSettings keys treat '/' and '\\' as separators; user names never contain them on the
    # server, but a typo must not address another key.
    return normalize_username(username).replace("/", "_").replace("\\", "_")


def make_owner_only(path: Path) -> None:
    """The preferences file and its folder readable by their owner only (QSettings keeps an
    existing file's mode when it saves). Disk work: call it on the worker."""
    # Here, on the worker: the login window paints before the module (and platformdirs) loads.
    from tws_companion.storage.paths import ensure_private_dir, ensure_private_file

    with contextlib.suppress(OSError):  # an unwritable config folder: Qt reports it on save
        ensure_private_dir(path.parent)
        ensure_private_file(path)


class LoginPreferences:
    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings(ORGANIZATION, APPLICATION)

    @property
    def path(self) -> Path:
        """The file the preferences are kept in."""
        return Path(self._settings.fileName())

    @property
    def last_username(self) -> str:
        return str(self._settings.value("login/last_username", "") or "")

    @last_username.setter
    def last_username(self, username: str) -> None:
        self._settings.setValue("login/last_username", username.strip())

    @property
    def platform(self) -> Platform:
        value = str(self._settings.value("login/platform", Platform.TWS.value))
        try:
            return Platform(value)
        except ValueError:
            return Platform.TWS

    @platform.setter
    def platform(self, platform: Platform) -> None:
        self._settings.setValue("login/platform", platform.value)

    def use_server_settings(self, username: str) -> bool:
        value = self._settings.value(f"users/{_key(username)}/use_server_settings", False)
        return value in (True, "true", "1", 1)

    def set_use_server_settings(self, username: str, enabled: bool) -> None:
        self._settings.setValue(f"users/{_key(username)}/use_server_settings", enabled)

    def device(self, username: str) -> str | None:
        value = self._settings.value(f"users/{_key(username)}/device")
        return str(value) if value else None

    def set_device(self, username: str, device_id: str) -> None:
        self._settings.setValue(f"users/{_key(username)}/device", device_id)

    def language(self) -> str | None:
        value = self._settings.value("ui/language")
        return str(value) if value else None

    def set_language(self, language: str) -> None:
        self._settings.setValue("ui/language", language)

    def sync(self) -> None:
        self._settings.sync()
