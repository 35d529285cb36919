"""The HTTP client of the server API (DESIGN.md section 5), on ``requests``.

Every call returns a parsed model or raises a :class:`~tws_companion.client.errors.ClientError`.
Only idempotent calls (``GET`` and ``POST /logout``) are retried, on connection failures and
502/503/504, with a short backoff; the login calls are sent at most once, so a password or a
one-time response is never replayed behind the user's back. Redirects are not followed: an
``https`` login must not end up posted somewhere else. Nothing here logs a request or answer body
or a header.

The settings on the server (``/me/settings``) travel as bytes (the encrypted envelope): a download
is streamed and an upload is read as it is sent, both reporting their progress as
``(bytes done, bytes total)``.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import ssl
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Self, TypeVar, cast
from urllib.parse import quote, unquote, urlsplit

import requests
from pydantic import BaseModel
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import ReadTimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from tws_companion import __version__
from tws_companion.client.errors import (
    ApiError,
    CertificateError,
    ClientError,
    InsecureTransport,
    NotModified,
    ProtocolError,
    ServerTimeout,
    ServerUnreachable,
    SettingsTooLarge,
    TlsError,
    TransferInterrupted,
)
from tws_companion.client.models import parse_answer, settings_key_from_json
from tws_companion.protocol import (
    API_PREFIX,
    ETAG_HEADER,
    MACHINE_HEADER,
    MACHINE_NAME_HEADER,
    SAVED_AT_HEADER,
    SETTINGS_MAX_BYTES,
    SETTINGS_MEDIA_TYPE,
    VERSION_HEADER,
    Channel,
    Platform,
)
from tws_companion.protocol.device_changes import (
    ActivatedIbKey,
    ActivationConfirmRequest,
    ActivationRequest,
    CodeRequest,
    CodeSent,
    IbKeyPinChangeRequest,
    MobilePlatform,
    NewPinRequest,
    PinChangeChallenge,
    PinChanged,
)
from tws_companion.protocol.models import (
    ChallengeStep,
    DeviceRequest,
    Health,
    LoginDone,
    LoginRequest,
    LoginStart,
    Me,
    ResendRequest,
    RespondRequest,
    Session,
    SettingsVersion,
    SettingsVersions,
)
from tws_companion.protocol.security import (
    Approval,
    DeviceShare,
    DeviceShareRequest,
    DeviceShares,
    Purpose,
    VerifyDone,
    VerifyRequest,
    Withdrawal,
    WithdrawalRequest,
    Withdrawals,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "ApiClient",
    "Progress",
    "SettingsCopy",
    "is_loopback_host",
]

log = logging.getLogger(__name__)

USER_AGENT = f"tws-companion/{__version__}"
#: (connect, read) seconds.
DEFAULT_TIMEOUT = (3.05, 20.0)
#: Backoff between retries: the first retry is immediate, then 0.25 s, 0.5 s, ... up to 2 s.
_BACKOFF_FACTOR = 0.25
_BACKOFF_MAX = 2.0
_RETRY_STATUSES = frozenset({502, 503, 504})
#: Bytes of settings read from the network at a time, and the least progress worth reporting.
_CHUNK_BYTES = 64 * 1024
#: Bytes of settings handed to the socket at a time.
_SEND_BYTES = 128 * 1024
_JSON = "application/json"
_TOO_LARGE_ANSWER = "the settings sent are larger than the server may keep"

M = TypeVar("M", bound=BaseModel)

#: ``(bytes done, bytes total)`` of a transfer, called from the calling thread; ``total`` is 0
#: when the server did not say how large a download is.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SettingsCopy:
    """A copy of the user's settings as the server keeps it: the envelope and its description."""

    version: SettingsVersion
    #: The encrypted envelope, as uploaded.
    data: bytes = field(repr=False)


class _IdempotentRetry(Retry):
    """Retry connection failures and 502/503/504, but not a read timeout.

    After a read timeout the server has the request and is slow: asking again only multiplies
    the wait. A connection dropped while reading (a stale keep-alive connection) is retried.
    """

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        if isinstance(error, ReadTimeoutError):
            raise error
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _retrying_adapter(retries: int, methods: frozenset[str]) -> HTTPAdapter:
    retry = _IdempotentRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,  # TLS failures and the like: asking again gives the same answer
        allowed_methods=methods,
        status_forcelist=_RETRY_STATUSES,
        backoff_factor=_BACKOFF_FACTOR,
        backoff_max=_BACKOFF_MAX,
        raise_on_status=False,  # the last 5xx answer is parsed like any other
        respect_retry_after_header=False,  # keep the backoff small
    )
    return HTTPAdapter(max_retries=retry)


