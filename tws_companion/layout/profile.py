"""One user's layout settings on this machine: the one place front ends load, save and recover.

The GUI (on its worker) and the ``settings`` command both go through :class:`SettingsProfile`:

- ``load()``: the local settings file; a damaged one is set aside and the newest backup that
  reads is used (the caller tells the user); no file at all is a first run (the default layout).
- ``save()``: an atomic local save, verified by reading back, with a backup kept.
- ``save_as()``: "Save Settings As" (an encrypted envelope for the same user on any machine) or
  "Save Decrypted Settings As" (plain XML for any user), to any folder: a USB stick, a network
  drive; a full, read-only or vanished target raises a :class:`StorageError` and leaves the
  previous file intact.
- ``open_file()`` / ``open_backup()``: Layout/Settings Recovery.
- ``seal_for_server()`` / ``open_from_server()``: the copy kept on the server (see
  :mod:`tws_companion.client.settings_sync`), encrypted like Save Settings As.

The local settings file is plain XML in an owner-only folder (mode 0700, files 0600): the
layout holds no secrets, and the workstation must start offline without the keyring. What
leaves the machine through "Save Settings As" is encrypted with the user's settings key, which
the server delivers after a full login and the OS keyring keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tws_companion.layout import xml_format
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.envelope import open_envelope, read_settings, seal
from tws_companion.layout.errors import LayoutError, SettingsKeyMissing
from tws_companion.layout.geometry import GeometryBook
from tws_companion.layout.model import Layout
from tws_companion.storage.atomic import atomic_write_bytes
from tws_companion.storage.backups import Backup
from tws_companion.storage.export import read_user_file, write_user_file
from tws_companion.storage.instance_lock import InstanceLock
from tws_companion.storage.paths import ensure_private_dir
from tws_companion.storage.secret_store import SecretStore, SecretStoreError
from tws_companion.storage.settings_files import UserSettingsFiles

__all__ = ["GEOMETRY_FILE", "LoadedLayout", "SettingsProfile"]

GEOMETRY_FILE = "geometry.json"
#: The geometry of one machine is small; a bigger file is not ours.
_MAX_GEOMETRY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class LoadedLayout:
    """What ``load()`` found: the layout, and where it came from."""

    layout: Layout
    #: "default" with no ``problem`` is a first run; with one, the settings and every backup
    #: were damaged (the caller says so: never a silent fall-back to the default layout).
    source: Literal["settings", "backup", "default"]
    #: Why the settings file was set aside, in English.
    problem: str | None = None
    #: Where the damaged settings file now is.
    set_aside: Path | None = None


class SettingsProfile:
    """One user's layout settings on this machine (``root``: the machine's data root)."""

    def __init__(
        self,
        root: Path,
        username: str,
        *,
        server: str | None = None,
        store: SecretStore | None = None,
    ) -> None:
        self.root = root
        self.username = username.strip()
        self.files = UserSettingsFiles(root, self.username)
        self._store = store or SecretStore()
        self._server = server

    def __repr__(self) -> str:
        return f"SettingsProfile({self.root!r}, {self.username!r})"

    @property
    def server(self) -> str | None:
        """The server whose settings key opens this user's files: the one given, else the one
        this user last logged in to on this machine."""
        if self._server:
            return self._server
        value = self.files.read_profile().get("server")
        return value if isinstance(value, str) and value else None

    def remember_server(self, server: str) -> None:
        """Note the server of a login, so that later commands find the settings key."""
        self._server = server

        def note(profile: dict[str, Any]) -> bool:
            if profile.get("server") == server:
                return False
            profile["server"] = server
            return True

        self.files.update_profile(note)

    # --- the local settings ---------------------------------------------------------------

    def load(self) -> LoadedLayout:
        loaded = self.files.load(xml_format.loads, errors=(LayoutError,))
        if loaded.value is None:
            return LoadedLayout(default_layout(), "default", loaded.problem, loaded.set_aside)
        source: Literal["settings", "backup"] = (
            "backup" if loaded.source == "backup" else "settings"
        )
        return LoadedLayout(loaded.value, source, loaded.problem, loaded.set_aside)

    def save(self, layout: Layout) -> None:
        self.files.save(xml_format.dumps(layout))

    def backups(self) -> list[Backup]:
        return self.files.backups.list()

    def open_backup(self, backup: Backup) -> Layout:
        return xml_format.loads(self.files.backups.read(backup))

    def lock(self) -> InstanceLock:
        return self.files.lock()

    # --- files the user chooses -----------------------------------------------------------

    def save_as(self, path: Path, layout: Layout, *, decrypted: bool) -> None:
        data = xml_format.dumps(layout)
        if not decrypted:
            data = seal(data, username=self.username, key=self._require_key())
        write_user_file(path, data, mode=0o600)

    def open_file(self, path: Path) -> Layout:
        data = read_user_file(path, xml_format.MAX_FILE_BYTES)
        return read_settings(data, username=self.username, key_for=self._settings_key).layout

    # --- the copy on the server -----------------------------------------------------------

    def seal_for_server(self, plain_xml: bytes) -> bytes:
        """``plain_xml`` (``xml_format.dumps`` of a layout) as the server keeps it: the envelope
        of Save Settings As, which only this user's settings key opens."""
        return seal(plain_xml, username=self.username, key=self._require_key())

    def open_from_server(self, data: bytes) -> Layout:
        """The layout in a copy from the server; a :class:`LayoutError` for anything but an
        envelope of this user's that their settings key opens."""
        plain = open_envelope(data, username=self.username, key=self._require_key())
        return xml_format.loads(plain)

    def _settings_key(self) -> bytes | None:
        server = self.server
        if server is None:
            return None
        try:
            return self._store.get_settings_key(server, self.username)
        except SecretStoreError:
            return None

    def _require_key(self) -> bytes:
        key = self._settings_key()
        if key is None:
            raise SettingsKeyMissing(self.username)
        return key

    # --- machine-specific geometry --------------------------------------------------------

    @property
    def geometry_path(self) -> Path:
        return self.files.folder / GEOMETRY_FILE

    def load_geometry(self) -> GeometryBook:
        """This machine's window geometry; an unreadable file starts an empty book."""
        try:
            data = self.geometry_path.read_bytes()
        except FileNotFoundError:
            return GeometryBook()
        if len(data) > _MAX_GEOMETRY_BYTES:
            return GeometryBook()
        try:
            return GeometryBook.from_json(data)
        except ValueError:
            return GeometryBook()

    def save_geometry(self, book: GeometryBook) -> None:
        ensure_private_dir(self.files.folder)
        atomic_write_bytes(self.geometry_path, book.to_json())
