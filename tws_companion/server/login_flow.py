"""The login protocol of DESIGN.md section 5 after the password: open the login, select a device,
request a new code, respond; and the pruning of what no rule needs any more.

Each step is one database transaction over the ``logins`` table, so any worker can serve any
step; what differs between device kinds is asked of the device's authenticator
(:mod:`tws_companion.server.authenticators`). A refusal that changes state (a wrong response
counts, an expired login is closed, a device locks) is a :class:`CommittedApiError`, which the
transaction commits before it propagates. Codes are sent after the commit (a gateway may be slow
and must not hold the database).

Opening a login and the steps on an open login read and write their rows with SQLAlchemy Core
statements built once (below) and run on the driver (:mod:`driver_statements`), not through the
ORM: they load the user's devices and the login as objects in no session, work on those, and write
back what a step may change (:func:`_kept`), the login under the version it was read at.
``open_login`` and ``respond`` run in a transaction on a bare connection
(``Database.core_transaction``); an authenticator that works in a session (a challenge issued at
once, a code sent) gets one joined to that transaction. Every login opens and ends this way; this
keeps its server time to a fraction of what the ORM's loading and unit of work cost (see
benchmarks/README.md).

An identity check (``POST /verify``, :mod:`identity_check`) is a login with a ``purpose``: it opens
with the devices of the kinds that may verify an identity, takes the same steps, and ends with
:func:`verify_response` and an approval instead of a session. The login steps serve only logins
without a purpose, and the identity-check steps only logins with one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import NoReturn, TypeVar

from sqlalchemy import Integer, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tws_companion.protocol import Channel, DeviceStatus, ErrorCode, Platform
from tws_companion.protocol import models as wire
from tws_companion.protocol.fields import is_login_id
from tws_companion.protocol.models import Challenge, ChallengeStep, LoginDone, LoginStart
from tws_companion.server import accounts, password_check, sessions
from tws_companion.server.authenticators import (
    Authenticator,
    PendingDelivery,
    Usability,
    authenticator_for,
    unusable,
    usability,
    wrong_answer_refusal,
)
from tws_companion.server.authenticators.send_caps import prune_sends
from tws_companion.server.context import ServerContext
from tws_companion.server.db import (
    Approval,
    Device,
    Login,
    LoginFailure,
    UsedChallenge,
    User,
)
from tws_companion.server.driver_statements import DriverStatement, detached
from tws_companion.server.errors import ApiError, CommittedApiError
from tws_companion.server.login_states import LoginState
from tws_companion.sls.durations import ceil_seconds
from tws_companion.sls.ip_rules import ip_allowed, parse_allowed_ips

__all__ = ["open_login", "prune", "resend", "respond", "select_device", "verify_response"]

T = TypeVar("T")

LOGIN_ID_BYTES = 24
#: One in this many logins also prunes finished logins and old used challenges.
PRUNE_EVERY = 100
#: How long an identity-check approval is kept once expired: using it meanwhile is refused as
#: expired (an approval pruned at once would be refused as "not valid" instead, depending on
#: whether a prune happened to run in between).
EXPIRED_APPROVAL_KEPT = timedelta(days=1)

LOGIN_NOT_FOUND = "This login is over or does not exist. Start over from step 1."
NOT_YOUR_DEVICE = "That device is not one of yours."
NO_DEVICE_FOR_PURPOSE = (
    "None of your security devices can confirm this task: it needs a Digital Security Card+, "
    "IB Key or a Security Code Card."
)
#: Why no usable device is left, in the order a user should hear it.
_REFUSAL_ORDER = (Usability.PORTAL_ONLY, Usability.LOCKED, Usability.EXPIRED)

# --- the statements of the steps on an open login, built once ----------------------------------
# Building a statement costs more than running it; these are built at import, compiled once per
# dialect and run on the driver (:mod:`driver_statements`). FOR UPDATE locks the row on
# PostgreSQL; SQLite has no row locks and needs none (its write transactions exclude each other).

#: What no step changes in a login once it is open (the version changes with every write).
_LOGIN_FIXED = frozenset(
    ("id", "user_id", "platform", "source", "created_at", "expires_at", "purpose")
)
#: What a step may change in a login, and writes back.
_LOGIN_CHANGES = tuple(
    column.key
    for column in Login.__table__.columns
    if column.key not in _LOGIN_FIXED and column.key != "version"
)
_LOGIN_COLUMNS = tuple(column.key for column in Login.__table__.columns)
_DEVICE_COLUMNS = tuple(column.key for column in Device.__table__.columns)
_SELECT_LOGIN = DriverStatement(
    select(Login.__table__).where(Login.id == bindparam("login_id")).with_for_update()
)
_SELECT_DEVICE = DriverStatement(
    select(Device.__table__).where(Device.id == bindparam("device_id"))
)
#: ``respond``'s rows: the login and the device it waits for, both locked (the device's failure
#: count may be changed by another login of the same user at once).
_SELECT_LOGIN_AND_DEVICE = DriverStatement(
    select(Login.__table__, Device.__table__)
    .join_from(Login, Device, Device.id == Login.device_id)
    .where(Login.id == bindparam("login_id"))
    .with_for_update()
)
#: The login as a step left it, if it still has the version the step read (it cannot have
#: another while the step holds its lock; the version makes a lost race loud).
_UPDATE_LOGIN = DriverStatement(
    update(Login)
    .where(Login.id == bindparam("login_id"), Login.version == bindparam("read_version"))
    .values({name: bindparam(name) for name in _LOGIN_CHANGES})
    .values(version=Login.version + 1)
)
#: What ``respond`` may change in a device: its run of wrong responses and its status.
_UPDATE_DEVICE = DriverStatement(
    update(Device)
    .where(Device.id == bindparam("device_id"))
    .values(consecutive_failures=bindparam("failures"), status=bindparam("status"))
)
#: What opening a login needs of its user.
_USER_TO_LOG_IN = DriverStatement(
    select(User.allowed_ips, User.preferred_device_id).where(User.id == bindparam("user_id"))
)
#: The devices a user may log in with (as ``accounts.login_devices``): their own, then those
#: shared with them (approved requests), each in the order they were issued.
_OWN_DEVICES = DriverStatement(
    select(Device.__table__)
    .where(Device.user_id == bindparam("user_id"))
    .order_by(Device.issued_at)
)
_SHARED_DEVICES = DriverStatement(
    select(Device.__table__)
    .where(Device.id.in_(accounts.shared_device_ids(bindparam("user_id", type_=Integer))))
    .order_by(Device.issued_at)
)
#: A new login, every column given (the ORM's first version of a row is 1).
_INSERT_LOGIN = DriverStatement(
    insert(Login).values({name: bindparam(name) for name in _LOGIN_COLUMNS})
)
_USERNAME_OF_USER = select(User.username).where(User.id == bindparam("user_id"))
_USERNAME = DriverStatement(_USERNAME_OF_USER)
#: Records a challenge as answered, unless it already was (then no row is inserted). Atomic
#: enough: the device's row lock (or SQLite's write lock) keeps out another answer of its own.
_USE_CHALLENGE = DriverStatement(
    insert(UsedChallenge).from_select(
        ["device_id", "challenge", "used_at"],
        select(
            bindparam("device_id", type_=UsedChallenge.__table__.c.device_id.type),
            bindparam("challenge", type_=UsedChallenge.__table__.c.challenge.type),
            bindparam("now", type_=UsedChallenge.__table__.c.used_at.type),
        ).where(
            ~exists().where(
                UsedChallenge.device_id == bindparam("device_id"),
                UsedChallenge.challenge == bindparam("challenge"),
            )
        ),
    )
)
#: A completed login ends the failure streak of its user's name.
_END_FAILURE_STREAK = DriverStatement(
    delete(LoginFailure).where(LoginFailure.username == _USERNAME_OF_USER.scalar_subquery())
)
#: The device a login completed with becomes its user's preferred one; a permanent device also
#: stamps ``last_permanent_login_at`` (``permanent_at`` NULL keeps it).
_LOGGED_IN = DriverStatement(
    update(User)
    .where(User.id == bindparam("user_id"))
    .values(
        preferred_device_id=bindparam("device_id"),
        last_permanent_login_at=func.coalesce(
            bindparam("permanent_at", type_=User.__table__.c.last_permanent_login_at.type),
            User.last_permanent_login_at,
        ),
    )
)


def _store_login(c: Connection, login: Login) -> None:
    """Write back what a step may change in ``login`` (a row read by :func:`_load_login`)."""
    values = {name: getattr(login, name) for name in _LOGIN_CHANGES}
    written = _UPDATE_LOGIN.rowcount(c, login_id=login.id, read_version=login.version, **values)
    if written != 1:
        raise StaleDataError("a login changed while a step held its lock")
    login.version += 1


@contextmanager
def _kept(c: Connection, login: Login, device: Device | None = None) -> Iterator[None]:
    """Write back what the block changes in ``login`` (and in ``device``: its failure count and
    status) when the block ends or refuses with a :class:`CommittedApiError`; after any other
    error the transaction rolls back and nothing is written."""
    device_was = None if device is None else (device.consecutive_failures, device.status)
    try:
        yield
    except CommittedApiError:
        _write_back(c, login, device, device_was)
        raise
    _write_back(c, login, device, device_was)


def _write_back(
    c: Connection,
    login: Login,
    device: Device | None,
    device_was: tuple[int, DeviceStatus] | None,
) -> None:
    _store_login(c, login)
    if device is not None and (device.consecutive_failures, device.status) != device_was:
        _UPDATE_DEVICE.rowcount(
            c, device_id=device.id, failures=device.consecutive_failures, status=device.status
        )


def _device_out(device: Device) -> wire.Device:
    return wire.Device(id=device.id, kind=device.kind, label=device.label)


def _challenge_out(
    ctx: ServerContext, authenticator: Authenticator, login: Login, device: Device, now: datetime
) -> Challenge:
    challenge = authenticator.challenge_out(ctx, login, device, now)
    if challenge.expires_at is None:
        return challenge
    # Seconds rather than a time of day alone: a client whose clock is off still counts right.
    expires_in = max(0, ceil_seconds(challenge.expires_at - now))
    return challenge.model_copy(update={"expires_in": expires_in})


def _issue_challenge(
    ctx: ServerContext, s: Session, login: Login, device: Device, now: datetime
) -> tuple[ChallengeStep, PendingDelivery | None]:
    """Make ``device`` the login's device and issue its challenge. Wrong responses keep counting
    across challenges: three in one login end it, however often a device is selected again."""
    authenticator = authenticator_for(device.kind)
    login.device_id = device.id
    login.state = LoginState.RESPOND
    pending = authenticator.new_challenge(ctx, s, login, device, now)
    step = ChallengeStep(
        device_id=device.id, challenge=_challenge_out(ctx, authenticator, login, device, now)
    )
    return step, pending


def _deliver(ctx: ServerContext, pending: PendingDelivery | None) -> None:
    if pending is not None:
        pending.deliver(ctx)


# --- after the password: open the login, pick a device ----------------------------------------


def open_login(
    ctx: ServerContext,
    user_id: int,
    platform: Platform,
    source: str,
    now: datetime,
    *,
    purpose: str | None = None,
    kinds: Collection[str] | None = None,
) -> LoginStart:
    """After a correct password: check the address, list the usable devices, and with a single
    device issue its challenge at once (M2FS users pick from the list first).

    An identity check passes its ``purpose`` and the device ``kinds`` that may answer it."""
    with ctx.db.core_transaction() as c:
        row = _USER_TO_LOG_IN.first(c, user_id=user_id)
        if row is None:
            raise password_check.invalid_credentials()
        allowed_ips, preferred_device_id = row
        if not ip_allowed(source, parse_allowed_ips(allowed_ips)):
            raise ApiError(
                ErrorCode.IP_RESTRICTED,
                "Login from this IP address is not permitted: IP restrictions are active on "
                "your account. Log in from one of the addresses you designated.",
            )
        devices = [
            detached(Device, _DEVICE_COLUMNS, device)
            for statement in (_OWN_DEVICES, _SHARED_DEVICES)
            for device in statement.all(c, user_id=user_id)
        ]
        if kinds is not None:
            devices = [device for device in devices if device.kind in kinds]
            if not devices:
                raise ApiError(ErrorCode.NO_ACTIVE_DEVICE, NO_DEVICE_FOR_PURPOSE)
        states = {device.id: usability(ctx, device, platform, now) for device in devices}
        usable = [device for device in devices if states[device.id] is Usability.USABLE]
        if not usable:
            reason = next((r for r in _REFUSAL_ORDER if r in states.values()), Usability.REVOKED)
            raise unusable(reason)
        login = detached(Login, _LOGIN_COLUMNS, [None] * len(_LOGIN_COLUMNS))
        login.__dict__.update(
            id=secrets.token_urlsafe(LOGIN_ID_BYTES),
            user_id=user_id,
            platform=platform.value,
            source=source,
            state=LoginState.SELECT_DEVICE,
            created_at=now,
            expires_at=now + ctx.policy.login_transaction_ttl,
            wrong_responses=0,
            resends=0,
            purpose=purpose,
            version=1,
        )
        pending: PendingDelivery | None = None
        challenge: Challenge | None = None
        if len(usable) == 1:  # its challenge at once (the authenticators work in a session)
            with Session(bind=c) as s:
                step, pending = _issue_challenge(ctx, s, login, usable[0], now)
                s.flush()
            challenge = step.challenge
        _INSERT_LOGIN.rowcount(c, **{name: login.__dict__[name] for name in _LOGIN_COLUMNS})
        usable_ids = {device.id for device in usable}
        started = LoginStart(
            login_id=login.id,
            expires_at=login.expires_at,
            devices=tuple(_device_out(device) for device in usable),
            preferred_device_id=(
                preferred_device_id if preferred_device_id in usable_ids else None
            ),
            step=login.state.step,
            device_id=login.device_id,
            challenge=challenge,
        )
        if secrets.randbelow(PRUNE_EVERY) == 0:
            with Session(bind=c) as s:
                prune(s, ctx, now)
                s.flush()
    _deliver(ctx, pending)
    return started


def _open(c: Connection, login: Login | None, now: datetime, check: bool) -> Login:
    """``login`` if it is still open and is an identity check if ``check`` (a login proper if
    not); a login that has just expired is closed (and that is committed)."""
    if login is None or login.state.over or (login.purpose is not None) != check:
        raise ApiError(ErrorCode.LOGIN_NOT_FOUND, LOGIN_NOT_FOUND)
    if now >= login.expires_at:
        login.state = LoginState.FAILED
        _store_login(c, login)
        raise CommittedApiError(
            ErrorCode.LOGIN_EXPIRED,
            "The login took too long and has expired. Start over from step 1.",
        )
    return login


def _load_login(c: Connection, login_id: str, now: datetime, check: bool = False) -> Login:
    """The open login, locked for this transaction, as an object in no session (written back
    by :func:`_kept`)."""
    row = _SELECT_LOGIN.first(c, login_id=login_id) if is_login_id(login_id) else None
    return _open(c, None if row is None else detached(Login, _LOGIN_COLUMNS, row), now, check)


def _load_device(c: Connection, device_id: str | None) -> Device | None:
    """The device, as an object in no session."""
    row = None if device_id is None else _SELECT_DEVICE.first(c, device_id=device_id)
    return None if row is None else detached(Device, _DEVICE_COLUMNS, row)


def _waiting_device(login: Login, device: Device | None) -> Device:
    """``device``, if the login waits for a response from it."""
    if device is None or login.state is not LoginState.RESPOND:
        raise ApiError(ErrorCode.WRONG_STEP, "Select a security device first.")
    return device


def _load_response_step(
    c: Connection, login_id: str, now: datetime, check: bool = False
) -> tuple[Login, Device]:
    """The open login and the device it waits for a response from, both locked, in one
    statement; otherwise the refusals of the other steps (no such login, select a device)."""
    row = _SELECT_LOGIN_AND_DEVICE.first(c, login_id=login_id) if is_login_id(login_id) else None
    if row is None:
        login = _load_login(c, login_id, now, check)
        return login, _waiting_device(login, None)
    split = len(_LOGIN_COLUMNS)
    login = _open(c, detached(Login, _LOGIN_COLUMNS, row[:split]), now, check)
    device = detached(Device, _DEVICE_COLUMNS, row[split:])
    return login, _waiting_device(login, device)


def select_device(
    ctx: ServerContext,
    login_id: str,
    device_id: str,
    now: datetime,
    *,
    kinds: Collection[str] | None = None,
) -> ChallengeStep:
    """Pick (or switch to) one of the login's devices and get its challenge; with ``kinds``, in
    an identity check, one of those kinds. A device shared with the user is theirs too."""
    with ctx.db.transaction() as s:
        c = s.connection()
        login = _load_login(c, login_id, now, check=kinds is not None)
        with _kept(c, login):
            device = _load_device(c, device_id)
            if (
                device is None
                or (kinds is not None and device.kind not in kinds)
                or (
                    device.user_id != login.user_id
                    and not accounts.shared_with(s, device.id, login.user_id)
                )
            ):
                raise ApiError(ErrorCode.DEVICE_NOT_FOUND, NOT_YOUR_DEVICE)
            state = usability(ctx, device, login.platform, now)
            if state is Usability.REVOKED:
                raise ApiError(ErrorCode.DEVICE_NOT_FOUND, NOT_YOUR_DEVICE)
            if state is not Usability.USABLE:
                raise unusable(state)
            step, pending = _issue_challenge(ctx, s, login, device, now)
    _deliver(ctx, pending)
    return step


def resend(ctx: ServerContext, login_id: str, channel: Channel, now: datetime) -> ChallengeStep:
    """ "Request new code": a fresh code by SMS or by voice callback, within the send limits."""
    with ctx.db.transaction() as s:
        c = s.connection()
        login = _load_login(c, login_id, now)
        with _kept(c, login):
            device = _waiting_device(login, _load_device(c, login.device_id))
            authenticator = authenticator_for(device.kind)
            pending = authenticator.resend(ctx, s, login, device, channel, now)
            step = ChallengeStep(
                device_id=device.id,
                challenge=_challenge_out(ctx, authenticator, login, device, now),
            )
    _deliver(ctx, pending)
    return step


# --- the response -----------------------------------------------------------------------------


def respond(ctx: ServerContext, login_id: str, response: str, now: datetime) -> LoginDone:
    """Check the response to the latest challenge; a session on success."""
    with ctx.db.core_transaction() as c:
        login, device = _load_response_step(c, login_id, now)
        with _kept(c, login, device):
            authenticator = _accept_response(ctx, c, login, device, response, now)
            return _log_in(ctx, c, login, device, authenticator, now)


def verify_response(
    ctx: ServerContext,
    check_id: str,
    response: str,
    now: datetime,
    approve: Callable[[Connection, Login, Device], T],
) -> T:
    """An identity check's response, checked as a login's (the same counts, expiry and locks);
    on success, what ``approve`` makes of the check (``login.purpose`` says what it is for) in
    the same transaction."""
    with ctx.db.core_transaction() as c:
        login, device = _load_response_step(c, check_id, now, check=True)
        with _kept(c, login, device):
            _accept_response(ctx, c, login, device, response, now)
            return approve(c, login, device)


def _accept_response(
    ctx: ServerContext, c: Connection, login: Login, device: Device, response: str, now: datetime
) -> Authenticator:
    """Accept the response to the login's latest challenge (or refuse it, and count that): the
    login is done, the device's and the user name's failure runs end."""
    authenticator = authenticator_for(device.kind)
    state = authenticator.usability(ctx, device, login.platform, now)
    if state is not Usability.USABLE:
        _back_to_device_choice(login)
        raise unusable(state, committed=True)
    authenticator.check_answerable(login, now)
    if not authenticator.verify(ctx, login, device, response):
        _wrong_response(ctx, c, login, device, now)
    if login.challenge is not None:
        used = _USE_CHALLENGE.rowcount(c, device_id=device.id, challenge=login.challenge, now=now)
        if used == 0:
            login.state = LoginState.FAILED
            raise CommittedApiError(
                ErrorCode.RESPONSE_REUSED,
                "That response was already used once. Start over from step 1.",
            )
    login.code_digest = None
    login.state = LoginState.DONE
    device.consecutive_failures = 0
    _END_FAILURE_STREAK.rowcount(c, user_id=login.user_id)
    return authenticator


def _log_in(
    ctx: ServerContext,
    c: Connection,
    login: Login,
    device: Device,
    authenticator: Authenticator,
    now: datetime,
) -> LoginDone:
    """A login accepted: its device becomes the preferred one, and a session opens."""
    terms = authenticator.session_terms(ctx, device, now)
    _LOGGED_IN.rowcount(
        c,
        user_id=login.user_id,
        device_id=device.id,
        permanent_at=now if terms.permanent else None,
    )
    session = sessions.create_session(
        c,
        user_id=login.user_id,
        device_id=device.id,
        scope=terms.scope,
        platform=login.platform,
        now=now,
        policy=ctx.policy,
        not_after=terms.not_after,
    )
    return LoginDone(session=session)


def _back_to_device_choice(login: Login) -> None:
    """The selected device cannot be used any more (locked, revoked, expired): the login stays
    open for the user's other devices (M2FS: the user can always switch), until it expires."""
    login.state = LoginState.SELECT_DEVICE
    login.device_id = None
    login.challenge = None
    login.challenge_expires_at = None


