"""The user's secrets in the operating system's keyring, and nowhere else.

Today that is the settings key: delivered by the server after a full login, it opens the user's
encrypted layout settings on any machine (DESIGN.md section 4). It is cached per server and user.

A keyring that is not secure is refused: the fail and null backends (nothing would be kept) and
every ``keyrings.alt`` backend (plain or weakly protected files). There is no fallback to a file.
"""

from __future__ import annotations

import base64
import binascii
import logging
from urllib.parse import urlsplit

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, PasswordDeleteError

from tws_companion.protocol.usernames import normalize_username

__all__ = ["DEFAULT_SERVICE", "NoSecureKeyring", "SecretStore", "SecretStoreError"]

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
        backend = self._backend()
        try:
            backend.set_password(self.service, self._entry(server, username), value)
        except KeyringError as exc:
            raise SecretStoreError(
                f"The keyring refused to store the settings key ({type(exc).__name__})."
            ) from exc

    def get_settings_key(self, server: str, username: str) -> bytes | None:
        """``username``'s settings key for ``server``, or ``None`` when none is kept."""
        backend = self._backend()
        try:
            value = backend.get_password(self.service, self._entry(server, username))
        except KeyringError as exc:
            raise SecretStoreError(
                f"The keyring could not read the settings key ({type(exc).__name__})."
            ) from exc
        if value is None:
            return None
        try:
            return base64.urlsafe_b64decode(value.encode("ascii"))
        except (binascii.Error, ValueError):
            log.warning("ignoring an unreadable settings key in the keyring for %s", server)
            return None

    def delete_settings_key(self, server: str, username: str) -> None:
        """Forget ``username``'s settings key for ``server``; nothing happens if none is kept."""
        backend = self._backend()
        try:
            backend.delete_password(self.service, self._entry(server, username))
        except PasswordDeleteError:
            return
        except KeyringError as exc:
            raise SecretStoreError(
                f"The keyring could not delete the settings key ({type(exc).__name__})."
            ) from exc

    @staticmethod
    def _entry(server: str, username: str) -> str:
        # User names are case-insensitive on the server, so ``Alice`` and ``alice`` share a key.
        name = normalize_username(username)
        if not server or not name:
            raise ValueError("a server and a user name are needed to file a secret")
        return f"settings-key:{name}@{normalize_server(server)}"

    @staticmethod
    def _backend() -> KeyringBackend:
        backend = keyring.get_keyring()
        if _is_insecure(backend):
            raise NoSecureKeyring(_describe(backend))
        return backend
