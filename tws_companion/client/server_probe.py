"""What the doctor learns from a server over the network: whether it answers, its TLS
certificate and its clock.

:func:`probe_server` asks the server's ``GET /health`` once through :class:`ApiClient` (so a
failure is the client's typed error, exactly as a login would meet it), notes the ``Date``
header of the answer with the local time the request went out and came back, and for an
``https`` address reads the server's certificate in a separate TLS handshake, verified against
the same certificate authorities as the client's requests (``verify``, else
``REQUESTS_CA_BUNDLE``, else certifi's bundle). A certificate that does not verify is read again
unverified, only to say why and until when it was valid. Nothing is sent but ``GET /health``.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography import x509

from tws_companion.client.api import ApiClient
from tws_companion.client.errors import ClientError
from tws_companion.protocol.models import Health

__all__ = ["Certificate", "ServerProbe", "fetch_certificate", "probe_server"]

#: (connect, read) seconds for the doctor's one request; the certificate handshake uses the first.
PROBE_TIMEOUT = (3.05, 10.0)


@dataclass(frozen=True)
class Certificate:
    """The server's certificate as the doctor reports it."""

    subject: str
    issuer: str
    #: Timezone-aware (UTC).
    not_after: datetime
    #: Whether the chain and the host name verified.
    verified: bool
    #: Why it did not verify (OpenSSL's words); empty when verified.
    problem: str = ""


@dataclass(frozen=True)
class ServerProbe:
    """One ``GET /health`` and, for ``https``, one certificate read."""

    #: As given; ``base_url`` once the client accepted it.
    url: str
    base_url: str = ""
    health: Health | None = None
    #: Why the server was not reached or not understood (a typed client error, or ValueError for
    #: an address the client refuses).
    error: Exception | None = None
    #: Seconds from sending the request to reading the answer's head.
    elapsed: float = 0.0
    #: The server's ``Date`` header; ``None`` when it sent none.
    server_date: datetime | None = None
    #: The local clock half-way through the request (what ``server_date`` is compared with).
    local_date: datetime | None = None
    certificate: Certificate | None = None
    #: Why the certificate could not be read at all (no connection, not TLS).
    certificate_error: str = ""

    @property
    def scheme(self) -> str:
        return urlsplit(self.base_url or self.url).scheme.lower()

    @property
    def host(self) -> str:
        return urlsplit(self.base_url or self.url).hostname or ""

    @property
    def clock_offset(self) -> timedelta | None:
        """How far the local clock is ahead of the server's (negative: behind)."""
        if self.server_date is None or self.local_date is None:
            return None
        return self.local_date - self.server_date


def _now() -> datetime:
    return datetime.now(UTC)


def _ca_bundle(url: str, verify: bool | str) -> str:
    """The CA file requests would verify ``url`` with (environment variables included)."""
    with requests.Session() as session:
        effective = session.merge_environment_settings(url, {}, None, verify, None)["verify"]
    return effective if isinstance(effective, str) else requests.utils.DEFAULT_CA_BUNDLE_PATH


def _describe_name(name: x509.Name) -> str:
    common = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(common[0].value) if common else name.rfc4514_string()


def _read_certificate(der: bytes, *, verified: bool, problem: str = "") -> Certificate:
    cert = x509.load_der_x509_certificate(der)
    return Certificate(
        subject=_describe_name(cert.subject),
        issuer=_describe_name(cert.issuer),
        not_after=cert.not_valid_after_utc,
        verified=verified,
        problem=problem,
    )


def _peer_der(host: str, port: int, context: ssl.SSLContext, timeout: float) -> bytes:
    with (
        socket.create_connection((host, port), timeout=timeout) as sock,
        context.wrap_socket(sock, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError("the server sent no certificate")
    return der


def fetch_certificate(host: str, port: int, cafile: str, timeout: float) -> Certificate:
    """The certificate ``host:port`` presents, verified (chain and host name) against
    ``cafile``; when it does not verify, read again without verifying, to say why.

    Raises :class:`OSError` (``ssl.SSLError`` included) when no TLS connection can be made.
    """
    try:
        der = _peer_der(host, port, ssl.create_default_context(cafile=cafile), timeout)
    except ssl.SSLCertVerificationError as exc:
        unverified = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        unverified.check_hostname = False
        unverified.verify_mode = ssl.CERT_NONE
        der = _peer_der(host, port, unverified, timeout)
        return _read_certificate(
            der, verified=False, problem=exc.verify_message or "verification failed"
        )
    return _read_certificate(der, verified=True)


class _Timing:
    """A ``requests`` response hook: the ``Date`` header and when the answer came."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self.date: datetime | None = None
        self.received: datetime | None = None

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.received = self._now()
        header = response.headers.get("Date")
        if header:
            try:
                self.date = parsedate_to_datetime(header).astimezone(UTC)
            except (TypeError, ValueError):
                self.date = None


def probe_server(
    url: str,
    *,
    verify: bool | str = True,
    timeout: tuple[float, float] = PROBE_TIMEOUT,
    now: Callable[[], datetime] = _now,
) -> ServerProbe:
    """Ask ``url``'s ``GET /health`` once and, for ``https``, read its certificate.

    ``now`` is the local clock (timezone-aware) the server's ``Date`` is compared with. Never
    raises for a server that cannot be reached: the probe says why.
    """
    session = requests.Session()
    timing = _Timing(now)
    session.hooks["response"].append(timing)
    try:
        client = ApiClient(url, timeout=timeout, verify=verify, retries=0, session=session)
    except ValueError as exc:
        session.close()
        return ServerProbe(url=url, error=exc)
    base_url = client.base_url
    health: Health | None = None
    error: Exception | None = None
    sent = now()
    started = time.perf_counter()
    try:
        health = client.health()
    except ClientError as exc:
        error = exc
    finally:
        elapsed = time.perf_counter() - started
        session.close()
    local_date = None
    if timing.received is not None:
        local_date = sent + (timing.received - sent) / 2
    certificate: Certificate | None = None
    certificate_error = ""
    parts = urlsplit(base_url)
    if parts.scheme == "https":
        try:
            certificate = fetch_certificate(
                parts.hostname or "", parts.port or 443, _ca_bundle(base_url, verify), timeout[0]
            )
        except (OSError, ValueError) as exc:
            certificate_error = str(exc) or type(exc).__name__
    return ServerProbe(
        url=url,
        base_url=base_url,
        health=health,
        error=error,
        elapsed=elapsed,
        server_date=timing.date,
        local_date=local_date,
        certificate=certificate,
        certificate_error=certificate_error,
    )
