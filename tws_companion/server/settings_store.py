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

A copy's ``ETag`` is ``"<number>-<token>"``, the token drawn at random by its save: unique
to that save, so a client's ``If-Match`` never matches another copy that got the same number
after a commit was rolled back (SQLite with ``synchronous=NORMAL`` after a power cut), and made
without reading the bytes (it used to be the SHA-256 of the body: 3.6 ms of CPU per 5 MB).

Where the bytes live: with SQLite, those of a copy of 1 MB or more in the folder of
:mod:`settings_blobs`, in a file named by the token (the copy's ``data`` column is then empty,
``size`` says how large it is), smaller ones in the ``data`` column; with PostgreSQL, which
several machines may share, in the ``data`` column, fetched in the binary protocol (the text one
doubles the bytes as hex). Copies an earlier release saved into SQLite keep their bytes in the
column until they age out.

How a download reads them: one statement describes the copy and reads its first slice
(:data:`SLICE_BYTES`; nothing when ``If-None-Match`` names it), in the read transaction that
looks the session up, before the answer starts, so a 404, 304 or 401 answers as it always did;
with a file, the file is opened in that step (a version that ages out meanwhile loses its name,
not its bytes). A copy no larger than a slice is sent in one piece; a larger one as it is read
(:meth:`StoredCopy.parts`, the same for the current copy and a numbered version): from its file,
on the event loop, or from the database a slice per statement, each in a short read transaction
of its own (a committed copy never changes, so none stays open while a slow client reads), the
next slice fetched while one is sent. A copy that ages out of the database while it is sent
cuts the answer short (:class:`CopyGoneError`): the client, told the copy's size as the
``Content-Length``, reports a download cut short, never takes other bytes for it.

A body is taken part by part as it arrives (:func:`receive`) and
written to its file on the event loop (a write into the page cache takes tens of microseconds
per part; handing parts to the thread pool cost more, and its thread fought the event loop for
the GIL); it is joined only when the database keeps it.

