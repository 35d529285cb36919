"""A user's layout settings on the server: download, upload, conflicts and versions (no Qt).

The GUI (on its worker) and ``tws-companion settings --server URL upload|download|versions`` both
go through :class:`ServerSettings`. What travels is the encrypted envelope of "Save Settings As"
(:meth:`SettingsProfile.seal_for_server`): the server never sees a layout.

Each machine remembers, per server, the copy its local settings are *based on* (its ETag, its
number and the SHA-256 of ``xml_format.dumps`` of its layout), in the user's profile file. With
it:

- an upload names that copy (``If-Match``); when another machine saved in between, the server
  refuses it (412, or 428 for a first upload over an existing copy) and :class:`SettingsConflict`
  carries both sides, the server's already downloaded and opened, for the user to choose:
  :meth:`ServerSettings.keep_local` or :meth:`ServerSettings.take_server`;
- a download asks for the server's copy unless it is the base (``If-None-Match``); a newer copy
  replaces the local settings only when they did not change since their base (or were never
  saved), after keeping a local backup of them; otherwise it is a conflict too.

Nothing is overwritten without a choice, and nothing local changes when a call fails. The
caller holds the profile's instance lock (:meth:`SettingsProfile.lock`) while it runs.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from tws_companion.client.api import ApiClient, Progress, SettingsCopy
from tws_companion.client.errors import (
    NotFound,
    NotModified,
    PreconditionFailed,
    PreconditionRequired,
    ProtocolError,
)
from tws_companion.layout import xml_format
from tws_companion.layout.model import Layout
from tws_companion.layout.profile import SettingsProfile
from tws_companion.protocol import MACHINE_NAME_MAX_LENGTH
from tws_companion.protocol.models import SettingsVersion
from tws_companion.storage.secret_store import normalize_server

__all__ = [
    "DownloadOutcome",
    "Downloaded",
    "Progress",
    "ServerCopy",
    "ServerSettings",
    "SettingsConflict",
]

#: The profile entry holding, per server, the copy this machine's settings are based on.
BASES_ENTRY = "server_settings"


@dataclass(frozen=True)
class ServerCopy:
    """A copy of the settings on the server, downloaded and opened with the user's key."""

    version: SettingsVersion
    layout: Layout = field(repr=False)


class SettingsConflict(Exception):  # noqa: N818  (the contract's name)
    """The server holds a copy this machine's settings are not based on (another machine saved).

    ``local`` is this machine's settings (or what was being uploaded), ``server`` the server's
    current copy, already downloaded and opened.
    """

    def __init__(self, local: Layout, server: ServerCopy) -> None:
        version = server.version
        when = version.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        super().__init__(
            f"Another computer ({version.machine}) saved settings to the server at {when}, "
            "after this computer's copy was based on it."
        )
        self.local = local
        self.server = server


class DownloadOutcome(StrEnum):
    #: The server copy is the one this machine's settings are based on.
    UP_TO_DATE = "up_to_date"
    #: The server copy replaced the local settings (a backup of them was kept).
    TAKEN = "taken"
    NOTHING_ON_SERVER = "nothing_on_server"


@dataclass(frozen=True)
class Downloaded:
    """What :meth:`ServerSettings.download` did."""

    outcome: DownloadOutcome
    #: The layout now in use when ``TAKEN``, else ``None``.
    layout: Layout | None = field(repr=False)
    #: The server's current copy (``None`` when there is none).
    version: SettingsVersion | None


@dataclass(frozen=True)
class _Base:
    """The server copy the local settings last matched."""

    version: SettingsVersion
    #: SHA-256 (hex) of ``xml_format.dumps`` of that copy's layout.
    digest: str


def _digest(plain_xml: bytes) -> str:
    return hashlib.sha256(plain_xml).hexdigest()


