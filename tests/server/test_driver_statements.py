"""Statements run on the driver store and read exactly what SQLAlchemy does; the bare-connection
transaction commits like the session one; a commit survives a killed server process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from tws_companion.protocol import ErrorCode
from tws_companion.server.db import Database, Login, SessionToken, SourceFailure, User
from tws_companion.server.driver_statements import DriverStatement
from tws_companion.server.errors import ApiError, CommittedApiError
from tws_companion.server.login_states import LoginState

DEADLINE = 30.0  # seconds; only reached when the behaviour under test is broken
CREATED = datetime(2026, 11, 30, 9, 0, 0, 123456, tzinfo=UTC)


def _add_login(database: Database) -> None:
    with database.transaction() as s:
        s.add(
            User(
                id=1,
                username="alice",
                password_hash="x",
                settings_key_enc=b"k",
                created_at=CREATED,
            )
        )
        s.flush()
        s.add(
            Login(
                id="login-1",
                user_id=1,
                platform="tws",
                source="127.0.0.1",
                state=LoginState.RESPOND,
                created_at=CREATED,
                expires_at=CREATED + timedelta(minutes=5),
            )
        )


SELECT_LOGIN = DriverStatement(select(Login.__table__).where(Login.id == bindparam("login_id")))
SET_CHALLENGE_EXPIRY = DriverStatement(
    update(Login)
    .where(Login.id == bindparam("login_id"))
    .values(challenge_expires_at=bindparam("at"), state=bindparam("state"))
)


def test_a_row_read_on_the_driver_has_the_values_the_orm_reads(database: Database) -> None:
    _add_login(database)
    with database.core_transaction() as connection:
        row = SELECT_LOGIN.first(connection, login_id="login-1")
        missing = SELECT_LOGIN.first(connection, login_id="no-such-login")
    assert row is not None
    values = dict(zip((column.key for column in SELECT_LOGIN.columns), row, strict=True))
    with database.read() as s:
        login = s.get(Login, "login-1")
        assert login is not None
        expected = {column.key: getattr(login, column.key) for column in Login.__table__.columns}
    assert values == expected
    assert values["state"] is LoginState.RESPOND
    assert values["created_at"] == CREATED
    assert values["created_at"].tzinfo is not None
    assert missing is None


def test_a_row_read_in_the_binary_protocol_has_the_values_the_orm_reads(
    database: Database,
) -> None:
    """``binary=True`` (PostgreSQL's binary protocol; the same statement elsewhere): bytes,
    times and enums come back as the ORM reads them."""
    _add_login(database)
    binary = DriverStatement(
        select(User.settings_key_enc, User.created_at, Login.state)
        .join(Login, Login.user_id == User.id)
        .where(User.id == bindparam("user_id")),
        binary=True,
    )
    with database.core_transaction() as connection:
        row = binary.first(connection, user_id=1)
    assert row == [b"k", CREATED, LoginState.RESPOND]
    assert type(row[0]) is bytes


def test_values_written_on_the_driver_are_stored_as_sqlalchemy_stores_them(
    database: Database,
) -> None:
    _add_login(database)
    at = CREATED + timedelta(seconds=90)
    with database.core_transaction() as connection:
        written = SET_CHALLENGE_EXPIRY.rowcount(
            connection, login_id="login-1", at=at, state=LoginState.DONE
        )
    assert written == 1
    with database.read() as s:
        login = s.get(Login, "login-1")
        assert login is not None
        assert (login.challenge_expires_at, login.state) == (at, LoginState.DONE)
        # Compared in SQL against a value SQLAlchemy binds (text on SQLite: the same format).
        found = s.scalars(
            select(Login.id).where(
                Login.challenge_expires_at == at,
                Login.challenge_expires_at < at + timedelta(microseconds=1),
                Login.challenge_expires_at > at - timedelta(microseconds=1),
            )
        ).all()
    assert found == ["login-1"]


SOURCES_FROM = DriverStatement(
    select(SourceFailure.source, SourceFailure.level, SourceFailure.updated_at)
    .where(SourceFailure.source >= bindparam("first"))
    .order_by(SourceFailure.source)
)


def test_all_rows_read_on_the_driver_have_the_values_the_orm_reads(database: Database) -> None:
    with database.transaction() as s:
        s.add_all(
            [
                SourceFailure(source="a", level=1.0, updated_at=CREATED),
                SourceFailure(source="b", level=2.5, updated_at=None),
                SourceFailure(source="c", level=0.0, updated_at=CREATED + timedelta(hours=1)),
            ]
        )
    with database.core_read() as connection:
        rows = SOURCES_FROM.all(connection, first="b")
        none = SOURCES_FROM.all(connection, first="z")
    with database.read() as s:
        expected = [
            [row.source, row.level, row.updated_at]
            for row in s.scalars(
                select(SourceFailure)
                .where(SourceFailure.source >= "b")
                .order_by(SourceFailure.source)
            )
        ]
    assert rows == expected
    assert [row[0] for row in rows] == ["b", "c"]
    assert rows[1][2] == CREATED + timedelta(hours=1)
    assert none == []


INSERT_TOKEN = DriverStatement(
    insert(SessionToken).values(
        token_hash=bindparam("token_hash"),
        user_id=bindparam("user_id"),
        device_id="device",
        scope="full",
        platform="tws",
        created_at=bindparam("now"),
        expires_at=bindparam("now"),
    )
)


def test_a_driver_error_is_sqlalchemy_s_without_the_parameters(database: Database) -> None:
    _add_login(database)
    with database.core_transaction() as connection:
        INSERT_TOKEN.rowcount(connection, token_hash="f" * 64, user_id=1, now=CREATED)
    with pytest.raises(IntegrityError) as raised, database.core_transaction() as connection:
        INSERT_TOKEN.rowcount(connection, token_hash="f" * 64, user_id=1, now=CREATED)
    message = str(raised.value)
    assert "INSERT INTO sessions" in message
    assert "[parameters:" not in message  # SQLAlchemy's list of the bound values
    assert "09:00:00.123456" not in message
    with database.read() as s:  # the failed transaction rolled back; the first one stands
        assert len(s.scalars(select(SessionToken.token_hash)).all()) == 1


def _refuse(database: Database, source: str, error: ApiError) -> None:
    with database.core_transaction() as connection:
        connection.execute(insert(SourceFailure).values(source=source, level=1.0))
        raise error


def test_a_bare_connection_transaction_commits_a_committed_refusal_only(database: Database) -> None:
    with pytest.raises(CommittedApiError):
        _refuse(database, "kept", CommittedApiError(ErrorCode.WRONG_RESPONSE, "counted"))
    with pytest.raises(ApiError):
        _refuse(database, "gone", ApiError(ErrorCode.WRONG_RESPONSE, "not counted"))
    with database.read() as s:
        assert set(s.scalars(select(SourceFailure.source))) == {"kept"}


WRITE_AND_WAIT = """
import sys
from tws_companion.server.db import Database, SourceFailure
database = Database(sys.argv[1])
with database.transaction() as s:
    s.add(SourceFailure(source="before the kill", level=1.0))
print("committed", flush=True)
sys.stdin.read()  # until killed
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_commit_survives_the_server_process_being_killed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sls.database'}"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITE_AND_WAIT, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "committed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(DEADLINE)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
    assert process.returncode == -signal.SIGKILL
    database = Database(url)
    try:
        with database.read() as s:
            assert set(s.scalars(select(SourceFailure.source))) == {"before the kill"}
    finally:
        database.dispose()