Each request's session is looked up in the same thread-pool step and read transaction as its
first look at the copies (:func:`start_save`, :func:`current`...), through the route's
:class:`SessionRef`, not in a step of its own: a save is checked against the current copy
before its body is read, and a stale one is refused without writing it. The statements of a
save and of a download run on the driver's cursor (:class:`DriverStatement`); the files of
versions that aged out are removed after the answer is sent (:func:`pruning`).
"""

from __future__ import annotations

import asyncio
import secrets
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import FileIO
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    Select,
    String,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from starlette.background import BackgroundTask

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
from tws_companion.server.deps import SessionRef, in_threadpool
from tws_companion.server.driver_statements import DriverStatement
from tws_companion.server.errors import AnswerCutShortError, ApiError
from tws_companion.server.sessions import unauthorized
from tws_companion.server.settings_blobs import (
    FILE_THRESHOLD,
    FOLDER_NAME,
    SettingsBlobs,
    Staged,
    file_names,
)

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

#: The most of a save's body read (into memory) while its session is being looked up.
EARLY_BYTES = 1024 * 1024
#: Random bytes of the token of a copy's ``ETag`` (as hex: 32 characters).
TOKEN_BYTES = 16
#: How much of a copy a download reads at a time: its first slice before the answer starts,
#: then one slice per statement (PostgreSQL) or file read while it is sent.
SLICE_BYTES = 1024 * 1024


class Upload:
    """The body of a save, taken part by part: kept until it reaches the settings folder's
    threshold; from there on (with a settings folder) written to the file named by the save's
    :attr:`token` instead (not yet synced)."""

    def __init__(self, blobs: SettingsBlobs | None, user_id: int) -> None:
        self._blobs = blobs
        self._user_id = user_id
        #: The token of the copy's ``ETag``, and the name of its file.
        self.token = secrets.token_hex(TOKEN_BYTES)
        self.size = 0
        self.parts: list[bytes] = []
        self.staged: Staged | None = None

    @classmethod
    def of(cls, ctx: ServerContext, row: SessionToken, data: bytes) -> Upload:
        upload = cls(_blobs_of(ctx), row.user_id)
        upload.take(data)
        return upload

    def take(self, part: bytes) -> None:
        """Keep or write the next part (a write into the page cache: it does not wait for the
        disk)."""
        self.size += len(part)
        if self.staged is not None:
            self.staged.write(part)
            return
        self.parts.append(part)
        if self._blobs is not None and self.size >= FILE_THRESHOLD:
            self.staged = self._blobs.stage(self._user_id, self.token)
            for kept in self.parts:
                self.staged.write(kept)
            self.parts.clear()

    def data(self) -> bytes:
        return self.parts[0] if len(self.parts) == 1 else b"".join(self.parts)

    def discard(self) -> None:
        if self.staged is not None:
            self.staged.discard()


async def read_early(stream: AsyncIterator[bytes], starting: asyncio.Future[Any]) -> list[bytes]:
    """The parts of a save's body that arrive while its first step (``starting``: the session,
    a first look at the copies) runs on the thread pool, up to :data:`EARLY_BYTES`, kept in
    memory: the body moves meanwhile instead of waiting in the socket, and nothing is written
    before the session is known. Stops once the step is done, the limit reached or the body
    ended; the step is awaited before an error here is raised."""
    parts: list[bytes] = []
    size = 0
    try:
        while not starting.done() and size < EARLY_BYTES:
            try:
                part = await anext(stream)
            except StopAsyncIteration:
                break
            parts.append(part)
            size += len(part)
    except BaseException:
        await asyncio.wait([starting])
        if not starting.cancelled():
            starting.exception()  # retrieved: the error here is the one raised
        raise
    return parts


async def receive(
    ctx: ServerContext,
    row: SessionToken,
    stream: AsyncIterator[bytes],
    early: Sequence[bytes] = (),
) -> Upload:
    """Read a save's body, the ``early`` parts (:func:`read_early`) first, each part taken as
    it arrives (:meth:`Upload.take`); once it has a file, the file's name is made durable on
    the thread pool meanwhile, off the save's path. The file of a body cut short is removed.
    The size limit is enforced before (:mod:`limits`)."""
    _require_full_scope(row)
    upload = Upload(_blobs_of(ctx), row.user_id)
    naming: asyncio.Future[None] | None = None
    try:
        for part in early:
            upload.take(part)
        async for part in stream:
            upload.take(part)
            if naming is None and upload.staged is not None:
                naming = asyncio.ensure_future(in_threadpool(upload.staged.sync_name))
        if naming is not None:
            await naming
    except BaseException:
        if naming is not None:
            await asyncio.wait([naming])
        upload.discard()
        raise
    return upload


async def drain(stream: AsyncIterator[bytes]) -> None:
    """Read a refused save's body to its end, keeping nothing, so the refusal reaches a client
    still sending it (an answer before the body would be cut off with the connection)."""
    async for _part in stream:
        pass


@dataclass(frozen=True)
class SaveStart:
    """What a save's first step found, before its body is read."""

    session: SessionToken
    #: Why the save would be refused now (412, 428: another copy is current), raised once its
    #: body is drained; None when it is based on the current copy.
    refusal: ApiError | None


@dataclass(frozen=True)
class Saved:
    """A save's new copy, and what it left for :func:`pruning`."""

    version: SettingsVersion
    #: The names of the files of the user's copies after the save (with a settings folder).
    kept: frozenset[str]
    #: The names of the files of the copies the save aged out.
    gone: tuple[str, ...]


class CopyGoneError(AnswerCutShortError):
    """A copy aged out while it was being sent: the answer is cut short (its ``Content-Length``
    was sent), never completed with other bytes."""


class _Rest(ABC):
    """Where the bytes of a copy after its first slice are read from while it is sent."""

    @abstractmethod
    def parts(self, start: int, end: int) -> AsyncIterator[bytes]:
        """The bytes from ``start`` to ``end``, a slice at a time; :class:`CopyGoneError` when they
        end early."""

    @abstractmethod
    def close(self) -> None:
        """Let go of what holds the bytes (many times, and before or after :meth:`parts`)."""


class _DatabaseSlices(_Rest):
    """A copy the database keeps the bytes of, read in slices while it is sent: each slice in
    a short read transaction of its own (a committed copy never changes: none stays open while
    a slow client reads), the next one fetched on the thread pool while one is sent."""

    def __init__(self, ctx: ServerContext, user_id: int, version: SettingsVersion) -> None:
        self._ctx = ctx
        self._keys = {"user_id": user_id, "number": version.number, "etag": version.etag}

    def _read(self, start: int, length: int) -> bytes:
        with self._ctx.db.core_read() as c:
            found = _SLICE.first(c, start=start + 1, length=length, **self._keys)
        return b"" if found is None or found[0] is None else bytes(found[0])

    async def parts(self, start: int, end: int) -> AsyncIterator[bytes]:
        def fetch(at: int) -> asyncio.Future[bytes] | None:
            if at >= end:
                return None
            future = asyncio.ensure_future(
                in_threadpool(self._read, at, min(SLICE_BYTES, end - at))
            )
            future.add_done_callback(_retrieved)
            return future

        upcoming = fetch(start)
        try:
            while upcoming is not None:
                part = await upcoming
                if not part:
                    raise CopyGoneError()
                start += len(part)
                upcoming = fetch(start)
                yield part
        finally:
            if upcoming is not None:
                upcoming.cancel()

    def close(self) -> None:
        """Nothing held: each slice's read transaction ends with it."""