def _wrong_response(
    ctx: ServerContext, c: Connection, login: Login, device: Device, now: datetime
) -> NoReturn:
    """Count a wrong response (for the login and for the device) and refuse it; the count is
    committed. Ten in a row lock the device; three in one login end it, a failed login."""
    login.wrong_responses += 1
    device.consecutive_failures += 1
    if device.consecutive_failures >= ctx.policy.device_lock_failures:
        device.status = DeviceStatus.LOCKED
        _back_to_device_choice(login)
        _record_failure(ctx, c, login, now)
        raise unusable(Usability.LOCKED, committed=True)
    refusal = wrong_answer_refusal(
        "The response",
        login.wrong_responses,
        ctx.policy.max_wrong_responses,
        too_many="Too many wrong responses. Start over from step 1.",
    )
    if refusal.code is ErrorCode.CHALLENGE_FAILED:
        login.state = LoginState.FAILED
        _record_failure(ctx, c, login, now)
    raise refusal


def _record_failure(ctx: ServerContext, c: Connection, login: Login, now: datetime) -> None:
    """A login failed after its password: counted against its user's name and its address (in
    the step's transaction; it commits with the step)."""
    row = _USERNAME.first(c, user_id=login.user_id)
    assert row is not None  # a login's user outlives it (ON DELETE CASCADE)
    password_check.record_failure(c, ctx, row[0], login.source, now)


def prune(s: Session, ctx: ServerContext, now: datetime) -> None:
    """Forget what no rule needs any more: finished logins, challenges answered over a day ago
    (they may be issued again after that), failure counts past every wait, code sends that left
    the caps' window, expired sessions and identity-check approvals."""
    horizon = now - max(ctx.policy.login_transaction_ttl, ctx.policy.lockout_window)
    s.execute(delete(Login).where(Login.expires_at < horizon))
    s.execute(delete(Approval).where(Approval.expires_at < now - EXPIRED_APPROVAL_KEPT))
    s.execute(delete(UsedChallenge).where(UsedChallenge.used_at < now - ctx.policy.lockout_window))
    password_check.prune_failures(s, ctx, now)
    prune_sends(s, ctx, now)
    sessions.prune(s, now)
