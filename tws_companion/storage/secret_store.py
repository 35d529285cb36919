"""The user's secrets in the operating system's keyring, and nowhere else.

Two secrets, each filed per server and user:

- the settings key: delivered by the server after a full login, it opens the user's encrypted
  layout settings on any machine (DESIGN.md section 4);
- the session of the last terminal login (``tws-companion login``), so that scripts can use the
  server afterwards (``tws-companion settings --server URL upload``) without logging in again
  until it expires. The token never appears in a ``repr``, a log or an error.

A keyring that is not secure is refused: the fail and null backends (nothing would be kept) and
every ``keyrings.alt`` backend (plain or weakly protected files). There is no fallback to a file.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, PasswordDeleteError

from tws_companion.protocol.usernames import normalize_username

__all__ = [
    "DEFAULT_SERVICE",
    "NoSecureKeyring",
    "SecretStore",
    "SecretStoreError",
    "StoredSession",
    "normalize_server",
]

log = logging.getLogger(__name__)

DEFAULT_SERVICE = "tws-companion"

_NO_SECURE_KEYRING = (
    "No secure keyring is available: install and unlock a Secret Service (GNOME Keyring, "
    "KWallet), or use the macOS Keychain or the Windows Credential Locker. Plaintext keyrings "
    "are refused."
)


class SecretStoreError(Exception):
    """The keyring could not keep or give back a secret."""


class NoSecureKeyring(SecretStoreError):  # noqa: N818  (the name the project uses)
    """The only keyring at hand would not keep a secret safely (or at all)."""

    def __init__(self, backend: str) -> None:
        super().__init__(f"{_NO_SECURE_KEYRING} (found: {backend})")
        self.backend = backend


def _is_insecure(backend: KeyringBackend) -> bool:
    if isinstance(backend, chainer.ChainerBackend):
        members: list[KeyringBackend] = list(backend.backends)
        return not members or any(_is_insecure(member) for member in members)
    if isinstance(backend, fail.Keyring | null.Keyring):
        return True
    module: str = type(backend).__module__
    return module == "keyrings.alt" or module.startswith("keyrings.alt.")


def _describe(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


@dataclass(frozen=True)
class StoredSession:
    """A session kept in the keyring: its token (a secret, never shown) and when it ends."""

    token: str = field(repr=False)
    #: Timezone-aware.
    expires_at: datetime

    def expired(self, now: datetime | None = None) -> bool:
        """Whether the session has ended at ``now`` (timezone-aware; default: the current time)."""
        return (now or datetime.now(UTC)) >= self.expires_at


def _read_session(value: str) -> StoredSession | None:
    """The session kept as ``value``; ``None`` when it is not one."""
    try:
        fields = json.loads(value)
        token, expires_at = fields["token"], datetime.fromisoformat(fields["expires_at"])
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(token, str) or not token or expires_at.utcoffset() is None:
        return None
    return StoredSession(token=token, expires_at=expires_at)


def normalize_server(server: str) -> str:
    """The form of a server URL the secrets are filed under: ``HTTPS://Host:1/`` and
    ``https://host:1`` are the same server."""
    text = server.strip()
    parts = urlsplit(text)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"
    return text.rstrip("/")


class SecretStore:
    """Secrets of TWS Companion in the OS keyring, under one keyring service name.

    The keyring backend is checked on every call (tests and the user can switch it), and an
    insecure one raises :class:`NoSecureKeyring`.
    """

    def __init__(self, service: str = DEFAULT_SERVICE) -> None:
        if not service:
            raise ValueError("the keyring service name must not be empty")
        self.service = service

    def __repr__(self) -> str:
        return f"SecretStore({self.service!r})"

    def check(self) -> None:
        """Raise :class:`NoSecureKeyring` unless a secure keyring is available."""
        self._backend()

    def set_settings_key(self, server: str, username: str, key: bytes) -> None:
        """Keep ``username``'s settings key for ``server``, replacing an older one."""
        if not isinstance(key, bytes) or not key:
            raise ValueError("a settings key is a non-empty bytes value")
        value = base64.urlsafe_b64encode(key).decode("ascii")
        self._write(self._entry(server, username), value, "the settings key")

    def get_settings_key(self, server: str, username: str) -> bytes | None:
        """``username``'s settings key for ``server``, or ``None`` when none is kept."""
        value = self._read(self._entry(server, username), "the settings key")
        if value is None:
            return None
        try:
            return base64.urlsafe_b64decode(value.encode("ascii"))
        except (binascii.Error, ValueError):
            log.warning("ignoring an unreadable settings key in the keyring for %s", server)
            return None

    def delete_settings_key(self, server: str, username: str) -> None:
        """Forget ``username``'s settings key for ``server``; nothing happens if none is kept."""
        self._delete(self._entry(server, username), "the settings key")

    def set_session(self, server: str, username: str, token: str, expires_at: datetime) -> None:
        """Keep ``username``'s session on ``server`` (until ``expires_at``, timezone-aware),
        replacing an older one."""
        if not isinstance(token, str) or not token:
            raise ValueError("a session token is a non-empty string")
        if expires_at.tzinfo is None or expires_at.utcoffset() is None:
            raise ValueError("expires_at must be a timezone-aware datetime")
        value = json.dumps({"token": token, "expires_at": expires_at.astimezone(UTC).isoformat()})
        self._write(self._session_entry(server, username), value, "the session")

    def get_session(
        self, server: str, username: str, *, now: datetime | None = None
    ) -> StoredSession | None:
        """``username``'s session on ``server``; ``None`` when none is kept or it has expired
        at ``now`` (default: the current time)."""
        value = self._read(self._session_entry(server, username), "the session")
        if value is None:
            return None
        session = _read_session(value)
        if session is None:
            log.warning("ignoring an unreadable session in the keyring for %s", server)
            return None
        return None if session.expired(now) else session

    def delete_session(self, server: str, username: str) -> None:
        """Forget ``username``'s session on ``server``; nothing happens if none is kept."""
        self._delete(self._session_entry(server, username), "the session")

    def _write(self, entry: str, value: str, what: str) -> None:
        backend = self._backend()
        try:
            backend.set_password(self.service, entry, value)
        except KeyringError as exc:
            raise SecretStoreError(
                f"The keyring refused to store {what} ({type(exc).__name__})."
            ) from exc

    def _read(self, entry: str, what: str) -> str | None:
        backend = self._backend()
        try:
            return backend.get_password(self.service, entry)
        except KeyringError as exc:
            raise SecretStoreError(
                f"The keyring could not read {what} ({type(exc).__name__})."
            ) from exc

    def _delete(self, entry: str, what: str) -> None:
        backend = self._backend()
        try:
            backend.delete_password(self.service, entry)
        except PasswordDeleteError:
            return
        except KeyringError as exc:
            raise SecretStoreError(
                f"The keyring could not delete {what} ({type(exc).__name__})."
            ) from exc

    @staticmethod
    def _entry(server: str, username: str, kind: str = "settings-key") -> str:
        # User names are case-insensitive on the server, so ``Alice`` and ``alice`` share a key.
        name = normalize_username(username)
        if not server or not name:
            raise ValueError("a server and a user name are needed to file a secret")
        return f"{kind}:{name}@{normalize_server(server)}"

    @classmethod
    def _session_entry(cls, server: str, username: str) -> str:
        return cls._entry(server, username, "session")

    @staticmethod
    def _backend() -> KeyringBackend:
        backend = keyring.get_keyring()
        if _is_insecure(backend):
            raise NoSecureKeyring(_describe(backend))
        return backend
