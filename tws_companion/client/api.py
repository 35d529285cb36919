"""The HTTP client of the server API (DESIGN.md section 5), on ``requests``.

Every call returns a parsed model or raises a :class:`~tws_companion.client.errors.ClientError`.
Only idempotent calls (``GET`` and ``POST /logout``) are retried, on connection failures and
502/503/504, with a short backoff; the login calls are sent at most once, so a password or a
one-time response is never replayed behind the user's back. Redirects are not followed: an
``https`` login must not end up posted somewhere else. Nothing here logs a request or answer body
or a header.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import ssl
from collections.abc import Iterator
from types import TracebackType
from typing import Self
from urllib.parse import quote, urlsplit

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
    ProtocolError,
    ServerTimeout,
    ServerUnreachable,
    TlsError,
)
from tws_companion.client.models import parse_answer, settings_key_from_json
from tws_companion.protocol import API_PREFIX, Channel, Platform
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
)

__all__ = ["DEFAULT_TIMEOUT", "USER_AGENT", "ApiClient", "is_loopback_host"]

log = logging.getLogger(__name__)

USER_AGENT = f"tws-companion/{__version__}"
#: (connect, read) seconds.
DEFAULT_TIMEOUT = (3.05, 20.0)
#: Backoff between retries: the first retry is immediate, then 0.25 s, 0.5 s, ... up to 2 s.
_BACKOFF_FACTOR = 0.25
_BACKOFF_MAX = 2.0
_RETRY_STATUSES = frozenset({502, 503, 504})


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
        return parse_answer(Health, self._call("GET", "/health"))

    def start_login(
        self, username: str, password: str, platform: Platform | str = Platform.TWS
    ) -> LoginStart:
        """``POST /login``: send the user name and password.

        :raises InsecureTransport: before anything is sent, when the password would travel
            over plain HTTP to another machine.
        """
        self.require_secure()
        body = LoginRequest.model_construct(
            username=username, password=password, platform=Platform(platform)
        )
        return parse_answer(LoginStart, self._call("POST", "/login", body))

    def select_device(self, login_id: str, device_id: str) -> ChallengeStep:
        """``POST /login/{login_id}/device``: answer with this device; returns its challenge."""
        path = f"/login/{_segment(login_id)}/device"
        body = DeviceRequest.model_construct(device_id=device_id)
        return parse_answer(ChallengeStep, self._call("POST", path, body))

    def resend(self, login_id: str, channel: Channel | str) -> ChallengeStep:
        """``POST /login/{login_id}/resend``: send a new one-time code by SMS or voice."""
        path = f"/login/{_segment(login_id)}/resend"
        body = ResendRequest.model_construct(channel=Channel(channel))
        return parse_answer(ChallengeStep, self._call("POST", path, body))

    def respond(self, login_id: str, response: str) -> Session:
        """``POST /login/{login_id}/respond``: answer the challenge; returns the session."""
        self.require_secure()
        path = f"/login/{_segment(login_id)}/respond"
        body = RespondRequest.model_construct(response=response)
        return parse_answer(LoginDone, self._call("POST", path, body)).session

    def logout(self, token: str) -> None:
        """``POST /logout``: end the session."""
        self._call("POST", "/logout", token=token, expect_body=False)

    def me(self, token: str) -> Me:
        """``GET /me``: the session's user, scope and devices."""
        return parse_answer(Me, self._call("GET", "/me", token=token))

    def settings_key(self, token: str) -> bytes:
        """``GET /me/settings-key``: the user's 32-byte settings key (full scope only)."""
        return settings_key_from_json(self._call("GET", "/me/settings-key", token=token))

    # --- plumbing ------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        body: BaseModel | None = None,
        *,
        token: str | None = None,
        expect_body: bool = True,
    ) -> object:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        url = f"{self.base_url}{API_PREFIX}{path}"
        try:
            response = self._session.request(
                method,
                url,
                json=None if body is None else body.model_dump(mode="json"),
                headers=headers,
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise self._transport_error(exc) from exc
        with response:
            status = response.status_code
            log.debug("%s %s -> %d", method, path, status)
            if 200 <= status < 300:
                return _decode(response) if expect_body else None
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
