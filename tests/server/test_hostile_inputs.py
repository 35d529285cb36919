"""Hand-written hostile requests, on SQLite and on PostgreSQL: each gets a 4xx JSON error and no
server error in the log.

PostgreSQL refuses what SQLite stores (a NUL character, a value longer than its column), so an
input that slipped past the wire checks used to reach the database there and end in a 500 with a
stack trace, rolling back the transaction that should have counted it. Every string field is now
checked at the wire: printable (no control character), bounded, user names bounded once
normalised (case folding lengthens ``ß`` to ``ss``), ids of their token alphabet. A login id that
cannot exist answers exactly as an unknown one does.

Each test runs on a fresh database: a SQLite file, and a new PostgreSQL schema when
TWS_TEST_POSTGRES_URL names a database (skipped, and said so, otherwise).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.support.demo_api import (
    DEMO_PASSWORD,
    DEMO_USER,
    SOLO_USER,
    Live,
    assert_error,
    assert_well_behaved,
)
from tws_companion.protocol import API_PREFIX, ErrorCode

JSON = {"content-type": "application/json"}
NOT_JSON = (415, ErrorCode.UNSUPPORTED_MEDIA_TYPE)
MALFORMED = (422, ErrorCode.INVALID_REQUEST)


# --- the server under test ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_server_error_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever a test sends, the server logs no error (a 500 logs one, with its cause)."""
    caplog.set_level(logging.WARNING)
    yield
    errors = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.get_records("call")
        if record.levelno >= logging.ERROR
    ]
    assert not errors, errors


def login(client: requests.Session, body: dict[str, Any]) -> requests.Response:
    return client.post(f"{API_PREFIX}/login", json=body, timeout=30)


def assert_not_echoed(error: dict[str, Any], value: str) -> None:
    assert value not in error["message"], "the input is echoed back"


# --- finding 2: what PostgreSQL refuses is refused at the wire on every database ---------------


@pytest.mark.parametrize(
    "username",
    ["de\x00mo", "demo\x00", "\x00", "de\nmo", "\tdemo", "demo\x7f", "de\x85mo", "\x1b[31mdemo"],
    ids=["nul-inside", "nul-after", "only-nul", "newline", "tab", "del", "c1-next-line", "escape"],
)
def test_user_names_with_control_characters_are_422(
    client: requests.Session, username: str
) -> None:
    response = login(client, {"username": username, "password": DEMO_PASSWORD})
    error = assert_error(response, *MALFORMED)
    assert "username" in error["message"]
    assert_not_echoed(error, username)


@pytest.mark.parametrize(
    "username",
    ["ß" * 64, "ß" * 33, "ﬃ" * 22, "İ" * 33, "demo" + "ß" * 31],
    ids=["64-sharp-s", "33-sharp-s", "22-ffi-ligatures", "33-dotted-capital-i", "demo-and-31"],
)
def test_user_names_longer_than_64_once_case_folded_are_422(
    client: requests.Session, username: str
) -> None:
    """Each fits in 64 characters as typed and not once normalised (``ß`` folds to ``ss``)."""
    assert len(username) <= 64
    response = login(client, {"username": username, "password": DEMO_PASSWORD})
    error = assert_error(response, *MALFORMED)
    assert "username" in error["message"]
    assert_not_echoed(error, username[:8])


def test_a_long_user_name_answers_alike_whoever_exists(client: requests.Session) -> None:
    """The refusal depends on the name's length alone: it tells nothing about the users."""
    answers = {
        login(client, {"username": name, "password": "x"}).content
        for name in ("ß" * 33, "ß" * 64, "demo" + "ß" * 31, "solo" + "ß" * 31)
    }
    assert len(answers) == 1


@pytest.mark.parametrize(
    "username",
    ["ß" * 32, "dém😀\u202e", "ＤＥＭＯ", "' OR 1=1 --", "../../etc/passwd", "x" * 64],
    ids=["32-sharp-s", "unicode", "fullwidth", "sql", "path", "64-chars"],
)
def test_odd_but_printable_user_names_are_wrong_credentials(
    client: requests.Session, username: str
) -> None:
    response = login(client, {"username": username, "password": DEMO_PASSWORD})
    assert_error(response, 401, ErrorCode.INVALID_CREDENTIALS)


