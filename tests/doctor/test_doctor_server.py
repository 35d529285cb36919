"""The doctor's server checks against real servers: the app's own on loopback, https servers
with trusted, self-signed, expired, soon-expiring and wrong-host certificates, a server that is
not the app's, and none at all; and the clock against the server's ``Date``."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from tests.doctor.conftest import Authority, HttpsServer
from tws_companion.client.server_probe import ServerProbe, probe_server
from tws_companion.support.doctor_findings import Finding, Status
from tws_companion.support.doctor_server import check_certificate, check_clock, check_server


def now() -> datetime:
    return datetime.now(UTC)


def shifted(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def findings(probe: ServerProbe) -> tuple[Finding, Finding, Finding]:
    return check_server(probe), check_certificate(probe, now()), check_clock(probe)


# --- the app's server, plain http on loopback ---------------------------------------------------


def test_the_apps_server_on_loopback_passes_every_check(app_server: str) -> None:
    server, certificate, clock = findings(probe_server(app_server))
    assert (server.status, server.code) == (Status.OK, "server.ok")
    assert server.summary.startswith(f"Reached {app_server} in ")
    assert (certificate.status, certificate.code) == (Status.OK, "certificate.loopback")
    assert "no encryption is needed" in certificate.summary
    assert (clock.status, clock.code) == (Status.OK, "clock.ok")


@pytest.mark.parametrize(
    ("offset", "status", "code", "words"),
    [
        (600, Status.PROBLEM, "clock.ahead", "ahead of"),
        (-600, Status.PROBLEM, "clock.behind", "behind"),
        (60, Status.WARNING, "clock.ahead", "ahead of"),
        (-60, Status.WARNING, "clock.behind", "behind"),
        (5, Status.OK, "clock.ok", "agrees"),
    ],
)
def test_a_clock_away_from_the_servers_is_told_against_the_code_windows(
    app_server: str, offset: float, status: Status, code: str, words: str
) -> None:
    """The server's real ``Date`` against a local clock set ``offset`` seconds away."""
    clock = check_clock(probe_server(app_server, now=lambda: shifted(offset)))
    assert (clock.status, clock.code) == (status, code)
    assert words in clock.summary
    if status is not Status.OK:
        said = int(clock.params["seconds"])
        assert abs(said - abs(offset)) <= 2  # the Date header has whole seconds
        assert "challenges are valid for 120 s and SMS codes for 300 s" in clock.action


def test_a_server_that_is_not_running_is_a_problem_and_the_clock_is_not_checked() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    server, certificate, clock = findings(probe_server(url))
    assert (server.status, server.code) == (Status.PROBLEM, "server.unreachable")
    assert "connection refused" in server.summary
    assert server.action.startswith("Check the server address")
    assert certificate.status is Status.OK  # loopback: nothing to encrypt
    assert (clock.status, clock.code) == (Status.WARNING, "clock.not_checked")


def test_a_server_that_is_not_the_apps_is_a_problem(plain_server: str) -> None:
    server = check_server(probe_server(plain_server))
    assert (server.status, server.code) == (Status.PROBLEM, "server.not_ours")
    assert "HTTP 404" in server.summary


def test_an_unusable_address_is_a_problem() -> None:
    server, _, clock = findings(probe_server("ftp://sls.example.com"))
    assert (server.status, server.code) == (Status.PROBLEM, "server.bad_url")
    assert clock.code == "clock.not_checked"


def test_plain_http_to_another_computer_is_a_warning() -> None:
    probe = ServerProbe(url="http://sls.example.com:8765", base_url="http://sls.example.com:8765")
    certificate = check_certificate(probe, now())
    assert (certificate.status, certificate.code) == (Status.WARNING, "certificate.plain_http")
    assert certificate.summary == "The connection to sls.example.com is not encrypted (http://)."
    assert "https://" in certificate.action