def _machine_name(name: str) -> str | None:
    """``name`` as the server takes a machine name: printable, at most
    :data:`MACHINE_NAME_MAX_LENGTH` characters; ``None`` when nothing is left of it."""
    printable = "".join(char for char in name if char.isprintable()).strip()
    return printable[:MACHINE_NAME_MAX_LENGTH].strip() or None


class ServerSettings:
    """One user's settings on one server, for this machine's :class:`SettingsProfile`.

    ``token`` is a full-scope session of that user (a secret: it is never shown); ``profile``
    opens and seals with the settings key of that server. ``machine`` is the name this
    computer's saves carry (default: its host name).
    """

    def __init__(
        self,
        api: ApiClient,
        token: str,
        profile: SettingsProfile,
        *,
        machine: str | None = None,
    ) -> None:
        self._api = api
        self._token = token
        self._profile = profile
        self.machine = _machine_name(socket.gethostname() if machine is None else machine)

    def __repr__(self) -> str:
        return f"ServerSettings({self._api.base_url!r}, {self._profile.username!r})"

    # --- the contract ---------------------------------------------------------------------

    def download(self, *, progress: Progress | None = None) -> Downloaded:
        """Bring the server's copy to this machine when it is newer than the base.

        :raises SettingsConflict: the local settings changed since their base, and the server's
            copy changed too.
        :raises ClientError: a network or server failure (nothing local changed).
        :raises LayoutError: the server's copy cannot be opened (another key, tampered).
        """
        base = self._base()
        try:
            copy = self._api.settings(
                self._token,
                if_none_match=None if base is None else base.version.etag,
                progress=progress,
            )
        except NotModified:
            if base is None:
                raise ProtocolError("the server answered 304 to a plain request") from None
            return Downloaded(DownloadOutcome.UP_TO_DATE, None, base.version)
        except NotFound:
            self._forget_base()
            return Downloaded(DownloadOutcome.NOTHING_ON_SERVER, None, None)
        server, server_digest = self._open(copy)
        if base is not None and base.version.etag == copy.version.etag:
            return Downloaded(DownloadOutcome.UP_TO_DATE, None, copy.version)
        local = self._profile.load()
        local_digest = _digest(xml_format.dumps(local.layout))
        if local_digest == server_digest:  # the same settings: now based on this copy
            self._remember(copy.version, server_digest)
            return Downloaded(DownloadOutcome.UP_TO_DATE, None, copy.version)
        unchanged = local.source == "default" or (base is not None and local_digest == base.digest)
        if not unchanged:
            raise SettingsConflict(local.layout, server)
        return Downloaded(DownloadOutcome.TAKEN, self.take_server(server), copy.version)

    def upload(self, layout: Layout, *, progress: Progress | None = None) -> SettingsVersion:
        """Save ``layout`` as the server's current copy, based on this machine's base.

        :raises SettingsConflict: another machine saved in between (the server's copy is
            downloaded to go with it).
        :raises SettingsKeyMissing: before anything is sent, without the settings key.
        """
        base = self._base()
        return self._put(layout, None if base is None else base.version.etag, progress)

    def keep_local(
        self, conflict: SettingsConflict, *, progress: Progress | None = None
    ) -> SettingsVersion:
        """Upload ``conflict.local`` over the server copy of the conflict.

        :raises SettingsConflict: yet another save came in meanwhile.
        """
        return self._put(conflict.local, conflict.server.version.etag, progress)

    def take_server(self, copy: ServerCopy) -> Layout:
        """Make ``copy`` this machine's settings: the local settings are kept as a backup first
        (like every save's), then ``copy.layout`` is saved and ``copy`` becomes the base."""
        local = self._profile.load()
        if local.source != "default":
            self._profile.save(local.layout)  # keeps a backup of it (unless the newest is it)
        self._profile.save(copy.layout)
        self._remember(copy.version, _digest(xml_format.dumps(copy.layout)))
        return copy.layout

    def versions(self) -> list[SettingsVersion]:
        """The versions the server keeps, newest first."""
        return self._api.settings_versions(self._token)

    def fetch_version(self, number: int, *, progress: Progress | None = None) -> ServerCopy:
        """Version ``number``, downloaded and opened; changes nothing.

        :raises NotFound: the server keeps no such version.
        """
        copy = self._api.settings_version(self._token, number, progress=progress)
        return self._open(copy)[0]

    def restore_version(self, number: int, *, progress: Progress | None = None) -> ServerCopy:
        """Make version ``number`` the current copy, on the server and here.

        It is fetched, uploaded as the new current copy, then taken locally (a backup of the
        local settings is kept): a failed upload changes nothing on this machine. Returns the
        new current copy.

        :raises SettingsConflict: another machine saved while it was restored.
        """
        chosen = self.fetch_version(number, progress=progress)
        current = self.versions()
        if current and current[0].etag == chosen.version.etag:
            saved = chosen.version
        else:
            if_match = current[0].etag if current else None
            saved = self._put(chosen.layout, if_match, progress)
        restored = ServerCopy(saved, chosen.layout)
        self.take_server(restored)
        return restored

    def based_on(self) -> SettingsVersion | None:
        """The server copy this machine's settings are based on, if any."""
        base = self._base()
        return None if base is None else base.version

    # --- the steps ------------------------------------------------------------------------

    def _open(self, copy: SettingsCopy) -> tuple[ServerCopy, str]:
        layout = self._profile.open_from_server(copy.data)
        return ServerCopy(copy.version, layout), _digest(xml_format.dumps(layout))

    def _put(
        self, layout: Layout, if_match: str | None, progress: Progress | None
    ) -> SettingsVersion:
        plain = xml_format.dumps(layout)
        digest = _digest(plain)
        sealed = self._profile.seal_for_server(plain)
        try:
            version = self._api.put_settings(
                self._token, sealed, if_match=if_match, machine=self.machine, progress=progress
            )
        except (PreconditionFailed, PreconditionRequired) as refused:
            try:
                copy = self._api.settings(self._token, progress=progress)
            except NotFound:
                if if_match is None:
                    raise refused from None
                # The server lost the copy the base names: this is a first save again.
                self._forget_base()
                return self._put(layout, None, progress)
            server, server_digest = self._open(copy)
            if server_digest == digest:  # the server holds these very settings already
                self._remember(copy.version, digest)
                return copy.version
            raise SettingsConflict(layout, server) from None
        self._remember(version, digest)
        return version

    # --- the base, in the profile file ----------------------------------------------------

    @property
    def _server_key(self) -> str:
        return normalize_server(self._api.base_url)

    def _bases(self) -> dict[str, Any]:
        """The profile's entry of bases per server (a new one if it has none)."""
        return _bases_of(self._profile.files.read_profile())

    def _base(self) -> _Base | None:
        entry = self._bases().get(self._server_key)
        if not isinstance(entry, dict):
            return None
        digest = entry.get("sha256")
        try:
            version = SettingsVersion.model_validate(entry)
        except ValidationError:
            return None
        if not isinstance(digest, str) or len(digest) != 64:
            return None
        return _Base(version, digest)

    def _remember(self, version: SettingsVersion, digest: str) -> None:
        entry = {**version.model_dump(mode="json"), "sha256": digest}

        def note(profile: dict[str, Any]) -> bool:
            profile[BASES_ENTRY] = {**_bases_of(profile), self._server_key: entry}
            return True

        self._profile.files.update_profile(note)

    def _forget_base(self) -> None:
        def forget(profile: dict[str, Any]) -> bool:
            bases = _bases_of(profile)
            if bases.pop(self._server_key, None) is None:
                return False
            profile[BASES_ENTRY] = bases
            return True

        self._profile.files.update_profile(forget)


def _bases_of(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the profile's entry of bases per server (empty if it has none)."""
    bases = profile.get(BASES_ENTRY)
    return dict(bases) if isinstance(bases, dict) else {}
