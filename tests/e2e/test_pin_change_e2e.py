"""PIN changes and IB Key activation end to end: ``tws-companion serve`` as a real process (SQLite,
and PostgreSQL with two workers when the tests have one) and the client, as the phone app and
the desktop would call it. Each flow ends with a login through the client: with the new PIN (the
old one refused), or with the activated IB Key picked from the drop-down. Each refusal is checked
by its typed client error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.demo import (
    SOLO_KEY,
    dsc_plus_response,
    ib_key_response,
    latest_code,
    write_scenario,
)
from tests.support.postgres import NOT_AVAILABLE, URL, drop_all_tables
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import (
    ChallengeExpired,
    ChallengeFailed,
    ChangeNotFound,
    DailySendLimit,
    DeviceLocked,
    InvalidCredentials,
    InvalidRequest,
    PinMismatch,
    ResponseReused,
    WrongPin,
    WrongResponse,
)
from tws_companion.protocol import Platform
from tws_companion.protocol.models import Session
from tws_companion.storage.outbox import read_messages

pytestmark = pytest.mark.e2e

SOLO, SOLO_PASSWORD, SOLO_DEVICE = "solo", "solo-pass-1", "solo-ibkey"


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(not URL, reason=NOT_AVAILABLE),
        ),
    ]
)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    options = ["--scenario", str(write_scenario(tmp_path))]
    if request.param == "postgresql":
        drop_all_tables(URL)  # every test starts from an empty database
        options += ["--db", URL, "--workers", "2"]
    with serve(tmp_path / "data", options) as running:
        yield running


@pytest.fixture
def api(server: RunningServer) -> Iterator[ApiClient]:
    with ApiClient(server.url) as client:
        yield client


def _code(server: RunningServer) -> str:
    return latest_code(server.data_dir / "outbox", "sms")


def _solo_login(api: ApiClient, pin: str) -> Session:
    start = api.start_login(SOLO, SOLO_PASSWORD, Platform.TWS)
    assert start.challenge is not None
    return api.respond(start.login_id, ib_key_response(start.challenge.code or "", SOLO_KEY, pin))


def _demo_dsc_login(api: ApiClient, pin: str) -> Session:
    start = api.start_login("demo", "demo-pass-1", Platform.TWS)
    challenge = api.select_device(start.login_id, "demo-dscplus").challenge.code or ""
    return api.respond(start.login_id, dsc_plus_response(challenge, pin))


# --- IB Key PIN change ---------------------------------------------------------------------------


def test_ib_key_pin_change_then_a_login_with_the_new_pin(
    server: RunningServer, api: ApiClient
) -> None:
    sent = api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "4321", "n3w#", "n3w#")
    assert sent.destination == "+*** *** 0111"

    changed = api.confirm_ib_key_pin_change(sent.change_id, _code(server))

    assert changed.device_id == SOLO_DEVICE
    assert _solo_login(api, "n3w#").token
    with pytest.raises(WrongResponse):
        _solo_login(api, "4321")


def test_ib_key_pin_change_refusals(server: RunningServer, api: ApiClient) -> None:
    with pytest.raises(PinMismatch):
        api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "4321", "5678", "5679")
    for bad in ("567", "5678901"):
        with pytest.raises(InvalidRequest, match="new_pin"):
            api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "4321", bad, bad)
    with pytest.raises(InvalidCredentials) as unknown:
        api.start_ib_key_pin_change("nobody-here", "x", "4321", "5678", "5678")
    with pytest.raises(InvalidCredentials) as wrong:
        api.start_ib_key_pin_change(SOLO, "not-it", "4321", "5678", "5678")
    assert (unknown.value.status, unknown.value.message) == (
        wrong.value.status,
        wrong.value.message,
    )
    with pytest.raises(WrongPin, match="call Client Services") as wrong_pin:
        api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "0000", "5678", "5678")
    assert wrong_pin.value.attempts_left == 9
    # No SMS was sent for any of these.
    assert read_messages(server.data_dir / "outbox") == []
    assert _solo_login(api, "4321").token  # and nothing changed


def test_sms_codes_are_single_use_expire_and_end_after_three_wrong(
    server: RunningServer, api: ApiClient
) -> None:
    sent = api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "4321", "5678", "5678")
    code = _code(server)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(WrongResponse) as first:
        api.confirm_ib_key_pin_change(sent.change_id, wrong)
    assert first.value.attempts_left == 2
    api.confirm_ib_key_pin_change(sent.change_id, code)
    with pytest.raises(ResponseReused):
        api.confirm_ib_key_pin_change(sent.change_id, code)

    late = api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "5678", "9012", "9012")
    server.move_clock(301)
    with pytest.raises(ChallengeExpired):
        api.confirm_ib_key_pin_change(late.change_id, _code(server))

    failing = api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "5678", "9012", "9012")
    code = _code(server)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        with pytest.raises(WrongResponse):
            api.confirm_ib_key_pin_change(failing.change_id, wrong)
    with pytest.raises(ChallengeFailed):
        api.confirm_ib_key_pin_change(failing.change_id, wrong)
    with pytest.raises(ChangeNotFound):
        api.confirm_ib_key_pin_change(failing.change_id, code)
    assert _solo_login(api, "5678").token


def test_ten_wrong_current_pins_lock_the_ib_key(server: RunningServer, api: ApiClient) -> None:
    for _ in range(9):
        with pytest.raises(WrongPin):
            api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "0000", "5678", "5678")
    with pytest.raises(DeviceLocked):
        api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "0000", "5678", "5678")
    with pytest.raises(DeviceLocked):
        api.start_login(SOLO, SOLO_PASSWORD, Platform.TWS)


def test_pin_change_codes_count_against_the_daily_send_cap(
    server: RunningServer, api: ApiClient
) -> None:
    for _ in range(10):
        api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "4321", "5678", "5678")
    with pytest.raises(DailySendLimit) as over:
        api.start_ib_key_pin_change(SOLO, SOLO_PASSWORD, "4321", "5678", "5678")
    assert over.value.retry_after is not None
    assert over.value.retry_after > 0


# --- DSC+ PIN change ---------------------------------------------------------------------------


def test_dsc_plus_pin_change_then_a_login_with_the_new_pin(api: ApiClient) -> None:
    token = _demo_dsc_login(api, "1234").token
    with pytest.raises(InvalidRequest, match="new_pin"):
        api.start_dsc_plus_pin_change(token, "demo-dscplus", "12345", "12345")
    step = api.start_dsc_plus_pin_change(token, "demo-dscplus", "8080", "8080")
    challenge = step.challenge.code or ""
    with pytest.raises(WrongResponse):
        api.respond_dsc_plus_pin_change(token, "demo-dscplus", dsc_plus_response(challenge))

    api.respond_dsc_plus_pin_change(token, "demo-dscplus", dsc_plus_response(challenge, "8080"))

    assert _demo_dsc_login(api, "8080").token
    with pytest.raises(WrongResponse):
        _demo_dsc_login(api, "1234")


# --- IB Key activation -------------------------------------------------------------------------


def test_an_activated_ib_key_is_offered_in_the_drop_down_and_answers_a_login(
    server: RunningServer, api: ApiClient
) -> None:
    with pytest.raises(InvalidCredentials):
        api.start_ib_key_activation("nobody-here", "x", "android")
    sent = api.start_ib_key_activation(SOLO, SOLO_PASSWORD, "android")
    with pytest.raises(InvalidRequest, match="pin"):
        api.confirm_ib_key_activation(sent.change_id, _code(server), "12")

    activated = api.confirm_ib_key_activation(sent.change_id, _code(server), "Ab#1")

    assert activated.username == SOLO
    assert activated.secret_hex not in repr(activated)
    start = api.start_login(SOLO, SOLO_PASSWORD, Platform.TWS)
    assert {device.id for device in start.devices} == {SOLO_DEVICE, activated.device_id}
    step = api.select_device(start.login_id, activated.device_id)
    key = bytes.fromhex(activated.secret_hex)
    response = ib_key_response(step.challenge.code or "", key, "Ab#1")
    assert api.respond(start.login_id, response).token
