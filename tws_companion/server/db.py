"""Persistence: the tables of the SLS server and how to open the database (which brings its
schema up to date: ``migrations``).

All login state lives here, never in process memory, so several uvicorn workers (or several
machines behind a load balancer sharing PostgreSQL) can serve the steps of one login.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from sqlite3 import OperationalError as SqliteOperationalError
from time import monotonic, sleep
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from tws_companion.protocol import DeviceStatus
from tws_companion.server.errors import CommittedApiError
from tws_companion.server.login_states import LoginState
from tws_companion.server.migrations import Migration, migrate
from tws_companion.server.write_queue import WriteQueue, WriterThread

E = TypeVar("E", bound=StrEnum)
#: What a write transaction hands its block: an ORM ``Session`` or a bare ``Connection``.
H = TypeVar("H")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StoredEnum(TypeDecorator[E]):
    """A ``StrEnum`` kept as its value in a ``VARCHAR(16)`` column: the stored strings and the
    schema are those of a plain string column; Python sees enum members only."""

    impl = String(16)
    cache_ok = True

    def __init__(self, enum_class: type[E]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_class(value)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Normalised (case-folded) user name; logins match it case-insensitively.
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    allowed_ips: Mapped[list[str]] = mapped_column(default=list)
    identity: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The user's layout-settings key, encrypted with the server's master key.
    settings_key_enc: Mapped[bytes] = mapped_column(LargeBinary)
    preferred_device_id: Mapped[str | None] = mapped_column(String(32))
    last_temporary_issued_at: Mapped[datetime | None]
    last_permanent_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(64))
    status: Mapped[DeviceStatus] = mapped_column(
        StoredEnum(DeviceStatus), default=DeviceStatus.ACTIVE
    )
    #: OCRA key, code card (JSON) or temporary-passcode digest, encrypted with the master key.
    secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The device PIN for OCRA suites with a ``P`` input, encrypted with the master key.
    pin_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone: Mapped[str | None] = mapped_column(String(32))
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    issued_at: Mapped[datetime]


class LoginFailure(Base):
    """Consecutive failed logins per user name, known or not (so both get the same answers)."""

    __tablename__ = "login_failures"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    consecutive: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]


class SourceFailure(Base):
    """Failed logins per source address, as a leaky bucket: ``level`` failures counted at
    ``updated_at``, draining at ``source_max_failures`` per ``source_window`` (a sliding limit,
    with no window boundary to burst across)."""

    __tablename__ = "source_failures"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime | None]


class CodeSend(Base):
    """An SMS or voice code sent, for the caps per user and per phone number over 24 hours."""

    __tablename__ = "code_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: HMAC of the phone number's digits (the number itself is kept on the device only).
    phone_key: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[datetime] = mapped_column(index=True)


class SettingsCopy(Base):
    """One saved copy of a user's layout settings: the encrypted envelope, opaque to the server.

    The newest of a user's copies is the current one; the server keeps the last
    ``SETTINGS_VERSIONS_KEPT``. ``number`` counts a user's saves (1, 2, 3...) and is never reused.
    """

    __tablename__ = "settings_copies"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The copy's ``ETag`` header value, quotes included: the number and a digest of the bytes.
    etag: Mapped[str] = mapped_column(String(80))
    saved_at: Mapped[datetime]
    size: Mapped[int] = mapped_column(Integer)
    #: The machine the save came from, as its client named it.
    machine: Mapped[str] = mapped_column(String(64))
    #: The envelope; empty when its bytes are a file of the settings folder (SQLite, copies of
    #: 1 MB or more: settings_blobs).
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Login(Base):
    """One login transaction, from the accepted password to the accepted response."""

    __tablename__ = "logins"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    state: Mapped[LoginState] = mapped_column(StoredEnum(LoginState))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    device_id: Mapped[str | None] = mapped_column(String(32))
    #: The latest challenge: an OCRA code, ``"i,j"`` card indices, or empty.
    challenge: Mapped[str | None] = mapped_column(String(64))
    challenge_expires_at: Mapped[datetime | None]
    wrong_responses: Mapped[int] = mapped_column(default=0)
    #: HMAC of the latest SMS/voice code, bound to this login; cleared once used.
    code_digest: Mapped[str | None] = mapped_column(String(128))
    code_channel: Mapped[str | None] = mapped_column(String(8))
    #: The SMS device the code went to, and until when it may be answered.
    code_device_id: Mapped[str | None] = mapped_column(String(32))
    code_expires_at: Mapped[datetime | None]
    resends: Mapped[int] = mapped_column(default=0)
    last_send_at: Mapped[datetime | None]
    #: An identity check's purpose (``protocol.security.Purpose``); None for a login proper.
    purpose: Mapped[str | None] = mapped_column(String(16))
    #: Bumped by every change. Steps lock the row (FOR UPDATE; SQLite's IMMEDIATE write lock),
    #: which is what keeps two workers from both accepting; the version makes a lost race loud.
    version: Mapped[int] = mapped_column(default=0)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy declares it)


class UsedChallenge(Base):
    """Challenges answered in the last 24 hours, per device: not issued or accepted again.

    Older ones are pruned, so after a day a challenge may come up again (one in a million for a
    6-digit OCRA challenge; one in ~25,000 for a pair of code-card indices).
    """

    __tablename__ = "used_challenges"

    device_id: Mapped[str] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    challenge: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(index=True)


class SessionToken(Base):
    __tablename__ = "sessions"

    #: SHA-256 of the token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Approval(Base):
    """What a completed identity check gives: single use, for one purpose, short-lived."""

    __tablename__ = "approvals"

    #: SHA-256 of the token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    #: The device that answered the identity check, and its kind.
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    device_kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class Withdrawal(Base):
    """A withdrawal accepted, with the kind of device that confirmed it (for its limits)."""

    __tablename__ = "withdrawals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    device_kind: Mapped[str] = mapped_column(String(16))
    #: Kept as history: no foreign key, the device may be removed later.
    device_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_withdrawals_user_id_created_at", "user_id", "created_at"),)


class DeviceShare(Base):
    """A request to share the owner's device with the requester (KB2481)."""

    __tablename__ = "device_shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    #: ``protocol.security.ShareStatus``: pending, approved or refused.
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


