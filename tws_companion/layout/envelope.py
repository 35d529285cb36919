"""The encrypted settings file of "Save Settings As": AES-256-GCM, still an ``.xml`` file.

Only its owner can open it, on any machine: the key is the user's 32-byte settings key, which the
server hands out after a full login (and the OS keyring caches). The file::

    <?xml version="1.0" encoding="UTF-8"?>
    <tws-companion-encrypted-settings format="1" user="NAME" cipher="AES-256-GCM" nonce="B64">
    BASE64-CIPHERTEXT</tws-companion-encrypted-settings>

(on one line, with a final line feed). The plain text is a settings file of
:mod:`tws_companion.layout.xml_format`. The nonce is 96 random bits, new for every seal. The
header is authenticated as associated data: the envelope format, the user name casefolded and the
cipher name (``_associated_data``); the nonce and the ciphertext are authenticated by GCM itself.
A changed user name, format, cipher, nonce or ciphertext byte is detected (``TamperedFile``);
only the casing of the user name may change (user names are compared as
:func:`~tws_companion.protocol.usernames.normalize_username` has them).

Every settings file, plain or encrypted, is at most
:data:`~tws_companion.layout.xml_format.MAX_FILE_BYTES`: base64 makes an envelope a third larger
than what it holds, so settings above about three quarters of that limit cannot be sealed
(``SettingsFileTooLarge`` from :func:`seal`; a large layout is some 1 MB).

:func:`read_settings` is the one entry point every front end uses to open a settings file, plain
or encrypted.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tws_companion.layout import xml_format
from tws_companion.layout.errors import (
    CorruptSettingsFile,
    LayoutError,
    NewerVersionFile,
    OtherUsersFile,
    SettingsFileTooLarge,
    SettingsKeyMissing,
    TamperedFile,
)
from tws_companion.layout.model import Layout
from tws_companion.protocol.usernames import normalize_username

__all__ = [
    "CIPHER",
    "ENVELOPE_FORMAT",
    "ENVELOPE_TAG",
    "KEY_BYTES",
    "OpenedSettings",
    "envelope_owner",
    "is_envelope",
    "open_envelope",
    "read_settings",
    "seal",
]

ENVELOPE_TAG = "tws-companion-encrypted-settings"
ENVELOPE_FORMAT = 1
CIPHER = "AES-256-GCM"
KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}\Z")
_SPACE = b" \t\r\n"  # XML white space
_ATTRIBUTE = rb"""[ \t\r\n]+[^ \t\r\n=<>/"']+[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*')"""
#: The root start tag as :func:`seal` writes it (quoted attributes), found in the first bytes.
_START_TAG = re.compile(
    b"<" + re.escape(ENVELOPE_TAG.encode()) + b"(?:" + _ATTRIBUTE + rb")*[ \t\r\n]*>"
)
_HEADER_LIMIT = 4096
_END_TAG = f"</{ENVELOPE_TAG}>".encode()


@dataclass(frozen=True)
class OpenedSettings:
    """What a settings file held, and how it was kept."""

    layout: Layout
    #: Whether it was an encrypted envelope (Save Settings As) rather than plain XML.
    encrypted: bool
    #: The user an encrypted file belongs to, as written in it; ``None`` for a plain file.
    owner: str | None


@dataclass(frozen=True)
class _Envelope:
    owner: str
    nonce: bytes
    ciphertext: bytes = field(repr=False)


def _associated_data(username: str) -> bytes:
    """The header as authenticated: format, user (casefolded) and cipher."""
    fields = (ENVELOPE_TAG, f"format={ENVELOPE_FORMAT}", f"user={username.casefold()}")
    return "\n".join((*fields, f"cipher={CIPHER}")).encode()


def _same_user(owner: str, username: str) -> bool:
    return normalize_username(owner) == normalize_username(username)


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError(f"a settings key is {KEY_BYTES} bytes")


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def seal(plain_xml: bytes, *, username: str, key: bytes) -> bytes:
    """``plain_xml`` (a plain settings file) encrypted for ``username`` with their settings key."""
    _check_key(key)
    if not username.strip() or re.search("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]", username):
        raise ValueError("the user name is empty or holds control characters")
    if is_envelope(plain_xml):
        raise ValueError("the settings are encrypted already")
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, plain_xml, _associated_data(username))
    header = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{ENVELOPE_TAG} format="{ENVELOPE_FORMAT}"'
        f' user="{_escape(username)}" cipher="{CIPHER}"'
        f' nonce="{base64.b64encode(nonce).decode("ascii")}">'
    )
    envelope = b"".join(
        (header.encode(), base64.b64encode(ciphertext), f"</{ENVELOPE_TAG}>\n".encode())
    )
    if len(envelope) > xml_format.MAX_FILE_BYTES:
        raise SettingsFileTooLarge(len(envelope), xml_format.MAX_FILE_BYTES)
    return envelope


def is_envelope(data: bytes) -> bool:
    """Whether ``data`` looks like an encrypted settings file (its first element; not parsed)."""
    return xml_format.peek_root(data) == ENVELOPE_TAG


