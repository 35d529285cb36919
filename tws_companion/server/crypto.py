"""The server's master key: AES-GCM encryption of device secrets at rest, and derived HMAC keys.

The key lives in a file readable by the server's user only (created on first start) or comes from
the ``TWS_COMPANION_MASTER_KEY`` environment variable (URL-safe base64 of 32 bytes) for a team
deployment whose workers share one key.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tws_companion.storage.atomic import atomic_write_bytes
from tws_companion.storage.paths import FILE_MODE, ensure_private_dir, make_private

KEY_BYTES = 32
NONCE_BYTES = 12
ENV_VAR = "TWS_COMPANION_MASTER_KEY"


class MasterKeyError(Exception):
    """The master key is missing, unreadable or malformed; or a ciphertext does not open."""


class MasterKey:
    """Encrypts small secrets with AES-256-GCM; the associated data binds each to its owner."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise MasterKeyError(f"the master key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(key)
        self._key = key

    def __repr__(self) -> str:
        return "MasterKey(<hidden>)"

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def decrypt(self, blob: bytes, context: str) -> bytes:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
        except (InvalidTag, ValueError):
            raise MasterKeyError(
                "a stored secret does not open with this master key (wrong key or tampered data)"
            ) from None

    def subkey(self, purpose: str) -> bytes:
        """A key for one purpose (e.g. HMAC of one-time codes), derived with HKDF-SHA256."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
        return hkdf.derive(self._key)


def load_or_create_master_key(path: Path, env: dict[str, str] | None = None) -> MasterKey:
    environ = os.environ if env is None else env
    encoded = environ.get(ENV_VAR)
    if encoded:
        try:
            return MasterKey(base64.urlsafe_b64decode(encoded.encode()))
        except (binascii.Error, ValueError):
            raise MasterKeyError(f"{ENV_VAR} must be URL-safe base64 of 32 bytes") from None
    if not path.exists():
        _create_key_file(path)
    make_private(path)  # a key file an earlier release left readable by others
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MasterKeyError(f"cannot read the master key file {path}: {exc.strerror}") from None
    return MasterKey(data)


def _create_key_file(path: Path) -> None:
    """Write a new key unless another process got there first (then its key is the one)."""
    ensure_private_dir(path.parent)
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    atomic_write_bytes(staging, secrets.token_bytes(KEY_BYTES), mode=FILE_MODE)
    try:
        os.link(staging, path)  # fails if the file exists: never replaces a key in use
    except FileExistsError:
        pass
    finally:
        staging.unlink(missing_ok=True)
