"""Schemathesis over the app's own ``/openapi.json``, on SQLite and on PostgreSQL.

The fuzz run generates requests from the OpenAPI document, valid and invalid ones, and sends them
to the in-process app with the demo scenario loaded, once per database: SQLite, and PostgreSQL
when TWS_TEST_POSTGRES_URL names one (in a fresh schema; it refuses inputs SQLite stores, such as
NUL). Hand-written hostile requests are in test_hostile_inputs.py. Besides schemathesis' own
checks (no 5xx, documented status codes, content types and headers, bodies that match their
schemas, invalid data rejected), every answer must pass :func:`assert_well_behaved`: no 5xx, every
4xx the JSON error of DESIGN.md section 5 with a known ``error.code``, and no Python traceback in
any body.

A fuzzed ``login_id`` or bearer token almost never exists, so each example may swap in a live one
(``mode``: a login at the device step or at the response step, a login with the SMS device
selected, a full session, a session from a temporary passcode) and a real device id or the
correct response (``device``, ``answer``). That takes the fuzzed bodies past "not found" into the
protocol itself: device selection, wrong and right responses, resends, the ``/me`` routes.
"""

from __future__ import annotations

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

from tests.support.clock import ManualClock
from tests.support.demo_api import (
    DEMO_PASSWORD,
    DEMO_USER,
    SOLO_DEVICE,
    TEMP_DEVICE,
    Live,
    assert_well_behaved,
)
from tests.support.servers import make_context
from tws_companion.protocol import ERROR_STATUS
from tws_companion.server.app import create_app
from tws_companion.server.context import ServerContext

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


# --- the document ------------------------------------------------------------------------------


def test_every_route_documents_every_error_answer() -> None:
    """Each status an error may have (400 for an unreadable body, and those of ERROR_STATUS) is
    documented on every route as the one error body, so a fuzzer checks each answer's shape."""
    statuses = {str(status) for status in {400, *ERROR_STATUS.values()}}
    error_body = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in schema.raw_schema["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert statuses <= set(answers), (method, path, statuses - set(answers))
            for status in statuses:
                content = answers[status]["content"]["application/json"]
                assert content["schema"] == error_body, (method, path, status)


def test_request_bodies_document_their_limits() -> None:
    """The document tells a client (and the fuzzer) which text is refused: control characters
    anywhere, device ids outside their alphabet, unknown fields."""
    components = schema.raw_schema["components"]["schemas"]
    for name, fields in [
        ("LoginRequest", ("username", "password")),
        ("RespondRequest", ("response",)),
        ("DeviceRequest", ("device_id",)),
    ]:
        model = components[name]
        assert model["additionalProperties"] is False, name
        for field in fields:
            assert "pattern" in model["properties"][field], (name, field)
            assert "maxLength" in model["properties"][field], (name, field)