#: Execution option marking a connection whose transactions only read.
READ_ONLY = "tws_read_only"


#: How long a SQLite writer waits for the database: for another process's lock (the busy
#: timeout) and for its turn in this process's write queue.
SQLITE_BUSY_SECONDS = 30


#: How long to wait between attempts to switch a database another process holds to WAL.
WAL_SWITCH_RETRY_SECONDS = 0.01


class DeviceChange(Base):
    """A change to a security device waiting for its confirmation (``server.pin_change``,
    ``server.ib_key_activation``): an IB Key PIN change or activation confirmed with an SMS code,
    or a DSC+ PIN change confirmed with the response to a challenge computed with the new PIN."""

    __tablename__ = "device_changes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: ``ib_key_pin``, ``dsc_plus_pin`` or ``activation``.
    purpose: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The device whose PIN changes (None for an activation until it makes one).
    device_id: Mapped[str | None] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), index=True
    )
    #: ``pending``, ``done`` or ``failed``.
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    #: The new PIN, encrypted with the master key, bound to this change's id.
    new_pin_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: HMAC of the SMS code, bound to this change; cleared once used.
    code_digest: Mapped[str | None] = mapped_column(String(128))
    #: The DSC+ challenge to answer with the new PIN.
    challenge: Mapped[str | None] = mapped_column(String(64))
    wrong_answers: Mapped[int] = mapped_column(default=0)
    #: An activation: ``android`` or ``ios``, and the label the new IB Key gets.
    platform: Mapped[str | None] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(64))