@pytest.mark.parametrize("password", ["demo-pass-1\x00", "\x00", "demo\npass"])
def test_passwords_with_control_characters_are_422(client: requests.Session, password: str) -> None:
    response = login(client, {"username": DEMO_USER, "password": password})
    error = assert_error(response, *MALFORMED)
    assert "password" in error["message"]


UNKNOWN_LOGIN_ID = "A" * 32


@pytest.mark.parametrize(
    "login_id",
    ["%00", "abc%00def", "%0A", "a" * 65, "a" * 10_000, "not%20a%20token", "%F0%9F%98%80", "a.b"],
    ids=["nul", "nul-inside", "newline", "65-chars", "10k-chars", "spaces", "emoji", "dot"],
)
@pytest.mark.parametrize("step", ["device", "resend", "respond"])
def test_a_login_id_that_cannot_exist_answers_like_an_unknown_one(
    client: requests.Session, login_id: str, step: str
) -> None:
    bodies = {"device": {"device_id": "demo-sms"}, "resend": {"channel": "sms"}}
    body = bodies.get(step, {"response": "12345678"})
    unknown = client.post(f"{API_PREFIX}/login/{UNKNOWN_LOGIN_ID}/{step}", json=body, timeout=30)
    response = client.post(f"{API_PREFIX}/login/{login_id}/{step}", json=body, timeout=30)
    assert_error(response, 404, ErrorCode.LOGIN_NOT_FOUND)
    assert (response.status_code, response.content) == (unknown.status_code, unknown.content)


@pytest.mark.parametrize(
    "device_id",
    ["\x00", "demo-sms\x00", "../../etc/passwd", "demo sms", "d" * 33, "ｄｅｍｏ"],
    ids=["nul", "nul-after", "path", "space", "33-chars", "fullwidth"],
)
def test_device_ids_outside_their_alphabet_are_422(
    live: Live, client: requests.Session, device_id: str
) -> None:
    login_id = live.login(DEMO_USER, DEMO_PASSWORD)["login_id"]
    response = client.post(
        f"{API_PREFIX}/login/{login_id}/device", json={"device_id": device_id}, timeout=30
    )
    error = assert_error(response, *MALFORMED)
    assert "device_id" in error["message"]


def test_someone_elses_device_is_not_found(live: Live, client: requests.Session) -> None:
    login_id = live.login(DEMO_USER, DEMO_PASSWORD)["login_id"]
    response = client.post(
        f"{API_PREFIX}/login/{login_id}/device", json={"device_id": "solo-ibkey"}, timeout=30
    )
    assert_error(response, 404, ErrorCode.DEVICE_NOT_FOUND)


@pytest.mark.parametrize("response_text", ["\x00" * 8, "1234\x005678", "12345678\n"])
def test_responses_with_control_characters_are_422_and_cost_no_attempt(
    live: Live, client: requests.Session, response_text: str
) -> None:
    login_id, _correct = live.solo_login()
    path = f"{API_PREFIX}/login/{login_id}/respond"
    response = client.post(path, json={"response": response_text}, timeout=30)
    assert_error(response, *MALFORMED)
    wrong = client.post(path, json={"response": "00000000"}, timeout=30)
    assert assert_error(wrong, 401, ErrorCode.WRONG_RESPONSE)["attempts_left"] == 2


@pytest.mark.parametrize(
    "response_text",
    ["١٢٣٤٥٦٧٨", "1" * 64, "' OR 1=1 --", "ß" * 64],
    ids=["arabic", "64-ones", "sql", "64-sharp-s"],
)
def test_odd_but_printable_responses_are_wrong_responses(
    live: Live, client: requests.Session, response_text: str
) -> None:
    login_id, _correct = live.solo_login()
    response = client.post(
        f"{API_PREFIX}/login/{login_id}/respond", json={"response": response_text}, timeout=30
    )
    error = assert_error(response, 401, ErrorCode.WRONG_RESPONSE)
    assert error["attempts_left"] == 2


def test_the_hostile_inputs_leave_the_limits_working(live: Live, client: requests.Session) -> None:
    """After a burst of every hostile input, a correct login still works and wrong passwords
    are still counted: nothing was half-done and rolled back."""
    for username in ("de\x00mo", "ß" * 64):
        for _ in range(5):
            assert login(client, {"username": username, "password": "x"}).status_code == 422
    token = live.session(temporary=False)
    me = client.get(f"{API_PREFIX}/me", headers={"authorization": f"Bearer {token}"}, timeout=30)
    assert me.status_code == 200, me.text
    for _ in range(3):
        wrong = login(client, {"username": SOLO_USER, "password": "wrong"})
        assert_error(wrong, 401, ErrorCode.INVALID_CREDENTIALS)
    throttled = login(client, {"username": SOLO_USER, "password": "solo-pass-1"})
    assert_error(throttled, 429, ErrorCode.LOGIN_THROTTLED)


