"""Schemathesis over the app's own ``/openapi.json``, plus hand-written hostile requests.

The fuzz run generates requests from the OpenAPI document, valid and invalid ones, and sends them
to the in-process app with the demo scenario loaded. Besides schemathesis' own checks (no 5xx,
documented status codes, content types and headers, bodies that match their schemas, invalid data
rejected), every answer must pass :func:`assert_well_behaved`: no 5xx, every 4xx the JSON error of
DESIGN.md section 5 with a known ``error.code``, and no Python traceback in any body.

A fuzzed ``login_id`` or bearer token almost never exists, so each example may swap in a live one
(``mode``: a login at the device step or at the response step, a login with the SMS device
selected, a full session, a session from a temporary passcode) and a real device id or the
correct response (``device``, ``answer``). That takes the fuzzed bodies past "not found" into the
protocol itself: device selection, wrong and right responses, resends, the ``/me`` routes.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.python.asgi import get_client
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from sqlalchemy import delete

from tests.support.clock import ManualClock
from tests.support.servers import make_context
from tws_companion.cli import DEMO_SCENARIO
from tws_companion.protocol import API_PREFIX, ErrorCode
from tws_companion.server import accounts
from tws_companion.server.app import create_app
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Device, SourceFailure
from tws_companion.server.scenario import Scenario, load_scenario, read_scenario
from tws_companion.sls import ocra
from tws_companion.sls.devices import spec
from tws_companion.sls.policy import RESEND_MIN_INTERVAL

ERROR_CODES = frozenset(code.value for code in ErrorCode)
TRACEBACK_MARKERS = ("Traceback", 'File "')

#: Demo users (resources/scenarios/demo.toml): ``demo`` has four devices, so a login waits for one
#: to be picked; ``solo`` has one IB Key, so a login goes straight to its challenge.
DEMO_USER, DEMO_PASSWORD = "demo", "demo-pass-1"
SOLO_USER, SOLO_PASSWORD, SOLO_DEVICE = "solo", "solo-pass-1", "solo-ibkey"
#: One more user, added for this test: a temporary passcode (the online card needs one).
TEMP_USER, TEMP_PASSWORD, TEMP_DEVICE, TEMP_PASSCODE = (
    "temp",
    "temp-pass-1",
    "temp-passcode",
    "TMPPASS8",
)
TEMP_SCENARIO_USERS: list[dict[str, Any]] = [
    {
        "username": TEMP_USER,
        "password": TEMP_PASSWORD,
        "phone": "+15555550133",
        "devices": [
            {
                "id": TEMP_DEVICE,
                "kind": "temporary",
                "label": "Temporary",
                "passcode": TEMP_PASSCODE,
            }
        ],
    }
]

#: What a fuzzed request is sent with instead of its own ``login_id`` or bearer token.
LIVE = ("fuzzed", "select_device", "respond", "sms", "session", "temporary_session")
#: A device id put into a fuzzed ``device_id`` (``None``: keep the fuzzed one).
DEVICE_IDS = (None, "demo-dscplus", "demo-ibkey", "demo-card", "demo-sms", SOLO_DEVICE, TEMP_DEVICE)

#: A schema-valid request may still meet a protocol refusal besides schemathesis' defaults (401,
#: 403, 404, 409, 429): 410 when a login or challenge ran out, 423 when ten wrong responses in a
#: row locked the device. Both are documented answers; anything else valid data gets is a failure.
SCHEMATHESIS_CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "410", "423", "429"]
            }
        }
    }
)

#: Checks that trust schemathesis' valid/invalid label of a case, which a swapped-in value voids.
RELABELLED_CHECKS = [negative_data_rejection, positive_data_acceptance]

FuzzTest = TypeVar("FuzzTest", bound=Callable[..., None])

FUZZ_SETTINGS = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


# --- the server under test ---------------------------------------------------------------------


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def ctx(tmp_path: Path, clock: ManualClock) -> Iterator[ServerContext]:
    context = make_context(tmp_path / "server", clock)
    load_scenario(context, read_scenario(DEMO_SCENARIO))
    load_scenario(context, Scenario(DEMO_SCENARIO, {}, TEMP_SCENARIO_USERS))
    yield context
    context.db.dispose()


@pytest.fixture
def app(ctx: ServerContext) -> FastAPI:
    return create_app(ctx)


@pytest.fixture
def client(app: FastAPI) -> Iterator[requests.Session]:
    """Requests to the in-process app over the same ASGI transport the fuzz run uses."""
    asgi_app: Any = app  # schemathesis types the ASGI callable more narrowly than Starlette
    with get_client(asgi_app) as session:
        yield session


def _load_schema() -> Any:
    """The schema as the app serves it at ``/openapi.json``.

    Loaded at import from an app of its own (the document does not depend on the data), because
    schemathesis' fixture-based lazy schema fails under pytest 9 (it writes ``Node._nodeid``).
    Every request of the fuzz run goes to the test's own app (``app=`` below), never to this one.
    """
    with tempfile.TemporaryDirectory(prefix="openapi-") as folder:
        context = make_context(Path(folder), ManualClock())
        try:
            return schemathesis.openapi.from_asgi(
                "/openapi.json", create_app(context), config=SCHEMATHESIS_CONFIG
            )
        finally:
            context.db.dispose()


schema = _load_schema()


# --- live logins and sessions ------------------------------------------------------------------


class Live:
    """Opens real logins and sessions on the app under test, over HTTP."""

    def __init__(self, ctx: ServerContext, clock: ManualClock, client: requests.Session) -> None:
        self.ctx = ctx
        self.clock = clock
        self.client = client

    def heal(self) -> None:
        """Undo what earlier fuzzed requests did (throttles, locked devices), as support would,
        so a live login can always be opened."""
        with self.ctx.db.transaction() as s:
            s.execute(delete(SourceFailure))
            for name in (DEMO_USER, SOLO_USER, TEMP_USER):
                user = accounts.find_user(s, name)
                assert user is not None
                accounts.unlock_user(s, user)
                for device in accounts.user_devices(s, user):
                    if device.status == "locked":
                        accounts.reset_device(s, device)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(f"{API_PREFIX}{path}", json=body, timeout=30)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def login(self, username: str, password: str, device_id: str | None = None) -> dict[str, Any]:
        """A login at the response step of ``device_id`` (or at the device step if ``None``)."""
        self.heal()
        started = self.post("/login", {"username": username, "password": password})
        if device_id is not None and started.get("device_id") != device_id:
            step = self.post(f"/login/{started['login_id']}/device", {"device_id": device_id})
            started.update(step)
        return started

    def ocra_response(self, device_id: str, challenge: str) -> str:
        with self.ctx.db.transaction() as s:
            device = s.get(Device, device_id)
            assert device is not None
            suite = spec(device.kind).ocra_suite
            assert suite is not None
            secret = accounts.device_secret(self.ctx, device)
            pin = accounts.device_pin(self.ctx, device)
        return ocra.compute_response(suite, secret, challenge, pin=pin)

    def solo_login(self) -> tuple[str, str]:
        """A solo login at its IB Key challenge, and the correct response."""
        started = self.login(SOLO_USER, SOLO_PASSWORD, SOLO_DEVICE)
        return started["login_id"], self.ocra_response(SOLO_DEVICE, started["challenge"]["code"])

    def session(self, temporary: bool) -> str:
        if temporary:
            started = self.login(TEMP_USER, TEMP_PASSWORD, TEMP_DEVICE)
            login_id, response = started["login_id"], TEMP_PASSCODE
        else:
            login_id, response = self.solo_login()
        done = self.post(f"/login/{login_id}/respond", {"response": response})
        token: str = done["session"]["token"]
        return token

    def sms_login(self) -> str:
        """A demo login with the SMS device selected, old enough that a resend is allowed."""
        login_id: str = self.login(DEMO_USER, DEMO_PASSWORD, "demo-sms")["login_id"]
        self.clock.advance(seconds=RESEND_MIN_INTERVAL.total_seconds() + 1)
        return login_id


def apply_live(case: Any, live: Live, mode: str, device: str | None, answer: bool) -> bool:
    """Swap live values into a generated case; parts not swapped stay as generated.

    Returns whether the body or the headers changed: schemathesis classified the case as valid or
    invalid before that, so the two checks built on that label do not apply to it any more.
    """
    reshaped = False
    body = case.body if isinstance(case.body, dict) else None
    if "login_id" in case.path_parameters:
        correct: str | None = None
        if mode == "select_device":
            case.path_parameters["login_id"] = live.login(DEMO_USER, DEMO_PASSWORD)["login_id"]
        elif mode == "respond":
            case.path_parameters["login_id"], correct = live.solo_login()
        elif mode == "sms":
            case.path_parameters["login_id"] = live.sms_login()
        if body is not None and "response" in body and answer and correct is not None:
            body["response"] = correct
            reshaped = True
    if body is not None and "device_id" in body and device is not None:
        body["device_id"] = device
        reshaped = True
    if mode in ("session", "temporary_session") and "authorization" in case.operation.headers:
        token = live.session(temporary=mode == "temporary_session")
        case.headers = case.headers or {}
        case.headers["authorization"] = f"Bearer {token}"
        reshaped = True
    return reshaped


# --- what every answer must look like ----------------------------------------------------------


def assert_well_behaved(status: int, content_type: str, body: bytes) -> None:
    text = body.decode("utf-8", errors="replace")
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, f"a traceback leaked in a {status} answer: {text[:500]}"
    assert status < 500, f"server error {status}: {text[:500]}"
    if 400 <= status < 500:
        assert content_type.split(";")[0].strip() == "application/json", (status, content_type)
        answer = json.loads(body)
        assert isinstance(answer, dict), answer
        assert set(answer) == {"error"}, answer
        error = answer["error"]
        assert isinstance(error, dict), answer
        assert error.get("code") in ERROR_CODES, answer
        assert isinstance(error.get("message"), str), answer
        assert error["message"], answer


def assert_error(response: requests.Response, status: int, *codes: ErrorCode) -> dict[str, Any]:
    """``response`` is the JSON error ``status`` with one of ``codes``; returns ``error``."""
    assert_well_behaved(
        response.status_code, response.headers.get("content-type", ""), response.content
    )
    assert response.status_code == status, (response.status_code, response.text[:300])
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] in {code.value for code in codes}, error
    return error


# --- the fuzz run ------------------------------------------------------------------------------


def fuzzed(test: FuzzTest) -> FuzzTest:
    """One test per operation of the schema (schemathesis), examples as ``FUZZ_SETTINGS`` say,
    with the live substitutions drawn by Hypothesis next to the generated case."""
    modes = {
        "mode": st.sampled_from(LIVE),
        "device": st.sampled_from(DEVICE_IDS),
        "answer": st.booleans(),
    }
    decorated: FuzzTest = schema.parametrize()(schema.given(**modes)(FUZZ_SETTINGS(test)))
    return decorated


@fuzzed
def test_openapi_fuzz(
    case: Any,
    mode: str,
    device: str | None,
    answer: bool,
    ctx: ServerContext,
    clock: ManualClock,
    app: FastAPI,
    client: requests.Session,
) -> None:
    reshaped = apply_live(case, Live(ctx, clock, client), mode, device, answer)
    response = case.call_and_validate(
        app=app, excluded_checks=RELABELLED_CHECKS if reshaped else []
    )
    content_type = ",".join(response.headers.get("content-type", []))
    assert_well_behaved(response.status_code, content_type, response.content)


# --- hand-written hostile requests -------------------------------------------------------------

JSON = {"content-type": "application/json"}


NOT_JSON = (415, ErrorCode.UNSUPPORTED_MEDIA_TYPE)
MALFORMED = (422, ErrorCode.INVALID_REQUEST)


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
    response = client.post(f"{API_PREFIX}/login", json=body, timeout=30)
    error = assert_error(response, 422, ErrorCode.INVALID_REQUEST)
    assert value[:32] not in error["message"], "the input is echoed back"


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


@pytest.mark.parametrize(
    "username",
    [
        "de\x00mo",
        "demo\x00",
        "\x00",
        "dém😀\u202e",
        "ＤＥＭＯ",
        "de\nmo",
        "' OR 1=1 --",
        "../../etc/passwd",
    ],
    ids=["nul-inside", "nul-after", "only-nul", "unicode", "fullwidth", "newline", "sql", "path"],
)
def test_odd_user_names_are_wrong_credentials(client: requests.Session, username: str) -> None:
    body = {"username": username, "password": DEMO_PASSWORD}
    response = client.post(f"{API_PREFIX}/login", json=body, timeout=30)
    assert_error(response, 401, ErrorCode.INVALID_CREDENTIALS)


@pytest.mark.parametrize(
    "login_id",
    [
        "..%2F..%2Fetc",
        "%2E%2E",
        "..%5C..%5Cetc",
        "%00",
        "%F0%9F%98%80%E2%80%AE",
        "%FF%FE",
        "a" * 65,
        "a" * 10_000,
    ],
    ids=["slashes", "dotdot", "backslashes", "nul", "unicode", "not-utf8", "65-chars", "10k-chars"],
)
@pytest.mark.parametrize("step", ["device", "resend", "respond"])
def test_hostile_login_ids_are_404(client: requests.Session, login_id: str, step: str) -> None:
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
    "device_id",
    ["../../etc/passwd", "\x00", "solo-ibkey", "d" * 33],
    ids=["path", "nul", "someone-elses", "33-chars"],
)
def test_hostile_device_ids_on_a_live_login(
    ctx: ServerContext, clock: ManualClock, client: requests.Session, device_id: str
) -> None:
    login_id = Live(ctx, clock, client).login(DEMO_USER, DEMO_PASSWORD)["login_id"]
    response = client.post(
        f"{API_PREFIX}/login/{login_id}/device", json={"device_id": device_id}, timeout=30
    )
    if len(device_id) > 32:
        assert_error(response, 422, ErrorCode.INVALID_REQUEST)
    else:
        assert_error(response, 404, ErrorCode.DEVICE_NOT_FOUND)


@pytest.mark.parametrize(
    "response_text",
    ["\x00" * 8, "١٢٣٤٥٦٧٨", "1" * 64, "' OR 1=1 --"],
    ids=["nul", "arabic", "64-ones", "sql"],
)
def test_hostile_responses_are_wrong_responses(
    ctx: ServerContext, clock: ManualClock, client: requests.Session, response_text: str
) -> None:
    login_id, _correct = Live(ctx, clock, client).solo_login()
    response = client.post(
        f"{API_PREFIX}/login/{login_id}/respond", json={"response": response_text}, timeout=30
    )
    error = assert_error(response, 401, ErrorCode.WRONG_RESPONSE)
    assert error["attempts_left"] == 2


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


def test_a_live_session_survives_the_hostile_requests(
    ctx: ServerContext, clock: ManualClock, client: requests.Session
) -> None:
    """The happy path still works on the same app (the checks above are not vacuous)."""
    live = Live(ctx, clock, client)
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