def _decode(text: str, what: str) -> bytes:
    raw = text.strip().encode("ascii", "replace")
    if not _BASE64.match(raw):
        raise CorruptSettingsFile(f"the {what} of the encrypted settings is not base64")
    try:
        return base64.b64decode(raw, validate=True)
    except binascii.Error:
        raise CorruptSettingsFile(f"the {what} of the encrypted settings is not base64") from None


def _as_written(data: bytes) -> tuple[Element, bytes] | None:
    """The root element (attributes only) and the ciphertext of an envelope shaped as
    :func:`seal` writes it, without parsing the ciphertext as XML text; ``None`` for any other
    shape, which the full parse then reads or refuses.

    The header (prolog and root start tag) is parsed whole, as a document of its own closed right
    after the start tag: :func:`~tws_companion.layout.xml_format.parse_untrusted` refuses in it
    what it refuses anywhere. After it come only XML white space, strict base64 and the end tag:
    character data without markup, so the whole file is the same well-formed document, whose text
    is that base64.
    """
    start_tag = _START_TAG.search(data, 0, _HEADER_LIMIT)
    end = data.rfind(_END_TAG)
    if start_tag is None or end < start_tag.end() or data[end + len(_END_TAG) :].strip(_SPACE):
        return None
    try:
        root = xml_format.parse_untrusted(data[: start_tag.end()] + _END_TAG, ENVELOPE_TAG)
        ciphertext = binascii.a2b_base64(
            data[start_tag.end() : end].strip(_SPACE), strict_mode=True
        )
    except (LayoutError, binascii.Error):
        return None
    return root, ciphertext


def _parse(data: bytes) -> _Envelope:
    if len(data) > xml_format.MAX_FILE_BYTES:
        raise SettingsFileTooLarge(len(data), xml_format.MAX_FILE_BYTES)
    quick = _as_written(data)
    root = xml_format.parse_untrusted(data, ENVELOPE_TAG) if quick is None else quick[0]
    where = f"<{ENVELOPE_TAG}>"
    version = root.get("format")
    if version is None or not (version.isascii() and version.isdigit() and len(version) < 10):
        raise CorruptSettingsFile(f"{where} has no valid format attribute")
    if int(version) > ENVELOPE_FORMAT:
        raise NewerVersionFile(int(version), ENVELOPE_FORMAT)
    if int(version) != ENVELOPE_FORMAT:
        raise CorruptSettingsFile(f"{where} format={version} is not a known format")
    owner = root.get("user")
    if not owner:
        raise CorruptSettingsFile(f"{where} names no user")
    if root.get("cipher") != CIPHER:
        raise CorruptSettingsFile(f"{where} names a cipher other than {CIPHER}")
    if len(root):
        raise CorruptSettingsFile(f"{where} holds elements")
    nonce = _decode(root.get("nonce", ""), "nonce")
    if len(nonce) != _NONCE_BYTES:
        raise CorruptSettingsFile(
            f"the nonce of the encrypted settings is not {_NONCE_BYTES} bytes"
        )
    ciphertext = _decode(root.text or "", "content") if quick is None else quick[1]
    if len(ciphertext) < _TAG_BYTES:
        raise CorruptSettingsFile("the encrypted settings are cut short")
    return _Envelope(owner=owner, nonce=nonce, ciphertext=ciphertext)


def envelope_owner(data: bytes) -> str:
    """The user an encrypted settings file belongs to, as written in it (in clear)."""
    return _parse(data).owner


def _open(envelope: _Envelope, username: str, key: bytes) -> bytes:
    _check_key(key)
    if not _same_user(envelope.owner, username):
        raise OtherUsersFile(envelope.owner)
    try:
        return AESGCM(key).decrypt(
            envelope.nonce, envelope.ciphertext, _associated_data(envelope.owner)
        )
    except InvalidTag:
        raise TamperedFile() from None


def open_envelope(data: bytes, *, username: str, key: bytes) -> bytes:
    """The plain settings file inside an envelope of ``username`` (any casing).

    Raises ``OtherUsersFile`` (naming the owner) for another user's file, ``TamperedFile`` when
    authentication fails (a changed byte, the wrong key), ``NewerVersionFile``,
    ``SettingsFileTooLarge``, ``NotASettingsFile`` or
    ``CorruptSettingsFile`` for what is not an envelope.
    """
    return _open(_parse(data), username, key)


def read_settings(
    data: bytes, *, username: str, key_for: Callable[[], bytes | None]
) -> OpenedSettings:
    """Open a settings file, plain or encrypted: the one way every front end reads a file.

    ``key_for`` is asked for the settings key of ``username`` only when the file is an envelope
    of that user; ``None`` from it raises ``SettingsKeyMissing``. Every refusal is a
    :class:`~tws_companion.layout.errors.LayoutError`.
    """
    cut_short_envelope = xml_format.begins_like(data, ENVELOPE_TAG) and not (
        xml_format.begins_like(data, xml_format.ROOT_TAG)
    )
    if not is_envelope(data) and not cut_short_envelope:
        return OpenedSettings(layout=xml_format.loads(data), encrypted=False, owner=None)
    envelope = _parse(data)
    if not _same_user(envelope.owner, username):
        raise OtherUsersFile(envelope.owner)
    key = key_for()
    if key is None:
        raise SettingsKeyMissing(username)
    plain = _open(envelope, username, key)
    return OpenedSettings(layout=xml_format.loads(plain), encrypted=True, owner=envelope.owner)