# --- malformed bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "headers", "expected"),
    [
        pytest.param(b'{"username": "demo", "password":', JSON, MALFORMED, id="truncated-json"),
        pytest.param(b"{'username': 'demo'}", JSON, MALFORMED, id="single-quotes"),
        pytest.param(b"", JSON, MALFORMED, id="empty-body"),
        pytest.param(b"null", JSON, MALFORMED, id="null"),
        pytest.param(b'["demo", "demo-pass-1"]', JSON, MALFORMED, id="list"),
        pytest.param(b'"demo"', JSON, MALFORMED, id="string"),
        pytest.param(b"12", JSON, MALFORMED, id="number"),
        pytest.param(b'{"username": 1e999999, "password": "x"}', JSON, MALFORMED, id="huge-number"),
        pytest.param(
            b'{"username": "\\ud800", "password": "x"}', JSON, MALFORMED, id="lone-surrogate"
        ),
        pytest.param(
            b'{"username": "demo", "password": "\\u0000"}', JSON, MALFORMED, id="escaped-nul"
        ),
        pytest.param(b"\xff\xfe\x00{", JSON, MALFORMED, id="not-utf8"),
        pytest.param(
            b"[" * 30_000 + b"]" * 30_000, JSON, (400, ErrorCode.INVALID_REQUEST), id="nested-30k"
        ),
        pytest.param(
            b"[" * 100_000 + b"]" * 100_000,
            JSON,
            (413, ErrorCode.PAYLOAD_TOO_LARGE),
            id="nested-100k-deep",
        ),
        pytest.param(
            b'{"username": "demo", "password": "demo-pass-1", "admin": true}',
            JSON,
            MALFORMED,
            id="unknown-field",
        ),
        pytest.param(
            b'{"username": "demo", "password": "demo-pass-1"}',
            {"content-type": "text/plain"},
            NOT_JSON,
            id="text-plain",
        ),
        pytest.param(
            b"username=demo&password=demo-pass-1",
            {"content-type": "application/x-www-form-urlencoded"},
            NOT_JSON,
            id="form",
        ),
        pytest.param(
            b"<login><username>demo</username></login>",
            {"content-type": "application/xml"},
            NOT_JSON,
            id="xml",
        ),
        pytest.param(
            b'{"username": "demo", "password": "demo-pass-1"}', {}, NOT_JSON, id="no-content-type"
        ),
    ],
)
def test_malformed_login_bodies_are_4xx_json(
    client: requests.Session,
    content: bytes,
    headers: dict[str, str],
    expected: tuple[int, ErrorCode],
) -> None:
    response = client.post(f"{API_PREFIX}/login", data=content, headers=headers, timeout=30)
    assert_well_behaved(
        response.status_code, response.headers.get("content-type", ""), response.content
    )
    assert (response.status_code, response.json()["error"]["code"]) == expected, response.text[:300]


def test_an_unknown_field_is_not_named_back(client: requests.Session) -> None:
    body = {"username": DEMO_USER, "password": DEMO_PASSWORD, "<script>x</script>": 1}
    error = assert_error(login(client, body), *MALFORMED)
    assert_not_echoed(error, "script")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "p" * 50_000),
        ("username", "u" * 50_000),
        ("username", "u" * 65),
        ("platform", "tws" * 10_000),
    ],
    ids=["50kB-password", "50kB-username", "65-char-username", "30kB-platform"],
)
def test_oversized_login_fields_are_422(client: requests.Session, field: str, value: str) -> None:
    body = {"username": DEMO_USER, "password": DEMO_PASSWORD, field: value}
    error = assert_error(login(client, body), *MALFORMED)
    assert_not_echoed(error, value[:32])


@pytest.mark.parametrize("size", [64 * 1024 + 1, 2_000_000])
def test_bodies_over_64_kib_are_refused_before_parsing(client: requests.Session, size: int) -> None:
    body = b'{"username": "demo", "password": "' + b"p" * size + b'"}'
    response = client.post(f"{API_PREFIX}/login", data=body, headers=JSON, timeout=30)
    assert_error(response, 413, ErrorCode.PAYLOAD_TOO_LARGE)