class _FileSlices(_Rest):
    """A copy whose bytes are a file of the settings folder, opened before the answer starts
    and read on the event loop while it is sent (a megabyte from the page cache takes a tenth
    of a millisecond; the thread pool's hand-over costs more)."""

    def __init__(self, file: FileIO) -> None:
        self._file = file

    async def parts(self, start: int, end: int) -> AsyncIterator[bytes]:
        while start < end:
            part = self._file.read(min(SLICE_BYTES, end - start))
            if not part:
                raise CopyGoneError()
            start += len(part)
            yield part

    def close(self) -> None:
        self._file.close()


@dataclass(frozen=True)
class StoredCopy:
    """A copy's description and, unless the client already has it, its first bytes and what
    reads the rest (:meth:`parts`)."""

    version: SettingsVersion
    #: The copy's first :data:`SLICE_BYTES` (all of it when :attr:`rest` is None); None when
    #: ``If-None-Match`` named this copy (the answer is 304).
    data: bytes | None
    #: What reads the bytes after :attr:`data` while they are sent; None when there are none.
    rest: _Rest | None = None

    async def parts(self) -> AsyncIterator[bytes]:
        """The copy's bytes, :attr:`data` first; :class:`CopyGoneError` if it aged out while they
        were sent. What holds them is let go at the end (and by :meth:`close`)."""
        try:
            if self.data is None:
                return
            yield self.data
            if self.rest is not None:
                async for part in self.rest.parts(len(self.data), self.version.size):
                    yield part
        finally:
            self.close()

    def close(self) -> None:
        if self.rest is not None:
            self.rest.close()


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


def current(ctx: ServerContext, session: SessionRef, if_none_match: str | None) -> StoredCopy:
    """``GET /me/settings`` with the request's ``session``: the current copy; 404 before the
    first save."""
    return _stored(ctx, session, None, if_none_match)


def version(ctx: ServerContext, session: SessionRef, number: int) -> StoredCopy:
    """``GET /me/settings/versions/{number}``: a copy still kept; 404 otherwise."""
    return _stored(ctx, session, number, None)


def versions(ctx: ServerContext, session: SessionRef) -> SettingsVersions:
    """``GET /me/settings/versions``: the copies kept, newest first."""
    with ctx.db.read() as s:
        row = _session(ctx, s, session)
        found = s.execute(
            _described()
            .where(SettingsCopy.user_id == row.user_id)
            .order_by(SettingsCopy.number.desc())
            .limit(SETTINGS_VERSIONS_KEPT)
        ).all()
        return SettingsVersions(versions=tuple(_version(columns) for columns in found))


def start_save(ctx: ServerContext, session: SessionRef, if_match: str | None) -> SaveStart:
    """``PUT /me/settings``, before the body: the request's ``session`` (401, 403 otherwise) and
    whether a save based on the copy ``if_match`` names would be refused now. It is checked
    again under the lock (:func:`save`), where it counts."""
    with ctx.db.read() as s:
        row = _session(ctx, s, session)
        try:
            _number_after(_newest(s.connection(), row.user_id), if_match)
        except ApiError as refusal:
            return SaveStart(row, refusal)
    return SaveStart(row, None)


