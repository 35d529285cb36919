"""Each user's layout settings on the server: the current copy and the versions before it.

The server keeps what the client uploads (the encrypted envelope, opaque here) as numbered
copies per user (``settings_copies``), the newest being the current one, and prunes all but the
last ``SETTINGS_VERSIONS_KEPT``. A save names the copy it was based on (``If-Match``), so two
machines saving over each other never lose an update silently:

- a save over an existing copy without ``If-Match`` is refused with 428;
- a save based on another copy than the current one (another machine saved in between) is
  refused with 412, carrying the current copy's ``ETag`` so the client can fetch it and let the
  user choose;
- ``If-Match: *`` overwrites whatever copy is current (a deliberate "keep mine").

Saves of one user are serialised by a lock on the user's row (PostgreSQL) or by the write lock
(SQLite), so with several workers exactly one of two concurrent saves based on the same copy
wins. Every call is for the session's own user: no route takes a user name. Settings need a
full-scope session, as the settings key does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, unquote

from sqlalchemy import Row, Select, delete, select
from sqlalchemy.orm import Session

from tws_companion.protocol import (
    ETAG_HEADER,
    MACHINE_HEADER,
    MACHINE_NAME_HEADER,
    MACHINE_NAME_MAX_LENGTH,
    SAVED_AT_HEADER,
    SETTINGS_VERSIONS_KEPT,
    VERSION_HEADER,
    ErrorCode,
    Scope,
)
from tws_companion.protocol.models import SettingsVersion, SettingsVersions
from tws_companion.server.context import ServerContext
from tws_companion.server.db import SessionToken, SettingsCopy, User
from tws_companion.server.errors import ApiError
from tws_companion.server.sessions import unauthorized

#: The machine a save is filed under when its client does not name one.
UNKNOWN_MACHINE = "unknown"

NEEDS_FULL_SCOPE = "Settings are stored on the server for a full login only."
NO_SETTINGS = "No settings are stored on the server for this user yet."
NO_SUCH_VERSION = "The server keeps no such version of your settings."
EMPTY_SETTINGS = "Invalid request: the settings are empty."
BAD_MACHINE_NAME = (
    f"Invalid request: header {MACHINE_NAME_HEADER} must be percent-encoded UTF-8 text of at "
    f"most {MACHINE_NAME_MAX_LENGTH} printable characters."
)
IF_MATCH_REQUIRED = (
    "Settings are already stored on the server: send If-Match with the ETag of the copy this "
    "save is based on (or If-Match: * to replace whatever copy is there)."
)
STALE_COPY = (
    "The settings on the server changed since this copy was based on them (another computer "
    "saved in between): fetch the current copy and choose which to keep."
)
NOTHING_TO_MATCH = "No settings are stored on the server yet: send the first save without If-Match."


@dataclass(frozen=True)
class StoredCopy:
    """A copy's description and, unless the client already has it, its bytes."""

    version: SettingsVersion
    #: None when ``If-None-Match`` named this copy (the answer is 304).
    data: bytes | None


def copy_headers(version: SettingsVersion) -> dict[str, str]:
    """The headers that describe a copy on every answer about it."""
    return {
        ETAG_HEADER: version.etag,
        VERSION_HEADER: str(version.number),
        SAVED_AT_HEADER: version.saved_at.isoformat(),
        MACHINE_HEADER: quote(version.machine, safe=""),
    }


def machine_name(header: str | None) -> str:
    """The machine a save comes from, from its percent-encoded ``X-Machine-Name`` header."""
    if header is None or not header.strip():
        return UNKNOWN_MACHINE
    try:
        name = unquote(header, errors="strict").strip()
    except UnicodeDecodeError:
        raise ApiError(ErrorCode.INVALID_REQUEST, BAD_MACHINE_NAME) from None
    if not name or len(name) > MACHINE_NAME_MAX_LENGTH or not name.isprintable():
        raise ApiError(ErrorCode.INVALID_REQUEST, BAD_MACHINE_NAME)
    return name


def current(ctx: ServerContext, row: SessionToken, if_none_match: str | None) -> StoredCopy:
    """``GET /me/settings``: the current copy; 404 before the first save."""
    _require_full_scope(row)
    with ctx.db.read() as s:
        _user(s, row)
        newest = _newest(s, row.user_id)
        if newest is None:
            raise ApiError(ErrorCode.NOT_FOUND, NO_SETTINGS)
        if if_none_match is not None and _none_match_names(if_none_match, newest.etag):
            return StoredCopy(newest, None)
        return StoredCopy(newest, _data(s, row.user_id, newest.number))