def test_a_server_without_a_date_cannot_have_its_clock_compared() -> None:
    probe = ServerProbe(url="http://127.0.0.1:1", base_url="http://127.0.0.1:1", local_date=now())
    clock = check_clock(probe)
    assert (clock.status, clock.code) == (Status.WARNING, "clock.no_date")


# --- https --------------------------------------------------------------------------------------


def test_a_certificate_from_a_trusted_authority_is_valid_with_its_days_left(
    authority: Authority, https_server: HttpsServer
) -> None:
    port = https_server(authority.leaf("sls", valid_until=timedelta(days=90, hours=1)))
    probe = probe_server(f"https://127.0.0.1:{port}", verify=str(authority.ca_file))
    server, certificate, clock = findings(probe)
    assert (server.status, server.code) == (Status.OK, "server.ok")
    assert "server version 9.9.9" in server.summary
    assert (certificate.status, certificate.code) == (Status.OK, "certificate.ok")
    assert certificate.params["days"] == "90"
    assert certificate.summary.startswith("The certificate of 127.0.0.1 is valid for 90 more days")
    assert clock.status is Status.OK


def test_the_ca_bundle_of_the_environment_is_the_one_requests_uses(
    authority: Authority, https_server: HttpsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = https_server(authority.leaf("sls"))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(authority.ca_file))
    server, certificate, _ = findings(probe_server(f"https://localhost:{port}"))
    assert server.status is Status.OK
    assert certificate.code == "certificate.ok"


def test_a_self_signed_certificate_is_not_trusted(
    authority: Authority, https_server: HttpsServer
) -> None:
    port = https_server(authority.leaf("selfie", self_signed=True))
    server, certificate, _ = findings(probe_server(f"https://127.0.0.1:{port}"))
    assert (certificate.status, certificate.code) == (Status.PROBLEM, "certificate.untrusted")
    assert "self-signed certificate" in certificate.summary
    assert "Do not log in" in certificate.action
    assert (server.status, server.code) == (Status.PROBLEM, "server.tls")


def test_an_expired_certificate_says_since_when(
    authority: Authority, https_server: HttpsServer
) -> None:
    files = authority.leaf("old", valid_from=timedelta(days=-60), valid_until=timedelta(days=-3))
    port = https_server(files)
    probe = probe_server(f"https://127.0.0.1:{port}", verify=str(authority.ca_file))
    certificate = check_certificate(probe, now())
    assert (certificate.status, certificate.code) == (Status.PROBLEM, "certificate.expired")
    assert certificate.params["days"] in ("3", "4")
    assert "Check that this computer's date is right" in certificate.action
    assert check_server(probe).status is Status.PROBLEM


def test_a_certificate_that_ends_soon_is_a_warning(
    authority: Authority, https_server: HttpsServer
) -> None:
    port = https_server(authority.leaf("soon", valid_until=timedelta(days=5, hours=1)))
    probe = probe_server(f"https://127.0.0.1:{port}", verify=str(authority.ca_file))
    certificate = check_certificate(probe, now())
    assert (certificate.status, certificate.code) == (Status.WARNING, "certificate.expiring")
    assert certificate.summary.startswith("The certificate of 127.0.0.1 expires in 5 days")
    assert check_server(probe).status is Status.OK


def test_a_certificate_for_another_host_is_not_trusted(
    authority: Authority, https_server: HttpsServer
) -> None:
    port = https_server(authority.leaf("other", hosts=("other.example",), addresses=()))
    probe = probe_server(f"https://localhost:{port}", verify=str(authority.ca_file))
    certificate = check_certificate(probe, now())
    assert (certificate.status, certificate.code) == (Status.PROBLEM, "certificate.untrusted")
    assert "mismatch" in certificate.summary.lower()


def test_a_server_that_does_not_speak_tls(app_server: str) -> None:
    url = app_server.replace("http://", "https://")
    server, certificate, _ = findings(probe_server(url))
    assert (server.status, server.code) == (Status.PROBLEM, "server.tls")
    assert (certificate.status, certificate.code) == (Status.WARNING, "certificate.unread")