def save(
    ctx: ServerContext, row: SessionToken, upload: Upload, if_match: str | None, machine: str
) -> Saved:
    """``PUT /me/settings``: a new current copy, based on the one ``if_match`` names.

    The upload's file, if any, is synced with its name before the transaction (so the write
    lock is never held meanwhile), and kept as the copy once it commits, or removed. The files
    of versions this save aged out stay until :func:`pruning`."""
    now = ctx.clock.now()
    staged = upload.staged
    try:
        _require_full_scope(row)
        if not upload.size:
            raise ApiError(ErrorCode.INVALID_REQUEST, EMPTY_SETTINGS)
        if staged is not None:
            staged.sync()
        with ctx.db.core_transaction() as c:
            # One save of a user at a time: the second of two waits here, then finds the first's
            # copy. No row: the user was deleted while the session was alive.
            if _LOCK_USER.first(c, user_id=row.user_id) is None:
                raise unauthorized()
            # Rows, not models: only the newest is described (this runs under the lock).
            copies = _COPIES.all(c, user_id=row.user_id)
            number = _number_after(_version(copies[0]) if copies else None, if_match)
            etag = f'"{number}-{upload.token}"'
            _INSERT_COPY.rowcount(
                c,
                user_id=row.user_id,
                number=number,
                etag=etag,
                saved_at=now,
                size=upload.size,
                machine=machine,
                data=b"" if staged is not None else upload.data(),
            )
            newest_gone = number - SETTINGS_VERSIONS_KEPT
            _DELETE_AGED_OUT.rowcount(c, user_id=row.user_id, newest_gone=newest_gone)
        if staged is not None:
            staged.keep()
    finally:
        upload.discard()
    version = SettingsVersion(
        number=number, etag=etag, saved_at=now, size=upload.size, machine=machine
    )
    # Each row starts with the copy's number and ETag (``_described``).
    numbered = [(number, etag), *((copy[0], copy[1]) for copy in copies)]
    return Saved(
        version,
        kept=frozenset(
            name for n, tag in numbered if n > newest_gone for name in file_names(n, tag)
        ),
        gone=tuple(name for n, tag in numbered if n <= newest_gone for name in file_names(n, tag)),
    )


def pruning(ctx: ServerContext, user_id: int, saved: Saved) -> BackgroundTask | None:
    """What removes, once ``saved`` is answered, the files of the versions it aged out and
    files no copy names (left by saves refused late or cut off); None without a settings
    folder."""
    blobs = _blobs_of(ctx)
    if blobs is None:
        return None
    return BackgroundTask(blobs.prune, user_id, saved.kept, saved.gone)


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


def _session(ctx: ServerContext, s: Session, session: SessionRef) -> SessionToken:
    """The request's live full-scope session, looked up in its read transaction."""
    row = session.find(s, ctx.clock.now())
    _require_full_scope(row)
    return row


def _require_full_scope(row: SessionToken) -> None:
    if row.scope != Scope.FULL.value:
        raise ApiError(ErrorCode.SCOPE_DENIED, NEEDS_FULL_SCOPE)


def _blobs_of(ctx: ServerContext) -> SettingsBlobs | None:
    """The folder of envelopes, with SQLite and a data folder; None when the database keeps
    the bytes."""
    if ctx.data_dir is not None and ctx.db.engine.dialect.name == "sqlite":
        return SettingsBlobs(ctx.data_dir / FOLDER_NAME)
    return None


def _stored(
    ctx: ServerContext, session: SessionRef, number: int | None, if_none_match: str | None
) -> StoredCopy:
    """The copy numbered ``number`` (the current one when None) of the request's ``session``:
    described and its first slice read by one statement, in the read transaction that looks the
    session up; its file (SQLite, large copies) opened. 404 when there is no such copy."""
    tags = None if if_none_match is None else _none_match_tags(if_none_match)
    # A copy the client has is not read: only a lone tag can be told to the statement.
    known = tags[0] if tags is not None and len(tags) == 1 else ""
    length = 0 if tags is not None and "*" in tags else SLICE_BYTES
    missing = NO_SETTINGS if number is None else NO_SUCH_VERSION
    with ctx.db.read() as s:
        row = _session(ctx, s, session)
        c = s.connection()
        if number is None:
            found = _FIRST_OF_NEWEST.first(c, user_id=row.user_id, known=known, length=length)
        else:
            found = _FIRST_OF_NUMBER.first(
                c, user_id=row.user_id, number=number, known=known, length=length
            )
    if found is None:
        raise ApiError(ErrorCode.NOT_FOUND, missing)
    described = _version(found[:5])
    if tags is not None and ("*" in tags or described.etag in tags):
        return StoredCopy(described, None)
    first = b"" if found[5] is None else bytes(found[5])
    size = described.size
    if first:
        rest = _DatabaseSlices(ctx, row.user_id, described) if len(first) < size else None
        return StoredCopy(described, first, rest)
    blobs = _blobs_of(ctx)
    if blobs is None:
        raise RuntimeError("a copy's bytes are on disk, but this server keeps no settings folder")
    try:
        file = blobs.open(row.user_id, file_names(described.number, described.etag))
    except FileNotFoundError:  # aged out since it was looked up
        raise ApiError(ErrorCode.NOT_FOUND, missing) from None
    files = _FileSlices(file)
    try:
        first = file.read(min(SLICE_BYTES, size))
    except BaseException:
        files.close()
        raise
    if len(first) < size:
        return StoredCopy(described, first, files)
    files.close()
    return StoredCopy(described, first)


