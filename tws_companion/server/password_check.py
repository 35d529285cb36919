"""Step 1 of a login, the password: throttling per user name and per source address around the
(slow) Argon2 check.

An unknown user name is counted exactly like a known one, so it gets the same answers and timing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tws_companion.protocol import ErrorCode
from tws_companion.server import accounts
from tws_companion.server.context import ServerContext
from tws_companion.server.db import LoginFailure, SourceFailure
from tws_companion.server.errors import ApiError
from tws_companion.sls import lockout
from tws_companion.sls.durations import wait_seconds

T = TypeVar("T", LoginFailure, SourceFailure)

INVALID_CREDENTIALS = "The user name or password is not correct."


@dataclass(frozen=True, slots=True)
class PasswordTarget:
    """What the password is checked against; ``password_hash`` is ``None`` for unknown users.

    The attempt was already counted as a failure (see :func:`begin_password_check`);
    ``previous_last_failure`` lets a correct password take that back exactly.
    """

    user_id: int | None
    password_hash: str | None
    username: str
    source: str
    attempted_at: datetime
    previous_last_failure: datetime | None
    previous_first_failure: datetime | None

    def __repr__(self) -> str:
        return f"PasswordTarget(user_id={self.user_id!r})"


def _failure_state(row: LoginFailure | None) -> lockout.FailureState:
    if row is None:
        return lockout.FailureState()
    return lockout.FailureState(row.consecutive, row.first_failure_at, row.last_failure_at)


def _source_state(row: SourceFailure | None) -> lockout.SourceState:
    if row is None:
        return lockout.SourceState()
    return lockout.SourceState(row.failures, row.window_start)


def _locked(s: Session, model: type[T], key: str) -> T:
    """The row of ``model`` with primary key ``key``, created if missing, locked for this
    transaction (PostgreSQL: FOR UPDATE; SQLite: the IMMEDIATE write lock already held), so two
    workers counting failures at once never lose one."""
    dialect = s.get_bind().dialect.name
    column = inspect(model).primary_key[0].name
    if dialect == "postgresql":
        s.execute(pg_insert(model).values({column: key}).on_conflict_do_nothing())
    elif dialect == "sqlite":
        s.execute(sqlite_insert(model).values({column: key}).on_conflict_do_nothing())
    row = s.get(model, key, with_for_update=True, populate_existing=True)
    if row is None:  # another database: no upsert, but the unique key still guards the insert
        row = model(**{column: key})
        s.add(row)
        s.flush()
    return row


def begin_password_check(
    ctx: ServerContext, username: str, source: str, now: datetime
) -> PasswordTarget:
    """Refuse when this source or this user name must wait; otherwise count the attempt as a
    failure *before* the (slow) password check, all in one locked transaction.

    Counting first means parallel guesses cannot all slip in under the limit while their Argon2
    checks run. A correct password takes the count back (:func:`forgive_password_check`). The
    user-name count is kept for names that do not exist too, so an unknown user name gets exactly
    the answers (and the timing) of a wrong password.
    """
    name = accounts.normalize_username(username)
    with ctx.db.transaction() as s:
        source_row = _locked(s, SourceFailure, source)
        verdict = lockout.check_source_allowed(_source_state(source_row), now, ctx.policy)
        if not verdict.allowed:
            raise ApiError(
                ErrorCode.SOURCE_THROTTLED,
                "Too many failed logins from this address. Please wait "
                f"{wait_seconds(verdict.retry_after)} seconds before trying again.",
                retry_after=wait_seconds(verdict.retry_after),
            )
        row = _locked(s, LoginFailure, name)
        verdict = lockout.check_login_allowed(_failure_state(row), now, ctx.policy)
        if verdict.locked:
            raise ApiError(
                ErrorCode.ACCOUNT_LOCKED,
                lockout.locked_message(verdict.retry_after),
                retry_after=wait_seconds(verdict.retry_after),
            )
        if not verdict.allowed:
            raise ApiError(
                ErrorCode.LOGIN_THROTTLED,
                lockout.throttle_message(verdict.retry_after),
                retry_after=wait_seconds(verdict.retry_after),
            )
        previous_first, previous_last = row.first_failure_at, row.last_failure_at
        _count_failure(ctx, row, source_row, now)
        user = accounts.find_user(s, name)
        return PasswordTarget(
            user_id=None if user is None else user.id,
            password_hash=None if user is None else user.password_hash,
            username=name,
            source=source,
            attempted_at=now,
            previous_last_failure=previous_last,
            previous_first_failure=previous_first,
        )


def _count_failure(
    ctx: ServerContext, row: LoginFailure, source_row: SourceFailure, now: datetime
) -> None:
    state = lockout.record_failure(_failure_state(row), now, ctx.policy)
    row.consecutive = state.consecutive
    row.first_failure_at = state.first_failure_at
    row.last_failure_at = state.last_failure_at
    source_state = lockout.record_source_failure(_source_state(source_row), now, ctx.policy)
    source_row.failures = source_state.failures
    source_row.window_start = source_state.window_start


def forgive_password_check(ctx: ServerContext, target: PasswordTarget) -> None:
    """The password was right: take back the failure counted before the check."""
    with ctx.db.transaction() as s:
        row = _locked(s, LoginFailure, target.username)
        row.consecutive = max(0, row.consecutive - 1)
        if row.last_failure_at == target.attempted_at:  # nobody failed since: restore exactly
            row.last_failure_at = target.previous_last_failure
            row.first_failure_at = target.previous_first_failure
        source_row = _locked(s, SourceFailure, target.source)
        source_row.failures = max(0, source_row.failures - 1)


def record_failure(
    s: Session, ctx: ServerContext, username: str, source: str, now: datetime
) -> None:
    """A failed login after the password step (three wrong responses, a device locked)."""
    _count_failure(
        ctx,
        _locked(s, LoginFailure, accounts.normalize_username(username)),
        _locked(s, SourceFailure, source),
        now,
    )


def invalid_credentials() -> ApiError:
    return ApiError(ErrorCode.INVALID_CREDENTIALS, INVALID_CREDENTIALS)