def _single_shot_adapter() -> HTTPAdapter:
    return HTTPAdapter(max_retries=Retry(total=0, read=False))


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is this machine: ``localhost``, 127.0.0.0/8 or ``::1``."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _normalize_base_url(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("the server URL must start with http:// or https://")
    if parts.username is not None or parts.password is not None:
        raise ValueError("the server URL must not contain a user name or password")
    if parts.query or parts.fragment:
        raise ValueError("the server URL must not contain a query or fragment")
    try:
        host = parts.hostname
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        raise ValueError("the server URL has an invalid port") from None
    if not host:
        raise ValueError("the server URL must name a host")
    path = parts.path.rstrip("/")
    if path.endswith(API_PREFIX):  # tolerate ".../api/v1" typed by a user
        path = path[: -len(API_PREFIX)]
    return f"{parts.scheme.lower()}://{parts.netloc}{path}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it wraps (urllib3 and requests nest them several ways)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested: list[object] = [
            current.__cause__,
            current.__context__,
            getattr(current, "reason", None),
            *current.args,
        ]
        todo.extend(e for e in nested if isinstance(e, BaseException))


def _unreachable_reason(exc: BaseException) -> str:
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused (is the server running, and is the port right?)"
        if isinstance(cause, socket.gaierror):
            return "the host name could not be resolved"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
        if type(cause).__name__ == "RemoteDisconnected":
            return "the server closed the connection without answering"
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror[0].lower() + cause.strerror[1:]
    return "the connection failed"


def _tls_error(url: str, exc: BaseException) -> TlsError:
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return CertificateError(url, cause.verify_message or "verification failed")
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLError):
            reason = cause.reason or ""
            if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE"):
                return TlsError(url, "the server did not answer in TLS (is it an http:// address?)")
            if reason:
                return TlsError(url, reason.replace("_", " ").lower())
    return TlsError(url, "the TLS handshake failed")