def _retrieved(future: asyncio.Future[bytes]) -> None:
    """Mark the outcome of a slice fetched ahead as seen (the download may have ended)."""
    if not future.cancelled():
        future.exception()


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


def _version(columns: Row[int, str, datetime, int, str] | Sequence[Any]) -> SettingsVersion:
    number, etag, saved_at, size, machine = columns
    return SettingsVersion(number=number, etag=etag, saved_at=saved_at, size=size, machine=machine)


#: A user's newest copy, described.
_NEWEST = DriverStatement(
    _described()
    .where(SettingsCopy.user_id == bindparam("user_id"))
    .order_by(SettingsCopy.number.desc())
    .limit(1)
)
#: A user's copies, described, newest first (a save's: the newest, and those it ages out).
_COPIES = DriverStatement(
    _described()
    .where(SettingsCopy.user_id == bindparam("user_id"))
    .order_by(SettingsCopy.number.desc())
)
#: The user's row, locked for the transaction (PostgreSQL; SQLite's write lock is held anyway).
_LOCK_USER = DriverStatement(
    select(User.id).where(User.id == bindparam("user_id")).with_for_update()
)
_INSERT_COPY = DriverStatement(
    insert(SettingsCopy).values(
        {
            name: bindparam(name)
            for name in ("user_id", "number", "etag", "saved_at", "size", "machine", "data")
        }
    )
)
#: The copies a save ages out: numbered ``newest_gone`` or below.
_DELETE_AGED_OUT = DriverStatement(
    delete(SettingsCopy).where(
        SettingsCopy.user_id == bindparam("user_id"),
        SettingsCopy.number <= bindparam("newest_gone"),
    )
)


def _first_slice() -> ColumnElement[bytes]:
    """A copy's first bytes, up to ``length``; none when its ETag is ``known`` (the client has
    it: the answer will be 304)."""
    return func.substr(
        SettingsCopy.data,
        1,
        case(
            (SettingsCopy.etag == bindparam("known", type_=String), 0),
            else_=bindparam("length", type_=Integer),
        ),
    )


#: A user's newest copy, described, and its first slice (:func:`_first_slice`).
_FIRST_OF_NEWEST = DriverStatement(
    _described()
    .add_columns(_first_slice())
    .where(SettingsCopy.user_id == bindparam("user_id"))
    .order_by(SettingsCopy.number.desc())
    .limit(1),
    binary=True,
)
#: A user's copy ``number``, described, and its first slice.
_FIRST_OF_NUMBER = DriverStatement(
    _described()
    .add_columns(_first_slice())
    .where(
        SettingsCopy.user_id == bindparam("user_id"), SettingsCopy.number == bindparam("number")
    ),
    binary=True,
)
#: ``length`` bytes of a copy from ``start`` (counted from 1); no row once it aged out. The
#: ETag is matched too: a number names one copy only while its ETag does.
_SLICE = DriverStatement(
    select(
        func.substr(
            SettingsCopy.data,
            bindparam("start", type_=Integer),
            bindparam("length", type_=Integer),
        )
    ).where(
        SettingsCopy.user_id == bindparam("user_id"),
        SettingsCopy.number == bindparam("number"),
        SettingsCopy.etag == bindparam("etag"),
    ),
    binary=True,
)


def _newest(c: Connection, user_id: int) -> SettingsVersion | None:
    found = _NEWEST.first(c, user_id=user_id)
    return None if found is None else _version(found)


def _none_match_tags(header: str) -> list[str]:
    """The tags ``If-None-Match`` lists, for the weak comparison."""
    return [tag.removeprefix("W/") for tag in _entity_tags(header)]


def _entity_tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def _match_names(header: str, etag: str) -> bool:
    """``If-Match``: ``*``, or the strong comparison of one of the tags listed (RFC 9110)."""
    tags = _entity_tags(header)
    return "*" in tags or etag in tags
