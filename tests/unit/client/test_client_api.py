"""ApiClient against local stand-ins: URLs, typed errors, retries, timeouts, TLS, plain HTTP."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.unit.client.stand_in_server import (
    Reply,
    StandInServer,
    closed_port,
    error,
    self_signed_tls,
    silent_server,
)
from tws_companion import __version__
from tws_companion.client.api import ApiClient, is_loopback_host
from tws_companion.client.errors import (
    ERROR_CLASSES,
    ApiError,
    CertificateError,
    ClientError,
    GatewayUnavailable,
    InsecureTransport,
    ProtocolError,
    ServerTimeout,
    ServerUnreachable,
    TlsError,
    Unauthorized,
)
from tws_companion.protocol import API_PREFIX, ERROR_STATUS, Channel, ErrorCode, Platform, Step

PASSWORD = "correct horse battery staple"
TOKEN = "tok-8d2f61a09b"
EXPIRES = "2025-01-31T12:05:00Z"
LOGIN = {
    "login_id": "L1",
    "expires_at": EXPIRES,
    "devices": [{"id": "d1", "kind": "dsc_plus", "label": "My DSC+"}],
    "preferred_device_id": None,
    "step": "respond",
    "device_id": "d1",
    "challenge": {"type": "ocra", "code": "123456", "expires_at": EXPIRES},
}
HEALTH = Reply(200, {"status": "ok", "version": "0.1.0"})
UNAVAILABLE = Reply(503, raw=b"<html>Service Unavailable</html>")


@pytest.fixture
def server() -> Iterator[StandInServer]:
    with StandInServer() as stand_in:
        yield stand_in


@pytest.fixture
def client(server: StandInServer) -> Iterator[ApiClient]:
    with ApiClient(server.url, timeout=5) as api:
        yield api


def api(path: str) -> str:
    return f"{API_PREFIX}{path}"


# --- the server URL -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("HTTPS://sls.example.com", "https://sls.example.com"),
        ("https://sls.example.com/api/v1/", "https://sls.example.com"),
        ("https://example.com/tws/", "https://example.com/tws"),
        ("http://[::1]:8765", "http://[::1]:8765"),
    ],
)
def test_base_url_is_normalized(given: str, expected: str) -> None:
    with ApiClient(given) as client:
        assert client.base_url == expected


@pytest.mark.parametrize(
    "url",
    [
        "ftp://sls.example.com",
        "sls.example.com",
        "localhost:8765",
        "https://",
        "http://127.0.0.1:99999",
        "https://sls.example.com/?x=1",
        "https://user:hunter2@sls.example.com",
    ],
)
def test_bad_base_url(url: str) -> None:
    with pytest.raises(ValueError, match="server URL") as caught:
        ApiClient(url)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("127.0.0.1", True),
        ("127.9.8.7", True),
        ("::1", True),
        ("[::1]", True),
        ("128.0.0.1", False),
        ("10.0.0.1", False),
        ("localhost.example.com", False),
        ("sls.example.com", False),
        ("", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


# --- requests and answers -----------------------------------------------------------------------


def test_health_and_user_agent(server: StandInServer, client: ApiClient) -> None:
    server.add("GET", api("/health"), HEALTH)
    health = client.health()
    assert (health.status, health.version) == ("ok", "0.1.0")
    (hit,) = server.hits
    assert hit.headers["User-Agent"] == f"tws-companion/{__version__}"


def test_login_calls(server: StandInServer, client: ApiClient) -> None:
    challenge = {"type": "oob", "channel": "voice", "destination": "*** 1234", "resend_after": 30}
    server.add("POST", api("/login"), Reply(200, LOGIN))
    server.add(
        "POST",
        api("/login/L1/device"),
        Reply(200, {"step": "respond", "device_id": "d2", "challenge": challenge}),
    )
    server.add(
        "POST",
        api("/login/L1/resend"),
        Reply(200, {"step": "respond", "device_id": "d2", "challenge": challenge}),
    )
    server.add(
        "POST",
        api("/login/L1/respond"),
        Reply(200, {"session": {"token": TOKEN, "expires_at": EXPIRES, "scope": "full"}}),
    )
    start = client.start_login("alice", PASSWORD, Platform.PORTAL)
    assert start.step is Step.RESPOND
    assert start.challenge is not None
    assert start.challenge.code == "123456"
    assert client.select_device("L1", "d2").challenge.destination == "*** 1234"
    assert client.resend("L1", Channel.VOICE).challenge.resend_after == 30
    assert client.respond("L1", "87654321").token == TOKEN
    bodies = [hit.json() for hit in server.hits]
    assert bodies == [
        {"username": "alice", "password": PASSWORD, "platform": "portal"},
        {"device_id": "d2"},
        {"channel": "voice"},
        {"response": "87654321"},
    ]
    assert all(hit.headers["Content-Type"] == "application/json" for hit in server.hits)


def test_login_id_is_one_quoted_path_segment(server: StandInServer, client: ApiClient) -> None:
    with pytest.raises(ApiError):
        client.select_device("../me/x y", "d1")
    assert server.hits[0].path == api("/login/..%2Fme%2Fx%20y/device")
    with pytest.raises(ValueError, match="empty"):
        client.respond("", "1")


def test_session_calls_send_the_bearer_token(server: StandInServer, client: ApiClient) -> None:
    key = bytes(range(32))
    server.add("POST", api("/logout"), Reply(204))
    server.add(
        "GET",
        api("/me"),
        Reply(
            200,
            {"username": "alice", "scope": "full", "expires_at": EXPIRES, "devices": []},
        ),
    )
    server.add(
        "GET",
        api("/me/settings-key"),
        Reply(200, {"key": base64.urlsafe_b64encode(key).decode()}),
    )
    assert client.me(TOKEN).username == "alice"
    assert client.settings_key(TOKEN) == key
    client.logout(TOKEN)
    assert [hit.headers["Authorization"] for hit in server.hits] == [f"Bearer {TOKEN}"] * 3


def test_unauthorized_message_does_not_carry_the_token(
    server: StandInServer, client: ApiClient
) -> None:
    server.add("GET", api("/me"), error("unauthorized", 401, "Log in again."))
    with pytest.raises(Unauthorized) as caught:
        client.me(TOKEN)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_over_http(
    server: StandInServer, client: ApiClient, code: ErrorCode
) -> None:
    status = ERROR_STATUS[code]
    server.add("POST", api("/login"), error(code.value, status, "Refused.", retry_after=7))
    with pytest.raises(ERROR_CLASSES[code]) as caught:
        client.start_login("alice", PASSWORD)
    assert caught.value.status == status
    assert caught.value.retry_after == 7
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, raw=b"<html>hello</html>"),
        Reply(200, {"login_id": "L1"}),
        Reply(401, raw=b"Unauthorized"),
        Reply(400, {"detail": "bad"}),
        Reply(307, raw=b"", headers={"Location": "http://127.0.0.1:1/api/v1/login"}),
    ],
)
def test_unexpected_answer_is_a_protocol_error(
    server: StandInServer, client: ApiClient, reply: Reply
) -> None:
    server.add("POST", api("/login"), reply)
    with pytest.raises(ProtocolError) as caught:
        client.start_login("alice", PASSWORD)
    assert "hello" not in str(caught.value)
    assert len(server.hits) == 1  # a redirect is not followed


# --- retries ------------------------------------------------------------------------------------


def test_get_is_retried_after_503(server: StandInServer, client: ApiClient) -> None:
    server.add("GET", api("/health"), UNAVAILABLE, HEALTH)
    assert client.health().status == "ok"
    assert len(server.hits) == 2


def test_get_retries_are_bounded(server: StandInServer) -> None:
    server.add("GET", api("/health"), UNAVAILABLE)
    with ApiClient(server.url, retries=1) as client, pytest.raises(ProtocolError) as caught:
        client.health()
    assert caught.value.status == 503
    assert len(server.hits) == 2


def test_no_retries_when_disabled(server: StandInServer) -> None:
    server.add("GET", api("/health"), UNAVAILABLE, HEALTH)
    with ApiClient(server.url, retries=0) as client, pytest.raises(ProtocolError):
        client.health()
    assert len(server.hits) == 1


def test_logout_is_retried(server: StandInServer, client: ApiClient) -> None:
    server.add("POST", api("/logout"), Reply(502, raw=b"Bad gateway"), Reply(204))
    client.logout(TOKEN)
    assert len(server.hits) == 2


@pytest.mark.parametrize(
    ("path", "call"),
    [
        ("/login", lambda c: c.start_login("alice", PASSWORD)),
        ("/login/L1/device", lambda c: c.select_device("L1", "d1")),
        ("/login/L1/resend", lambda c: c.resend("L1", "sms")),
        ("/login/L1/respond", lambda c: c.respond("L1", "87654321")),
    ],
)
def test_login_calls_are_never_retried(
    server: StandInServer, client: ApiClient, path: str, call: Callable[[ApiClient], object]
) -> None:
    server.add("POST", api(path), UNAVAILABLE, Reply(200, LOGIN))
    with pytest.raises(ProtocolError) as caught:
        call(client)
    assert caught.value.status == 503
    assert len(server.hits) == 1


def test_gateway_error_on_resend_is_typed_and_not_retried(
    server: StandInServer, client: ApiClient
) -> None:
    server.add(
        "POST",
        api("/login/L1/resend"),
        error("gateway_unavailable", 502, "The SMS provider failed; try again."),
    )
    with pytest.raises(GatewayUnavailable):
        client.resend("L1", Channel.SMS)
    assert len(server.hits) == 1


# --- transport failures -------------------------------------------------------------------------


def test_connection_refused_is_server_unreachable() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    with ApiClient(url, retries=0) as client, pytest.raises(ServerUnreachable) as caught:
        client.health()
    assert str(caught.value).startswith(f"Cannot reach the server at {url}: connection refused")


def test_unanswered_request_times_out() -> None:
    with silent_server() as url, ApiClient(url, timeout=0.2) as client:
        with pytest.raises(ServerTimeout) as caught:
            client.health()
        assert "did not answer in time" in str(caught.value)
        with pytest.raises(ServerTimeout):
            client.start_login("alice", PASSWORD)


def test_https_to_a_plain_http_port_is_a_tls_error(server: StandInServer) -> None:
    url = server.url.replace("http://", "https://")
    with ApiClient(url, timeout=5) as client, pytest.raises(TlsError) as caught:
        client.health()
    assert isinstance(caught.value, ClientError)
    assert "TLS" in str(caught.value)
    assert server.hits == []


def test_untrusted_certificate_is_refused_plainly(tmp_path: Path) -> None:
    context, cert = self_signed_tls(tmp_path)
    with StandInServer(tls=context) as server:
        server.add("GET", api("/health"), HEALTH)
        server.add("POST", api("/login"), Reply(200, LOGIN))
        with ApiClient(server.url, timeout=5) as client:
            with pytest.raises(CertificateError) as caught:
                client.start_login("alice", PASSWORD)
            assert "certificate" in str(caught.value)
            assert "could not be verified" in str(caught.value)
        assert server.hits == []
        # The same server is trusted with its certificate as the CA bundle.
        with ApiClient(server.url, timeout=5, verify=str(cert)) as client:
            assert client.health().status == "ok"
            assert client.start_login("alice", PASSWORD).login_id == "L1"


# --- no password over plain HTTP ----------------------------------------------------------------


def proxied_session(proxy: str) -> requests.Session:
    """A session whose every http:// request goes to ``proxy``: a local stand-in can then see
    whether a request for a remote host name was sent at all."""
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"http": proxy}
    return session


def test_password_is_not_sent_over_plain_http_to_another_host(server: StandInServer) -> None:
    remote = "http://sls.example.com:8765"
    server.add("GET", f"{remote}{API_PREFIX}/health", HEALTH)
    with proxied_session(server.url) as session:
        client = ApiClient(remote, session=session)
        assert not client.secure
        with pytest.raises(InsecureTransport) as caught:
            client.start_login("alice", PASSWORD)
        with pytest.raises(InsecureTransport):
            client.respond("L1", "87654321")
        assert server.hits == []
        assert "https://" in str(caught.value)
        assert PASSWORD not in str(caught.value)
        # The stand-in does see this client's requests when they are allowed.
        assert client.health().status == "ok"
        assert len(server.hits) == 1


#: Every call that sends a secret (a password, a response or code, a PIN, an approval).
SECRET_CALLS: dict[str, Callable[[ApiClient], object]] = {
    "start_login": lambda c: c.start_login("alice", PASSWORD),
    "respond": lambda c: c.respond("L1", "87654321"),
    "start_verify": lambda c: c.start_verify("alice", PASSWORD, "withdrawal"),
    "verify_respond": lambda c: c.verify_respond("V1", "87654321"),
    "withdraw": lambda c: c.withdraw(TOKEN, "100.00", "approval-token"),
    "request_device_share": lambda c: c.request_device_share(TOKEN, "approval-token"),
    "start_ib_key_pin_change": lambda c: c.start_ib_key_pin_change(
        "alice", PASSWORD, "1234", "5678", "5678"
    ),
    "confirm_ib_key_pin_change": lambda c: c.confirm_ib_key_pin_change("C1", "123456"),
    "start_dsc_plus_pin_change": lambda c: c.start_dsc_plus_pin_change(TOKEN, "d1", "5678", "5678"),
    "respond_dsc_plus_pin_change": lambda c: c.respond_dsc_plus_pin_change(TOKEN, "d1", "87654321"),
    "start_ib_key_activation": lambda c: c.start_ib_key_activation("alice", PASSWORD),
    "confirm_ib_key_activation": lambda c: c.confirm_ib_key_activation("C1", "123456", "1234"),
}


@pytest.mark.parametrize("call", SECRET_CALLS.values(), ids=SECRET_CALLS.keys())
def test_no_secret_is_sent_over_plain_http_to_another_host(
    server: StandInServer, call: Callable[[ApiClient], object]
) -> None:
    with proxied_session(server.url) as session:
        client = ApiClient("http://sls.example.com:8765", session=session)
        with pytest.raises(InsecureTransport):
            call(client)
    assert server.hits == []


def test_picking_a_device_or_asking_for_a_new_code_sends_no_secret(
    server: StandInServer,
) -> None:
    """They carry no secret, so plain HTTP to another host is no reason to refuse them."""
    remote = "http://sls.example.com:8765"
    step = Reply(200, {"step": "respond", "device_id": "d2", "challenge": {"type": "passcode"}})
    for path in ("/login/L1/device", "/login/L1/resend", "/verify/V1/device"):
        server.add("POST", f"{remote}{API_PREFIX}{path}", step)
    with proxied_session(server.url) as session:
        client = ApiClient(remote, session=session)
        assert client.select_device("L1", "d2").device_id == "d2"
        assert client.resend("L1", Channel.VOICE).device_id == "d2"
        assert client.verify_device("V1", "d2").device_id == "d2"
    assert len(server.hits) == 3


@pytest.mark.parametrize(
    "url",
    ["https://sls.example.com", "http://localhost:1", "http://127.0.0.2:1", "http://[::1]:1"],
)
def test_https_and_loopback_are_secure(url: str) -> None:
    with ApiClient(url) as client:
        assert client.secure
        client.require_secure()


def test_close_leaves_a_given_session_open(server: StandInServer) -> None:
    server.add("GET", api("/health"), HEALTH)
    with requests.Session() as session:
        with ApiClient(server.url, session=session) as client:
            client.health()
        assert session.get(server.url + api("/health"), timeout=5).status_code == 200