def version(ctx: ServerContext, row: SessionToken, number: int) -> StoredCopy:
    """``GET /me/settings/versions/{number}``: a copy still kept; 404 otherwise."""
    _require_full_scope(row)
    with ctx.db.read() as s:
        _user(s, row)
        found = s.execute(
            _described().where(SettingsCopy.user_id == row.user_id, SettingsCopy.number == number)
        ).one_or_none()
        if found is None:
            raise ApiError(ErrorCode.NOT_FOUND, NO_SUCH_VERSION)
        described = _version(found)
        return StoredCopy(described, _data(s, row.user_id, number))


def versions(ctx: ServerContext, row: SessionToken) -> SettingsVersions:
    """``GET /me/settings/versions``: the copies kept, newest first."""
    _require_full_scope(row)
    with ctx.db.read() as s:
        _user(s, row)
        found = s.execute(
            _described()
            .where(SettingsCopy.user_id == row.user_id)
            .order_by(SettingsCopy.number.desc())
            .limit(SETTINGS_VERSIONS_KEPT)
        ).all()
        return SettingsVersions(versions=tuple(_version(columns) for columns in found))


def save(
    ctx: ServerContext, row: SessionToken, data: bytes, if_match: str | None, machine: str
) -> SettingsVersion:
    """``PUT /me/settings``: a new current copy, based on the one ``if_match`` names."""
    _require_full_scope(row)
    if not data:
        raise ApiError(ErrorCode.INVALID_REQUEST, EMPTY_SETTINGS)
    digest = hashlib.sha256(data).hexdigest()[:32]
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        # One save of a user at a time: the second of two waits here, then finds the first's copy.
        s.execute(select(User.id).where(User.id == row.user_id).with_for_update()).scalar()
        _user(s, row)
        number = _number_after(_newest(s, row.user_id), if_match)
        saved = SettingsCopy(
            user_id=row.user_id,
            number=number,
            etag=f'"{number}-{digest}"',
            saved_at=now,
            size=len(data),
            machine=machine,
            data=data,
        )
        s.add(saved)
        s.execute(
            delete(SettingsCopy).where(
                SettingsCopy.user_id == row.user_id,
                SettingsCopy.number <= number - SETTINGS_VERSIONS_KEPT,
            )
        )
        return SettingsVersion(
            number=number, etag=saved.etag, saved_at=now, size=len(data), machine=machine
        )


# --- helpers -------------------------------------------------------------------------------------


def _number_after(newest: SettingsVersion | None, if_match: str | None) -> int:
    """The number of a save based on the copy ``if_match`` names, given the ``newest`` copy;
    refused (412, 428) when that is not the current copy."""
    if newest is None:
        if if_match is not None:
            raise ApiError(ErrorCode.PRECONDITION_FAILED, NOTHING_TO_MATCH)
        return 1
    if if_match is None:
        raise ApiError(
            ErrorCode.PRECONDITION_REQUIRED, IF_MATCH_REQUIRED, headers=copy_headers(newest)
        )
    if not _match_names(if_match, newest.etag):
        raise ApiError(ErrorCode.PRECONDITION_FAILED, STALE_COPY, headers=copy_headers(newest))
    return newest.number + 1


def _require_full_scope(row: SessionToken) -> None:
    if row.scope != Scope.FULL.value:
        raise ApiError(ErrorCode.SCOPE_DENIED, NEEDS_FULL_SCOPE)


def _user(s: Session, row: SessionToken) -> None:
    if s.get(User, row.user_id) is None:  # deleted while the session was alive
        raise unauthorized()


#: What describes a copy, without its bytes.
_Described = Select[int, str, datetime, int, str]


def _described() -> _Described:
    return select(
        SettingsCopy.number,
        SettingsCopy.etag,
        SettingsCopy.saved_at,
        SettingsCopy.size,
        SettingsCopy.machine,
    )


def _version(columns: Row[int, str, datetime, int, str]) -> SettingsVersion:
    number, etag, saved_at, size, machine = columns
    return SettingsVersion(number=number, etag=etag, saved_at=saved_at, size=size, machine=machine)


def _newest(s: Session, user_id: int) -> SettingsVersion | None:
    found = s.execute(
        _described()
        .where(SettingsCopy.user_id == user_id)
        .order_by(SettingsCopy.number.desc())
        .limit(1)
    ).one_or_none()
    return None if found is None else _version(found)


def _data(s: Session, user_id: int, number: int) -> bytes:
    data: bytes = s.execute(
        select(SettingsCopy.data).where(
            SettingsCopy.user_id == user_id, SettingsCopy.number == number
        )
    ).scalar_one()
    return data


def _entity_tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def _match_names(header: str, etag: str) -> bool:
    """``If-Match``: ``*``, or the strong comparison of one of the tags listed (RFC 9110)."""
    tags = _entity_tags(header)
    return "*" in tags or etag in tags


def _none_match_names(header: str, etag: str) -> bool:
    """``If-None-Match``: ``*``, or the weak comparison of one of the tags listed."""
    tags = [tag.removeprefix("W/") for tag in _entity_tags(header)]
    return "*" in tags or etag in tags
