"""Persistence: the tables of the SLS server and how to open the database.

All login state lives here, never in process memory, so several uvicorn workers (or several
machines behind a load balancer sharing PostgreSQL) can serve the steps of one login.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    TypeDecorator,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from tws_companion.server.errors import CommittedApiError


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
    #: ``active``, ``locked`` (too many wrong responses) or ``revoked``.
    status: Mapped[str] = mapped_column(String(16), default="active")
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
    """Failed logins per source address within a window."""

    __tablename__ = "source_failures"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime | None]


class Login(Base):
    """One login transaction, from the accepted password to the accepted response."""

    __tablename__ = "logins"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    #: ``select_device``, ``respond``, ``done`` or ``failed``.
    state: Mapped[str] = mapped_column(String(16))
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


#: Execution option marking a connection whose transactions only read.
READ_ONLY = "tws_read_only"


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with write transactions begun IMMEDIATE (so
    concurrent workers queue instead of failing), or any other SQLAlchemy URL as given."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,  # never bound values (digests, user names) in error logs
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            # Reads begin deferred (WAL readers never wait); writes take the lock up front.
            read_only = connection.get_execution_options().get(READ_ONLY, False)
            connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


#: Bumped whenever a table changes; a database of another version is refused, not misread.
SCHEMA_VERSION = 2


class SchemaInfo(Base):
    __tablename__ = "schema_info"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int]


class SchemaMismatchError(ValueError):
    """The database was made for another version of the server."""


def create_schema(engine: Engine) -> None:
    """Create the tables of an empty database; refuse one made by another version."""
    existing = set(inspect(engine).get_table_names())
    with Session(engine) as session, session.begin():
        if existing and "schema_info" not in existing:
            raise SchemaMismatchError(
                "the database was made by an earlier version of TWS Companion (schema 1); "
                f"this server needs schema {SCHEMA_VERSION}: start with a new database"
            )
        Base.metadata.create_all(session.connection())
        info = session.get(SchemaInfo, 1)
        if info is None:
            session.add(SchemaInfo(id=1, version=SCHEMA_VERSION))
        elif info.version != SCHEMA_VERSION:
            raise SchemaMismatchError(
                f"the database has schema {info.version}; this server needs schema "
                f"{SCHEMA_VERSION}: start with a new database"
            )


class Database:
    """The engine and a session factory; ``with db.transaction() as s:`` commits or rolls back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        create_schema(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit at the end of the block, or when it raises :class:`CommittedApiError` (then
        re-raise it); roll back on any other exception."""
        refusal: CommittedApiError | None = None
        with self._sessions.begin() as session:
            try:
                yield session
            except CommittedApiError as exc:
                refusal = exc
        if refusal is not None:
            raise refusal

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads: it never waits behind writers (SQLite WAL)."""
        with self._read_sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