class ApiClient:
    """A client of one server's API; use it as a context manager or call :meth:`close`.

    ``timeout`` is ``(connect, read)`` seconds or one number for both. ``verify`` checks the
    server's certificate (``True``) against the system's CAs or against a CA bundle file (a path);
    ``False`` is for tests only. ``retries`` applies to the idempotent calls only. A ``session``
    passed in gets this client's adapters mounted for ``base_url`` and stays open on
    :meth:`close`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        verify: bool | str = True,
        retries: int = 2,
        session: requests.Session | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must not be negative")
        self.base_url = _normalize_base_url(base_url)
        self._timeout = timeout
        self._verify = verify
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        api = f"{self.base_url}{API_PREFIX}"
        # requests picks the adapter with the longest matching prefix.
        self._session.mount(f"{self.base_url}/", _retrying_adapter(retries, frozenset({"GET"})))
        self._session.mount(f"{api}/logout", _retrying_adapter(retries, frozenset({"POST"})))
        self._session.mount(f"{api}/login", _single_shot_adapter())

    def __repr__(self) -> str:
        return f"ApiClient({self.base_url!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections (and the session, when this client created it)."""
        if self._owns_session:
            self._session.close()

    @property
    def secure(self) -> bool:
        """Whether secrets may be sent: https, or plain http to this machine."""
        parts = urlsplit(self.base_url)
        return parts.scheme == "https" or is_loopback_host(parts.hostname or "")

    def require_secure(self) -> None:
        """Raise :class:`InsecureTransport` unless :attr:`secure`; checks, sends nothing."""
        if not self.secure:
            raise InsecureTransport(self.base_url)

    # --- the API -------------------------------------------------------------------------------

    def health(self) -> Health:
        """``GET /health``."""
        return self._get("/health", Health)

    def start_login(
        self, username: str, password: str, platform: Platform | str = Platform.TWS
    ) -> LoginStart:
        """``POST /login``: send the user name and password.

        :raises InsecureTransport: before anything is sent, when the password would travel
            over plain HTTP to another machine.
        """
        body = LoginRequest.model_construct(
            username=username, password=password, platform=Platform(platform)
        )
        return self._post("/login", body, LoginStart)

    def select_device(self, login_id: str, device_id: str) -> ChallengeStep:
        """``POST /login/{login_id}/device``: answer with this device; returns its challenge."""
        return self._device_step("login", login_id, device_id)

    def resend(self, login_id: str, channel: Channel | str) -> ChallengeStep:
        """``POST /login/{login_id}/resend``: send a new one-time code by SMS or voice."""
        body = ResendRequest.model_construct(channel=Channel(channel))
        path = f"/login/{_segment(login_id)}/resend"
        return self._post(path, body, ChallengeStep, secret=False)

    def respond(self, login_id: str, response: str) -> Session:
        """``POST /login/{login_id}/respond``: answer the challenge; returns the session."""
        return self._respond_step("login", login_id, response, LoginDone).session

    def logout(self, token: str) -> None:
        """``POST /logout``: end the session."""
        self._call("POST", "/logout", token=token, expect_body=False)

    def me(self, token: str) -> Me:
        """``GET /me``: the session's user, scope and devices."""
        return self._get("/me", Me, token=token)

    # --- PIN change, IB Key activation ---------------------------------------------------------

    def start_ib_key_pin_change(
        self,
        username: str,
        password: str,
        current_pin: str,
        new_pin: str,
        new_pin_repeat: str,
        *,
        device_id: str | None = None,
    ) -> CodeSent:
        """``POST /ib-key/pin-change``: change an IB Key's PIN (no session: the phone app calls
        it). An SMS code goes to the user's phone; confirm it with
        :meth:`confirm_ib_key_pin_change`. ``device_id`` names the IB Key when the user has
        several.

        :raises InvalidPin: the new PIN breaks the IB Key rule (4 to 6 characters).
        :raises PinMismatch: ``new_pin`` and ``new_pin_repeat`` differ.
        :raises InvalidCredentials: wrong password or unknown user name.
        :raises WrongPin: the current PIN is wrong (``attempts_left`` before the IB Key locks).
        :raises DeviceLocked: the IB Key is locked; support must reset it.
        :raises DailySendLimit: no more SMS codes for now.
        :raises InsecureTransport: before anything is sent, over plain HTTP to another machine.
        """
        body = IbKeyPinChangeRequest.model_construct(
            username=username,
            password=password,
            device_id=device_id,
            current_pin=current_pin,
            new_pin=new_pin,
            new_pin_repeat=new_pin_repeat,
        )
        return self._post("/ib-key/pin-change", body, CodeSent)

    def confirm_ib_key_pin_change(self, change_id: str, code: str) -> PinChanged:
        """``POST /ib-key/pin-change/{change_id}/confirm``: the SMS code ("Submit Pin Change").

        :raises WrongResponse: wrong code (``attempts_left``); :raises ChallengeFailed: the
            last wrong code, start again; :raises ChallengeExpired: the code expired;
            :raises ResponseReused: the code was already used; :raises ChangeNotFound:.
        """
        body = CodeRequest.model_construct(code=code)
        return self._post(f"/ib-key/pin-change/{_segment(change_id)}/confirm", body, PinChanged)

    def start_dsc_plus_pin_change(
        self, token: str, device_id: str, new_pin: str, new_pin_repeat: str
    ) -> PinChangeChallenge:
        """``POST /me/devices/{device_id}/pin-change``: the challenge to key into the DSC+
        with the new PIN (then :meth:`respond_dsc_plus_pin_change`).

        :raises InvalidPin:, :raises PinMismatch:, :raises DeviceNotFound: not the session
            user's DSC+; :raises DeviceLocked:; :raises ScopeDenied: not a full login.
        """
        body = NewPinRequest.model_construct(new_pin=new_pin, new_pin_repeat=new_pin_repeat)
        path = f"/me/devices/{_segment(device_id)}/pin-change"
        return self._post(path, body, PinChangeChallenge, token=token)

    def respond_dsc_plus_pin_change(self, token: str, device_id: str, response: str) -> PinChanged:
        """``POST /me/devices/{device_id}/pin-change/respond``: the card's response computed
        with the new PIN; on success the DSC+'s PIN is the new one.

        :raises WrongResponse:, :raises ChallengeFailed:, :raises ChallengeExpired:,
            :raises ChangeNotFound: no PIN change waits, :raises DeviceLocked:.
        """
        body = RespondRequest.model_construct(response=response)
        path = f"/me/devices/{_segment(device_id)}/pin-change/respond"
        return self._post(path, body, PinChanged, token=token)

    def start_ib_key_activation(
        self,
        username: str,
        password: str,
        platform: MobilePlatform | str = MobilePlatform.ANDROID,
        *,
        device_label: str | None = None,
    ) -> CodeSent:
        """``POST /ib-key/activation``: activate IB Key for ``username`` on this phone (also
        "Add User" to an active IB Key); an activation code goes by SMS to the user's phone.

        :raises InvalidCredentials:, :raises PhoneRequired: no mobile number on file,
            :raises DailySendLimit:, :raises InsecureTransport:.
        """
        body = ActivationRequest.model_construct(
            username=username,
            password=password,
            platform=MobilePlatform(platform),
            device_label=device_label,
        )
        return self._post("/ib-key/activation", body, CodeSent)

    def confirm_ib_key_activation(self, change_id: str, code: str, pin: str) -> ActivatedIbKey:
        """``POST /ib-key/activation/{change_id}/confirm``: the activation code and the PIN; the
        new IB Key, with its OCRA key (``secret_hex``, handed over this once).

        :raises InvalidPin:, :raises WrongResponse:, :raises ChallengeFailed:,
            :raises ChallengeExpired:, :raises ResponseReused:, :raises ChangeNotFound:.
        """
        body = ActivationConfirmRequest.model_construct(code=code, pin=pin)
        path = f"/ib-key/activation/{_segment(change_id)}/confirm"
        return self._post(path, body, ActivatedIbKey)

    def settings_key(self, token: str) -> bytes:
        """``GET /me/settings-key``: the user's 32-byte settings key (full scope only)."""
        return settings_key_from_json(self._call("GET", "/me/settings-key", token=token))

    # --- settings on the server ----------------------------------------------------------------

    def settings(
        self,
        token: str,
        *,
        if_none_match: str | None = None,
        progress: Progress | None = None,
    ) -> SettingsCopy:
        """``GET /me/settings``: the current copy of the user's settings, streamed.

        :raises NotModified: ``if_none_match`` names the current copy (nothing was downloaded).
        :raises NotFound: nothing was saved yet.
        :raises TransferInterrupted: the connection broke during the download.
        """
        headers = {} if if_none_match is None else {"If-None-Match": if_none_match}
        return self._download("/me/settings", token, headers, progress)

    def settings_version(
        self, token: str, number: int, *, progress: Progress | None = None
    ) -> SettingsCopy:
        """``GET /me/settings/versions/{number}``: a version the server still keeps.

        :raises NotFound: no such version is kept (pruned, or never saved).
        """
        if number < 1:
            raise ValueError("settings versions are numbered from 1")
        return self._download(f"/me/settings/versions/{number}", token, {}, progress)

    def settings_versions(self, token: str) -> list[SettingsVersion]:
        """``GET /me/settings/versions``: the versions kept, newest first ([] before a save)."""
        return list(self._get("/me/settings/versions", SettingsVersions, token=token).versions)

    def put_settings(
        self,
        token: str,
        data: bytes,
        *,
        if_match: str | None,
        machine: str | None = None,
        progress: Progress | None = None,
    ) -> SettingsVersion:
        """``PUT /me/settings``: save ``data`` (the envelope) as the new current copy.

        ``if_match`` is the ETag of the copy this save is based on (``None`` for the first save);
        ``machine`` the name this computer's saves carry. The body is read as it is sent, and
        ``progress`` hears of every part read.

        :raises SettingsTooLarge: before anything is sent, above the server's limit.
        :raises PreconditionFailed: another copy than ``if_match`` is current (412).
        :raises PreconditionRequired: a copy exists and ``if_match`` is ``None`` (428).
        :raises TransferInterrupted: the connection broke during the upload.
        """
        if not data:
            raise ValueError("the settings to upload are empty")
        if len(data) > SETTINGS_MAX_BYTES:
            raise SettingsTooLarge(len(data), SETTINGS_MAX_BYTES)
        headers = {"Content-Type": SETTINGS_MEDIA_TYPE}
        if if_match is not None:
            headers["If-Match"] = if_match
        if machine:
            headers[MACHINE_NAME_HEADER] = quote(machine, safe="")
        body = _ProgressBody(data, _Reporter(progress, len(data)))
        response = self._send("PUT", "/me/settings", token=token, headers=headers, data=body)
        with response:
            self._check(response)
            return parse_answer(SettingsVersion, _decode(response))

    def _download(
        self, path: str, token: str, headers: Mapping[str, str], progress: Progress | None
    ) -> SettingsCopy:
        accept = f"{SETTINGS_MEDIA_TYPE}, {_JSON}"
        response = self._send("GET", path, token=token, headers=headers, accept=accept, stream=True)
        with response:
            if response.status_code == 304:
                raise NotModified(response.headers.get(ETAG_HEADER, ""))
            self._check(response)
            media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if media_type != SETTINGS_MEDIA_TYPE:
                raise ProtocolError("the answer is not a settings file", status=200)
            described = _described_copy(response.headers)
            total = _content_length(response.headers)
            data = self._read_stream(response, total, _Reporter(progress, total or 0))
        return SettingsCopy(parse_answer(SettingsVersion, {**described, "size": len(data)}), data)

    def _read_stream(
        self, response: requests.Response, total: int | None, report: _Reporter
    ) -> bytes:
        if total is not None and total > SETTINGS_MAX_BYTES:
            raise ProtocolError(_TOO_LARGE_ANSWER, status=200)
        parts: list[bytes] = []
        done = 0
        report(0)
        try:
            for part in response.iter_content(chunk_size=_CHUNK_BYTES):
                done += len(part)
                if done > SETTINGS_MAX_BYTES:
                    raise ProtocolError(_TOO_LARGE_ANSWER, status=200)
                parts.append(part)
                report(done)
        except requests.RequestException as exc:
            failure = self._transport_error(exc)
            if isinstance(failure, ServerTimeout):
                raise failure from exc
            raise TransferInterrupted(self.base_url, done=done, total=total or 0) from exc
        if total is not None and done != total:
            raise TransferInterrupted(self.base_url, done=done, total=total)
        return b"".join(parts)

    # --- identity checks, withdrawals, device sharing ------------------------------------------

    def start_verify(self, username: str, password: str, purpose: Purpose | str) -> LoginStart:
        """``POST /verify``: start an identity check for ``purpose`` with the user name and
        password of the user whose device will answer (the device owner's, to share a device).

        Answers like :meth:`start_login`: ``login_id`` names the check; with one device that can
        verify an identity (DSC+, IB Key, Security Code Card, legacy cards) its challenge comes
        at once, otherwise pick one of ``devices`` with :meth:`verify_device`. Refusals are those
        of a login (``InvalidCredentials``, ``LoginThrottled``, ``AccountLocked``,
        ``NoActiveDevice`` when no device can verify an identity, ...).

        :raises InsecureTransport: before anything is sent, when the password would travel
            over plain HTTP to another machine.
        """
        body = VerifyRequest.model_construct(
            username=username, password=password, purpose=Purpose(purpose)
        )
        return self._post("/verify", body, LoginStart)

    def verify_device(self, check_id: str, device_id: str) -> ChallengeStep:
        """``POST /verify/{check_id}/device``: answer with this device; returns its challenge."""
        return self._device_step("verify", check_id, device_id)

    def verify_respond(self, check_id: str, response: str) -> Approval:
        """``POST /verify/{check_id}/respond``: answer the challenge; returns the approval,
        valid once, for the check's purpose only, for a few minutes. Wrong responses, expiry
        and lockout are those of a login (``WrongResponse`` with ``attempts_left``,
        ``ChallengeFailed``, ``LoginExpired``, ``DeviceLocked``...)."""
        return self._respond_step("verify", check_id, response, VerifyDone).approval

    def withdraw(
        self, token: str, amount_usd: Decimal | str, approval: Approval | str
    ) -> Withdrawal:
        """``POST /withdrawals``: withdraw ``amount_usd`` (at most 2 decimal places), confirmed
        with an approval for ``withdrawal`` of the session's own user.

        :raises WithdrawalLimit: above the limits of the device that confirmed it; its
            ``device_kinds`` could confirm it.
        :raises ApprovalUsed, ApprovalExpired, ApprovalWrongPurpose, ApprovalInvalid: verify
            the identity again.
        """
        body = WithdrawalRequest.model_construct(
            amount_usd=Decimal(amount_usd), approval=_approval_token(approval)
        )
        return self._post("/withdrawals", body, Withdrawal, token=token)

    def withdrawals(self, token: str) -> list[Withdrawal]:
        """``GET /me/withdrawals``: the user's withdrawals, newest first."""
        return list(self._get("/me/withdrawals", Withdrawals, token=token).withdrawals)

    def request_device_share(self, token: str, approval: Approval | str) -> DeviceShare:
        """``POST /me/device-shares``: share the device that answered ``approval`` (an identity
        check for ``share_device`` made with the device owner's credentials) with the session's
        user. The request is ``approved`` at once (the device joins the user's devices) or
        ``pending`` until compliance approves it.

        :raises LessSecureDevice, DifferentIdentification, TemporaryDeviceAssigned: the rules
            of KB2481 refuse it (the message is the seed's).
        :raises ShareNotNeeded: the device is already the user's, shared or pending.
        """
        body = DeviceShareRequest.model_construct(approval=_approval_token(approval))
        return self._post("/me/device-shares", body, DeviceShare, token=token)

    def device_shares(self, token: str) -> list[DeviceShare]:
        """``GET /me/device-shares``: the user's sharing requests with their status, newest
        first."""
        return list(self._get("/me/device-shares", DeviceShares, token=token).shares)

    # --- plumbing ------------------------------------------------------------------------------

    def _device_step(self, flow: str, flow_id: str, device_id: str) -> ChallengeStep:
        """``POST /{flow}/{flow_id}/device`` of a login (``login``) or an identity check
        (``verify``), which share their steps: the device's challenge."""
        body = DeviceRequest.model_construct(device_id=device_id)
        path = f"/{flow}/{_segment(flow_id)}/device"
        return self._post(path, body, ChallengeStep, secret=False)

    def _respond_step(self, flow: str, flow_id: str, response: str, answer: type[M]) -> M:
        """``POST /{flow}/{flow_id}/respond``: the response to the challenge, the answer read as
        ``answer`` (a login's session, an identity check's approval)."""
        body = RespondRequest.model_construct(response=response)
        return self._post(f"/{flow}/{_segment(flow_id)}/respond", body, answer)

    def _post(
        self,
        path: str,
        body: BaseModel,
        answer: type[M],
        *,
        token: str | None = None,
        secret: bool = True,
    ) -> M:
        """``POST path`` with ``body``; the answer read as ``answer``. A body that carries a
        ``secret`` (a password, a response or code, a PIN, an approval) is sent only where
        :attr:`secure`: :class:`InsecureTransport` otherwise, before anything is sent."""
        if secret:
            self.require_secure()
        return parse_answer(answer, self._call("POST", path, body, token=token))

    def _get(self, path: str, answer: type[M], *, token: str | None = None) -> M:
        """``GET path``; the answer read as ``answer``."""
        return parse_answer(answer, self._call("GET", path, token=token))

    def _call(
        self,
        method: str,
        path: str,
        body: BaseModel | None = None,
        *,
        token: str | None = None,
        expect_body: bool = True,
    ) -> object:
        json_body = None if body is None else body.model_dump(mode="json")
        response = self._send(method, path, token=token, json_body=json_body)
        with response:
            self._check(response)
            return _decode(response) if expect_body else None

    def _send(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        accept: str = _JSON,
        json_body: object = None,
        data: _ProgressBody | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """Send one request; the answer, whatever its status, or the transport failure raised."""
        sent = {"Accept": accept, **(headers or {})}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        url = f"{self.base_url}{API_PREFIX}{path}"
        try:
            response = self._session.request(
                method,
                url,
                json=json_body,
                data=data,
                headers=sent,
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=False,
                stream=stream,
            )
        except requests.RequestException as exc:
            failure = self._transport_error(exc)
            if data is not None and data.tell() > 0 and isinstance(failure, ServerUnreachable):
                # Connected, and part of the body went out: the connection broke on the way.
                failure = TransferInterrupted(self.base_url, done=data.tell(), total=len(data))
            raise failure from exc
        log.debug("%s %s -> %d", method, path, response.status_code)
        return response

    @staticmethod
    def _check(response: requests.Response) -> None:
        """Raise the error an answer other than 2xx stands for."""
        status = response.status_code
        if 200 <= status < 300:
            return
        if 300 <= status < 400:
            raise ProtocolError(
                "the server answered with a redirect; check the server address",
                status=status,
            )
        raise ApiError.from_body(status, _decode(response))

    def _transport_error(self, exc: requests.RequestException) -> ClientError:
        url = self.base_url
        if isinstance(exc, requests.Timeout):  # ConnectTimeout and ReadTimeout
            return ServerTimeout(url, connecting=isinstance(exc, requests.ConnectTimeout))
        if isinstance(exc, requests.exceptions.SSLError):
            return _tls_error(url, exc)
        if isinstance(exc, requests.ConnectionError):
            if any(isinstance(cause, ReadTimeoutError) for cause in _causes(exc)):
                return ServerTimeout(url)
            return ServerUnreachable(url, _unreachable_reason(exc))
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return ProtocolError("the answer was cut off")
        return ProtocolError(f"the request failed ({type(exc).__name__})")


class _Reporter:
    """Tells ``progress`` how far a transfer of ``total`` bytes is: at the start, every
    :data:`_CHUNK_BYTES` or more, and at the end."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self._total = total
        self._told: int | None = None

    def __call__(self, done: int) -> None:
        if self._progress is None or done == self._told:
            return
        told = self._told
        if told is None or done == self._total or done < told or done - told >= _CHUNK_BYTES:
            self._told = done
            self._progress(done, self._total)


class _ProgressBody:
    """A request body sent part by part, reporting each part sent. ``requests`` sends it with
    its ``Content-Length`` (from ``len``), and urllib3 can rewind it (``tell``/``seek``) to send
    it again after a failed connection.

    It is iterated, not read like a file: urllib3 would read a file 16 KB at a time, a copy
    each; the parts here are views of the bytes, :data:`_SEND_BYTES` each."""

    def __init__(self, data: bytes, report: _Reporter) -> None:
        self._data = memoryview(data)
        self._position = 0
        self._report = report

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[bytes]:
        self._report(self._position)
        while self._position < len(self._data):
            end = min(len(self._data), self._position + _SEND_BYTES)
            part = self._data[self._position : end]
            self._position = end
            # A view, not a copy: urllib3 hands it to socket.sendall, which takes any buffer,
            # and sends it before asking for the next part.
            yield cast(bytes, part)
            self._report(end)

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._position, len(self._data))[whence]
        self._position = max(0, min(len(self._data), base + offset))
        return self._position


def _content_length(headers: Mapping[str, str]) -> int | None:
    text = headers.get("Content-Length", "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _described_copy(headers: Mapping[str, str]) -> dict[str, object]:
    """The description of a copy from the headers of its answer (all but its size)."""
    missing = [
        name
        for name in (ETAG_HEADER, VERSION_HEADER, SAVED_AT_HEADER, MACHINE_HEADER)
        if name not in headers
    ]
    if missing:
        raise ProtocolError(f"the answer lacks the {', '.join(missing)} header", status=200)
    number = headers[VERSION_HEADER].strip()
    if not (number.isascii() and number.isdigit()):
        raise ProtocolError(f"the {VERSION_HEADER} header is not a number", status=200)
    try:
        machine = unquote(headers[MACHINE_HEADER], errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(f"the {MACHINE_HEADER} header is not UTF-8", status=200) from None
    return {
        "number": int(number),
        "etag": headers[ETAG_HEADER],
        "saved_at": headers[SAVED_AT_HEADER],
        "machine": machine,
    }


def _approval_token(approval: Approval | str) -> str:
    return approval.token if isinstance(approval, Approval) else approval


def _segment(value: str) -> str:
    """One URL path segment: a login id can never reach another route."""
    if not value:
        raise ValueError("an empty identifier cannot be part of a URL")
    return quote(value, safe="")


def _decode(response: requests.Response) -> object:
    try:
        return json.loads(response.content)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        status = response.status_code
        if status in _RETRY_STATUSES:
            detail = "the server, or a proxy in front of it, is unavailable"
        else:
            detail = "the answer is not JSON"
        raise ProtocolError(detail, status=status) from None
