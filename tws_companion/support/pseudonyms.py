"""User names as stable pseudonyms: the same user gives the same pseudonym on this installation,
and nothing links it to the name, nor to the pseudonym another installation gives.

The pseudonym is an HMAC-SHA256 of the normalized user name (``Alice`` and ``alice`` are one
user) under a random 256-bit key made on first use and kept in a file of its own, owner-only
(:func:`tws_companion.support.locations.pseudonym_key_path`). The key never leaves that file: it
is neither logged nor put into a trace or a bundle.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Final

from tws_companion.protocol.usernames import normalize_username
from tws_companion.storage.paths import FILE_MODE, ensure_private_dir

__all__ = ["KEY_BYTES", "PREFIX", "Pseudonyms"]

log = logging.getLogger(__name__)

KEY_BYTES: Final = 32
#: Every pseudonym starts with this, then 16 hexadecimal digits (64 bits).
PREFIX: Final = "user-"
_DIGITS: Final = 16
_CONTEXT: Final = b"tws-companion login trace user\x00"


class Pseudonyms:
    """Pseudonyms under the key kept in ``key_file`` (made there on first use)."""

    def __init__(self, key_file: Path) -> None:
        self.key_file = Path(key_file)
        self._key: bytes | None = None

    def __repr__(self) -> str:
        return f"Pseudonyms({str(self.key_file)!r})"

    def of(self, username: str) -> str:
        """The pseudonym of ``username``, e.g. ``user-3fa9c0d1e2b4a5f6``."""
        digest = hmac.new(
            self._load(), _CONTEXT + normalize_username(username).encode("utf-8"), hashlib.sha256
        ).hexdigest()
        return PREFIX + digest[:_DIGITS]

    def _load(self) -> bytes:
        if self._key is None:
            self._key = self._read() or self._create()
        return self._key

    def _read(self) -> bytes | None:
        try:
            text = self.key_file.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            text = ""
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) != KEY_BYTES:
            log.warning("the pseudonym key file is damaged: a new key is made")
            self.key_file.unlink(missing_ok=True)
            return None
        return key

    def _create(self) -> bytes:
        """Write a new key; if another process wrote one meanwhile, use that one."""
        folder = ensure_private_dir(self.key_file.parent)
        key = secrets.token_bytes(KEY_BYTES)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".pseudonym.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), FILE_MODE)
                handle.write(key.hex())
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp_name, self.key_file)  # never replaces a key another process made
            except FileExistsError:
                existing = self._read()
                if existing is not None:
                    return existing
                os.replace(tmp_name, self.key_file)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        return key
