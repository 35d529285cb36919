"""Step 1 of a login, the password: throttling per user name and per source address around the
(slow) Argon2 check.

:func:`check_password` runs in three steps:

1. a cheap read that refuses at once when the user name or the source address must already wait,
   so a flood of guesses costs almost no Argon2;
2. the Argon2 check, on the bounded password-check threads;
3. one locked transaction that decides with the counts as they are *now*: if the user name or the
   source must wait, the attempt is refused whatever the password (so a guess racing others
   learns nothing); otherwise a wrong password is counted (user name and source) and refused, and
   a right one passes.

Nothing is counted before the password is checked, so parallel correct logins never refuse each
other; and every wrong password is counted under the lock before it is answered, so parallel
guesses never get more answers than ``throttle_after_failures``. An unknown user name goes through
exactly the same steps (Argon2 against a dummy hash) and gets the same answers and timing: the
same statements, in the same transactions, as a wrong password.

Every login runs steps 1 and 3, so their statements are built once and run on the driver
(:mod:`driver_statements`), on bare connections: a few hundred microseconds where the ORM took
a few milliseconds (benchmarks/README.md, login.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import anyio.to_thread
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tws_companion.protocol import ErrorCode
from tws_companion.server import accounts
from tws_companion.server.context import ServerContext
from tws_companion.server.db import LoginFailure, SourceFailure, User
from tws_companion.server.driver_statements import DriverStatement, detached
from tws_companion.server.errors import ApiError, CommittedApiError
from tws_companion.sls import lockout
from tws_companion.sls.durations import plural, wait_seconds

T = TypeVar("T", LoginFailure, SourceFailure)

INVALID_CREDENTIALS = "The user name or password is not correct."


class _Counts(Generic[T]):
    """The statements of one failure table (a row per user name, or per source address), built
    once and run on the driver (:mod:`driver_statements`): every login runs them."""

    def __init__(self, model: type[T], starting: dict[str, object]) -> None:
        table = model.__table__
        assert isinstance(table, Table)
        self.model: type[T] = model
        key = table.primary_key.columns.values()[0]
        self.columns = tuple(column.key for column in table.columns)
        #: What a failure changes, written back by :meth:`store`.
        self.changes = tuple(name for name in self.columns if name != key.key)
        #: The row, created with ``starting`` values if missing, unless it exists; by dialect.
        row = {key.key: bindparam("key", type_=key.type), **starting}
        self.ensure = {
            "postgresql": DriverStatement(pg_insert(table).values(row).on_conflict_do_nothing()),
            "sqlite": DriverStatement(sqlite_insert(table).values(row).on_conflict_do_nothing()),
        }
        #: Another database: a plain insert, which the primary key still guards.
        self.insert = DriverStatement(insert(table).values(row))
        self.read = DriverStatement(select(table).where(key == bindparam("key")))
        self.read_locked = DriverStatement(
            select(table).where(key == bindparam("key")).with_for_update()
        )
        self.update = DriverStatement(
            update(table)
            .where(key == bindparam("key"))
            .values({name: bindparam(name) for name in self.changes})
        )
        self.key = key.key

    def find(self, c: Connection, key: str) -> T | None:
        """The row of ``key``, if there is one (read only)."""
        row = self.read.first(c, key=key)
        return None if row is None else detached(self.model, self.columns, row)

    def locked(self, c: Connection, key: str) -> T:
        """The row of ``key``, created if missing, locked for this transaction (PostgreSQL: FOR
        UPDATE; SQLite: the IMMEDIATE write lock already held), so two workers counting failures
        at once never lose one."""
        ensure = self.ensure.get(c.dialect.name)
        if ensure is not None:
            ensure.rowcount(c, key=key)
        row = self.read_locked.first(c, key=key)
        if row is None:  # another database: no upsert
            self.insert.rowcount(c, key=key)
            row = self.read_locked.first(c, key=key)
            assert row is not None
        return detached(self.model, self.columns, row)

    def store(self, c: Connection, row: T) -> None:
        """Write back what a failure changed in ``row`` (one read by :meth:`locked`)."""
        values = {name: getattr(row, name) for name in self.changes}
        self.update.rowcount(c, key=getattr(row, self.key), **values)


_USER_FAILURES = _Counts(LoginFailure, {"consecutive": 0})
_SOURCE_FAILURES = _Counts(SourceFailure, {"level": 0.0})
#: What the password is checked against.
_ACCOUNT = DriverStatement(
    select(User.id, User.password_hash).where(User.username == bindparam("username"))
)


@dataclass(frozen=True, slots=True)
class _Account:
    """What the password is checked against; both ``None`` for an unknown user name."""

    user_id: int | None
    password_hash: str | None

    def __repr__(self) -> str:
        return f"_Account(user_id={self.user_id!r})"


def _failure_state(row: LoginFailure | None) -> lockout.FailureState:
    if row is None:
        return lockout.FailureState()
    return lockout.FailureState(row.consecutive, row.first_failure_at, row.last_failure_at)


def _source_state(row: SourceFailure | None) -> lockout.SourceState:
    if row is None:
        return lockout.SourceState()
    return lockout.SourceState(row.level, row.updated_at)


def _present(now: datetime, user: LoginFailure | None, source: SourceFailure | None) -> datetime:
    """``now``, or the latest failure already recorded if that is later: an attempt that arrived
    before a failure counted while its password was checked is decided after that failure, so its
    wait is counted from there (never longer than the policy says) and time never runs back."""
    recorded = [
        at
        for at in (
            None if user is None else user.last_failure_at,
            None if source is None else source.updated_at,
        )
        if at is not None
    ]
    return max([now, *recorded])


def _refuse_if_waiting(
    ctx: ServerContext, user: LoginFailure | None, source: SourceFailure | None, now: datetime
) -> None:
    """Raise the refusal when the source or the user name must wait at ``now``."""
    verdict = lockout.check_source_allowed(_source_state(source), now, ctx.policy)
    if not verdict.allowed:
        seconds = wait_seconds(verdict.retry_after)
        raise ApiError(
            ErrorCode.SOURCE_THROTTLED,
            "Too many failed logins from this address. Please wait "
            f"{seconds} seconds before trying again.",
            retry_after=seconds,
        )
    verdict = lockout.check_login_allowed(_failure_state(user), now, ctx.policy)
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


def _precheck(ctx: ServerContext, name: str, source: str, now: datetime) -> _Account:
    """Step 1: refuse a user name or source that must already wait, reading only; otherwise the
    account to check the password against."""
    with ctx.db.core_read() as c:
        user_row, source_row = _USER_FAILURES.find(c, name), _SOURCE_FAILURES.find(c, source)
        _refuse_if_waiting(ctx, user_row, source_row, _present(now, user_row, source_row))
        user = _ACCOUNT.first(c, username=accounts.normalize_username(name))
        if user is None:
            return _Account(user_id=None, password_hash=None)
        return _Account(user_id=user[0], password_hash=user[1])


def _count_failure(
    c: Connection, ctx: ServerContext, user: LoginFailure, source: SourceFailure, now: datetime
) -> None:
    """Count a failure in the locked rows ``user`` and ``source``, and write them back."""
    state = lockout.record_failure(_failure_state(user), now, ctx.policy)
    user.consecutive = state.consecutive
    user.first_failure_at = state.first_failure_at
    user.last_failure_at = state.last_failure_at
    source_state = lockout.record_source_failure(_source_state(source), now, ctx.policy)
    source.level = source_state.level
    source.updated_at = source_state.updated_at
    _SOURCE_FAILURES.store(c, source)
    _USER_FAILURES.store(c, user)


def _decide(
    ctx: ServerContext, name: str, source: str, now: datetime, account: _Account, correct: bool
) -> int:
    """Step 3, under the lock: refuse if the user name or source must wait now, whatever the
    password; else count a wrong password and refuse it, or pass a right one."""
    with ctx.db.core_transaction() as c:
        source_row = _SOURCE_FAILURES.locked(c, source)  # always the source first, then the user
        user_row = _USER_FAILURES.locked(c, name)
        at = _present(now, user_row, source_row)
        _refuse_if_waiting(ctx, user_row, source_row, at)
        if not correct or account.user_id is None:
            _count_failure(c, ctx, user_row, source_row, at)
            raise _wrong_password(ctx, user_row, at)
        return account.user_id


def _wrong_password(ctx: ServerContext, user: LoginFailure, at: datetime) -> CommittedApiError:
    """The refusal of a wrong password (or an unknown user name) just counted in ``user``: the
    failed logins the user name may still have before it must wait (``attempts_left``) and before
    the account locks (``attempts_before_lock``), and the wait that starts now, if one does.
    Counted per user name, known or not, so an unknown name gets exactly these answers too."""
    policy = ctx.policy
    state = _failure_state(user)
    before_wait = max(0, policy.throttle_after_failures - state.consecutive)
    before_lock = max(0, policy.lockout_failures - state.consecutive)
    verdict = lockout.check_login_allowed(state, at, policy)
    if verdict.locked:
        then = lockout.locked_message(verdict.retry_after)
    elif not verdict.allowed:
        then = (
            f"{lockout.throttle_message(verdict.retry_after)} "
            f"{plural(before_lock, 'attempt')} left before the account is locked."
        )
    else:
        then = (
            f"{plural(before_wait, 'attempt')} left before a wait, "
            f"{before_lock} before the account is locked."
        )
    return CommittedApiError(
        ErrorCode.INVALID_CREDENTIALS,
        f"{INVALID_CREDENTIALS} {then}",
        retry_after=None if verdict.allowed else wait_seconds(verdict.retry_after),
        attempts_left=before_wait,
        attempts_before_lock=before_lock,
    )


async def check_password(
    ctx: ServerContext, username: str, password: str, source: str, now: datetime
) -> int:
    """The user id when ``password`` is right and neither the user name nor the source must
    wait; otherwise raise :class:`ApiError` (``invalid_credentials``, ``login_throttled``,
    ``account_locked`` or ``source_throttled``).

    A right password does not reset the failure streak: only a completed login does.
    """
    name = accounts.normalize_username(username)
    account = await anyio.to_thread.run_sync(_precheck, ctx, name, source, now)
    correct = await ctx.passwords.verify_async(account.password_hash, password)
    return await anyio.to_thread.run_sync(_decide, ctx, name, source, now, account, correct)


def record_failure(
    c: Connection, ctx: ServerContext, username: str, source: str, now: datetime
) -> None:
    """A failed login after the password step (three wrong responses, a device locked), counted
    in the transaction of ``c``."""
    source_row = _SOURCE_FAILURES.locked(c, source)  # the same order as the password check
    user_row = _USER_FAILURES.locked(c, accounts.normalize_username(username))
    _count_failure(c, ctx, user_row, source_row, _present(now, user_row, source_row))


def prune_failures(s: Session, ctx: ServerContext, now: datetime) -> None:
    """Forget failure counts that no rule needs any more: a user-name streak past every wait and
    lock, a source bucket that has drained empty (a full one drains in ``source_window``)."""
    forgotten = now - (ctx.policy.lockout_window + ctx.policy.lockout_duration)
    s.execute(
        delete(LoginFailure).where(
            (LoginFailure.consecutive == 0) | (LoginFailure.last_failure_at < forgotten)
        )
    )
    s.execute(
        delete(SourceFailure).where(
            (SourceFailure.level <= 0)
            | SourceFailure.updated_at.is_(None)
            | (SourceFailure.updated_at <= now - ctx.policy.source_window)
        )
    )


def invalid_credentials() -> ApiError:
    return ApiError(ErrorCode.INVALID_CREDENTIALS, INVALID_CREDENTIALS)