def _use_wal(dbapi_connection: Any) -> None:
    """Put the database in WAL mode (a no-op once it is; the mode stays with the file).

    Switching a new database's journal needs its exclusive lock, and SQLite refuses the switch at
    once, without its busy handler, while another connection holds the write lock (a server
    starting beside this one). So wait for that lock here, as long as the busy timeout would.
    """
    deadline = monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL").close()
        except SqliteOperationalError as exc:
            if "locked" not in str(exc) or monotonic() >= deadline:
                raise
            sleep(WAL_SWITCH_RETRY_SECONDS)
        else:
            return


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with write transactions begun IMMEDIATE (so
    concurrent workers queue instead of failing), or any other SQLAlchemy URL as given."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
            hide_parameters=True,  # never bound values (digests, user names) in error logs
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            _use_wal(dbapi_connection)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # In WAL mode NORMAL syncs the log at checkpoints, not at every commit: a commit
            # survives a killed process (the log is in the file system), and the database is
            # never corrupted, but a power cut or an OS crash may roll back the last commits.
            # FULL made every write step wait 3-7 ms for the disk, one at a time (see
            # benchmarks/README.md, login.py); PostgreSQL keeps its own (durable) settings.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            # Reads begin deferred (WAL readers never wait); writes take the lock up front.
            read_only = connection.get_execution_options().get(READ_ONLY, False)
            connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


class Database:
    """The engine and a session factory; ``with db.transaction() as s:`` commits or rolls back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        try:
            #: What bringing the database up to date found and did (``admin migrate`` prints it).
            self.migration: Migration = migrate(self.engine)
        except BaseException:
            self.engine.dispose()  # a refused database leaves no connection open
            raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_engine = self.engine.execution_options(**{READ_ONLY: True})
        self._read_sessions = sessionmaker(self._read_engine, expire_on_commit=False)
        # SQLite: this process's writers queue here, first come first served, instead of
        # sleeping in SQLite's busy handler (which stays the guard between processes; the
        # queue waits as long as it does, 30 s). PostgreSQL orders writers by its row locks.
        self.write_queue = WriteQueue(
            exclusive=url.startswith("sqlite"), timeout=SQLITE_BUSY_SECONDS
        )
        #: SQLite: the thread the routes hand their write-only steps to (``deps.in_writer``),
        #: as they run one at a time anyway. None on PostgreSQL, whose writers run at once.
        self.writer: WriterThread | None = (
            WriterThread("sqlite-writer") if url.startswith("sqlite") else None
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit at the end of the block, or when it raises :class:`CommittedApiError` (then
        re-raise it); roll back on any other exception.

        On SQLite the transaction begins when this process's earlier writers have finished
        (:class:`WriteQueue`). One opened inside another on the same thread raises
        :class:`NestedWriteError` at once, on every backend.
        """
        with self._write(self._sessions.begin) as session:
            yield session

    @contextmanager
    def core_transaction(self) -> Iterator[Connection]:
        """A write transaction on a bare ``Connection``, as :meth:`transaction` (the same queue,
        commits on :class:`CommittedApiError`), without the ORM session around it (which costs
        ~0.2 ms per transaction): for steps that run their own statements (``respond``)."""
        with self._write(self.engine.begin) as connection:
            yield connection

    @contextmanager
    def _write(self, begin: Callable[[], AbstractContextManager[H]]) -> Iterator[H]:
        """The write transaction ``begin()`` opens, in the queue's turn, committed on a
        :class:`CommittedApiError` (re-raised after the commit)."""
        refusal: CommittedApiError | None = None
        with self.write_queue.turn(), begin() as handle:
            try:
                yield handle
            except CommittedApiError as exc:
                refusal = exc
        if refusal is not None:
            raise refusal

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads: it never waits behind writers, neither for the write
        queue nor, with SQLite's WAL, for the database lock."""
        with self._read_sessions.begin() as session:
            yield session

    @contextmanager
    def core_read(self) -> Iterator[Connection]:
        """:meth:`read` on a bare ``Connection``, without the ORM session around it: for steps
        that run their own statements (the password check's first read)."""
        with self._read_engine.begin() as connection:
            yield connection

    def dispose(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.engine.dispose()
