"""The doctor's checks of the server: reached, its TLS certificate, and the clock against it.

Each check reads a :class:`~tws_companion.client.server_probe.ServerProbe` (one ``GET /health``
and one certificate read, made by the client layer) and the local time; none touches the
network itself, so tests hand them prepared probes as well as real ones.

The clock thresholds come from the one-time codes' validity windows (``sls/policy.py``): a
clock more than a quarter of a challenge's window (30 s by default) away from the server's is a
warning, one more than the whole window (120 s) a problem. The server decides what has expired,
but the countdowns shown next to a challenge, a code or a lockout, a saved session's end and
every certificate's dates are judged by this computer's clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from tws_companion.client.errors import (
    ApiError,
    ClientError,
    ProtocolError,
    ServerTimeout,
    ServerUnreachable,
    TlsError,
)
from tws_companion.sls.policy import CHALLENGE_TTL, ONE_TIME_CODE_TTL
from tws_companion.support.doctor_findings import Finding, Status

if TYPE_CHECKING:
    from tws_companion.client.server_probe import ServerProbe

__all__ = [
    "CERTIFICATE_WARNING",
    "CLOCK_PROBLEM",
    "CLOCK_WARNING",
    "check_certificate",
    "check_clock",
    "check_server",
]

#: A certificate that ends sooner than this is a warning.
CERTIFICATE_WARNING: Final = timedelta(days=14)
#: Clock offsets from the server (either way) that make a warning, then a problem.
CLOCK_WARNING: Final = CHALLENGE_TTL / 4
CLOCK_PROBLEM: Final = CHALLENGE_TTL


def _seconds(value: timedelta) -> str:
    return str(round(abs(value.total_seconds())))


def check_server(probe: ServerProbe) -> Finding:
    """The server answered ``GET /health`` as a TWS Companion server."""
    url = probe.base_url or probe.url
    error = probe.error
    if error is None and probe.health is not None:
        params = {
            "url": url,
            "ms": str(round(probe.elapsed * 1000)),
            "version": probe.health.version,
        }
        return Finding("server", Status.OK, "server.ok", params)
    if isinstance(error, ValueError):
        return Finding(
            "server", Status.PROBLEM, "server.bad_url", {"url": url, "reason": str(error)}
        )
    if isinstance(error, ServerTimeout):
        return Finding("server", Status.PROBLEM, "server.timeout", {"url": url})
    if isinstance(error, TlsError):
        return Finding("server", Status.PROBLEM, "server.tls", {"url": url, "reason": error.reason})
    if isinstance(error, ServerUnreachable):
        params = {"url": url, "reason": error.reason}
        return Finding("server", Status.PROBLEM, "server.unreachable", params)
    if isinstance(error, ApiError):
        reason = f"HTTP {error.status} {error.code}"
    elif isinstance(error, ProtocolError):
        reason = str(error)
    elif isinstance(error, ClientError):
        reason = type(error).__name__
    else:
        reason = "no answer"
    return Finding("server", Status.PROBLEM, "server.not_ours", {"url": url, "reason": reason})


def check_certificate(probe: ServerProbe, now: datetime) -> Finding:
    """For ``https``: the chain and host name verify, and how long until the certificate ends
    (at ``now``, timezone-aware). For ``http``: fine on loopback, a warning elsewhere."""
    from tws_companion.client.api import is_loopback_host

    host = probe.host or probe.url
    if probe.scheme != "https":
        if probe.scheme == "http" and is_loopback_host(host):
            return Finding("certificate", Status.OK, "certificate.loopback", {"host": host})
        return Finding("certificate", Status.WARNING, "certificate.plain_http", {"host": host})
    cert = probe.certificate
    if cert is None:
        params = {"host": host, "reason": probe.certificate_error or "no answer"}
        # No TLS connection at all: the server check says why (and is the problem).
        return Finding("certificate", Status.WARNING, "certificate.unread", params)
    left = cert.not_after - now
    date = cert.not_after.date().isoformat()
    if left <= timedelta(0):
        params = {"host": host, "days": str(-left.days), "date": date}
        return Finding("certificate", Status.PROBLEM, "certificate.expired", params)
    if not cert.verified:
        params = {"host": host, "reason": cert.problem}
        return Finding("certificate", Status.PROBLEM, "certificate.untrusted", params)
    params = {"host": host, "days": str(left.days), "date": date}
    if left < CERTIFICATE_WARNING:
        return Finding("certificate", Status.WARNING, "certificate.expiring", params)
    return Finding("certificate", Status.OK, "certificate.ok", params)


def check_clock(probe: ServerProbe) -> Finding:
    """This computer's clock against the server's ``Date``."""
    if probe.error is not None or probe.local_date is None:
        return Finding("clock", Status.WARNING, "clock.not_checked")
    offset = probe.clock_offset
    if offset is None:
        return Finding("clock", Status.WARNING, "clock.no_date")
    if abs(offset) <= CLOCK_WARNING:
        return Finding("clock", Status.OK, "clock.ok", {"seconds": _seconds(CLOCK_WARNING)})
    status = Status.PROBLEM if abs(offset) > CLOCK_PROBLEM else Status.WARNING
    params = {
        "seconds": _seconds(offset),
        "challenge": _seconds(CHALLENGE_TTL),
        "code": _seconds(ONE_TIME_CODE_TTL),
    }
    return Finding(
        "clock", status, "clock.ahead" if offset > timedelta(0) else "clock.behind", params
    )