def test_a_chunked_body_over_the_limit_is_refused(client: requests.Session) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"username": "demo", "password": "'
        for _ in range(100):
            yield b"p" * 1024
        yield b'"}'

    response = client.post(f"{API_PREFIX}/login", data=chunks(), headers=JSON, timeout=30)
    assert_error(response, 413, ErrorCode.PAYLOAD_TOO_LARGE)


# --- paths, methods and headers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "login_id",
    ["..%2F..%2Fetc", "%2E%2E", "..%5C..%5Cetc", "%FF%FE"],
    ids=["slashes", "dotdot", "backslashes", "not-utf8"],
)
@pytest.mark.parametrize("step", ["device", "resend", "respond"])
def test_path_tricks_in_the_login_id_are_404(
    client: requests.Session, login_id: str, step: str
) -> None:
    bodies = {"device": {"device_id": "demo-sms"}, "resend": {"channel": "sms"}}
    body = bodies.get(step, {"response": "12345678"})
    response = client.post(f"{API_PREFIX}/login/{login_id}/{step}", json=body, timeout=30)
    assert_error(response, 404, ErrorCode.LOGIN_NOT_FOUND, ErrorCode.NOT_FOUND)


def test_raw_path_traversal_is_404(client: requests.Session) -> None:
    response = client.post(
        f"{API_PREFIX}/login/../../etc/device", json={"device_id": "x"}, timeout=30
    )
    assert_error(response, 404, ErrorCode.NOT_FOUND, ErrorCode.LOGIN_NOT_FOUND)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/login", "POST"),
        ("DELETE", "/login", "POST"),
        ("GET", "/login", "POST"),
        ("PATCH", "/login/abc/respond", "POST"),
        ("DELETE", "/me", "GET"),
        ("POST", "/health", "GET"),
        ("OPTIONS", "/login", "POST"),
        ("TRACE", "/logout", "POST"),
    ],
)
def test_unknown_methods_are_405_json(
    client: requests.Session, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, f"{API_PREFIX}{path}", json={}, timeout=30)
    assert_error(response, 405, ErrorCode.METHOD_NOT_ALLOWED)
    assert allowed in response.headers.get("allow", ""), response.headers


@pytest.mark.parametrize("path", ["/nope", "/login/x/y/z", "/../../etc/passwd", "/docs"])
def test_unknown_paths_are_404_json(client: requests.Session, path: str) -> None:
    for prefix in (API_PREFIX, ""):
        response = client.get(f"{prefix}{path}", timeout=30)
        assert_error(response, 404, ErrorCode.NOT_FOUND)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/me"), ("GET", "/me/settings-key"), ("POST", "/logout"), ("POST", "/me/online-card")],
)
@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer " + "t" * 10_000,
        "t" * 10_000,
        "Bearer " + "t" * 500,
        "Bearer \xe9\xff\x01",
        "Basic ZGVtbzpkZW1vLXBhc3MtMQ==",
        "Bearer",
        "",
    ],
    ids=["bearer-10kB", "raw-10kB", "bearer-500", "latin1", "basic", "bearer-empty", "empty"],
)
def test_bad_bearer_tokens_are_4xx_json(
    client: requests.Session, method: str, path: str, authorization: str
) -> None:
    response = client.request(
        method, f"{API_PREFIX}{path}", headers={"authorization": authorization}, timeout=30
    )
    if path == "/logout" and response.status_code == 204:
        return  # logout is idempotent: an unknown token is already logged out
    if len(authorization) > 512:
        assert_error(response, 422, ErrorCode.INVALID_REQUEST)
    else:
        assert_error(response, 401, ErrorCode.UNAUTHORIZED)


def test_a_live_session_survives_the_hostile_requests(live: Live, client: requests.Session) -> None:
    """The happy path still works on the same app (the checks above are not vacuous)."""
    token = live.session(temporary=False)
    me = client.get(f"{API_PREFIX}/me", headers={"authorization": f"Bearer {token}"}, timeout=30)
    assert me.status_code == 200, me.text
    assert me.json()["username"] == SOLO_USER
    card = client.post(
        f"{API_PREFIX}/me/online-card",
        headers={"authorization": f"Bearer {live.session(temporary=True)}"},
        timeout=30,
    )
    assert card.status_code == 200, card.text
