"""The client reads answers into the shared wire models: checked, and a malformed answer is a
ProtocolError naming the field, never a KeyError or a pydantic error."""

from __future__ import annotations

import base64
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from tws_companion.client.errors import ProtocolError
from tws_companion.client.models import (
    Challenge,
    ChallengeStep,
    Device,
    Health,
    LoginDone,
    LoginStart,
    Me,
    Session,
    parse_answer,
    settings_key_from_json,
)
from tws_companion.protocol import ChallengeType, Channel, Scope, Step
from tws_companion.protocol.models import OnlineCard

EXPIRES = "2025-01-31T12:05:00Z"
EXPIRES_AT = datetime(2025, 1, 31, 12, 5, tzinfo=UTC)
DEVICES = [
    {"id": "d1", "kind": "dsc_plus", "label": "My DSC+"},
    {"id": "d2", "kind": "sms", "label": "Phone"},
]
TOKEN = "tok-3f9a0c1e5b7d"


def login_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "login_id": "L1",
        "expires_at": EXPIRES,
        "devices": DEVICES,
        "preferred_device_id": "d2",
        "step": "select_device",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def test_device() -> None:
    assert parse_answer(Device, DEVICES[0]) == Device(id="d1", kind="dsc_plus", label="My DSC+")


def test_device_of_an_unknown_kind_is_kept() -> None:
    assert parse_answer(Device, {"id": "d9", "kind": "future", "label": ""}).kind == "future"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"type": "ocra", "code": "123456", "expires_at": EXPIRES},
            Challenge(type=ChallengeType.OCRA, code="123456", expires_at=EXPIRES_AT),
        ),
        (
            {"type": "indices", "indices": [12, 57], "expires_at": EXPIRES},
            Challenge(type=ChallengeType.INDICES, indices=(12, 57), expires_at=EXPIRES_AT),
        ),
        (
            {
                "type": "oob",
                "channel": "sms",
                "destination": "*** *** 1234",
                "expires_at": EXPIRES,
                "resend_after": 30,
            },
            Challenge(
                type=ChallengeType.OOB,
                channel=Channel.SMS,
                destination="*** *** 1234",
                expires_at=EXPIRES_AT,
                resend_after=30,
            ),
        ),
        ({"type": "passcode"}, Challenge(type=ChallengeType.PASSCODE)),
        # DESIGN.md section 5 shows challenges without expires_at: still accepted.
        ({"type": "ocra", "code": "654321"}, Challenge(type=ChallengeType.OCRA, code="654321")),
    ],
)
def test_challenge(body: dict[str, Any], expected: Challenge) -> None:
    assert parse_answer(Challenge, body) == expected


def test_datetimes_are_timezone_aware() -> None:
    challenge = parse_answer(
        Challenge, {"type": "ocra", "code": "1", "expires_at": "2025-01-31T14:05:00+02:00"}
    )
    assert challenge.expires_at == EXPIRES_AT
    assert challenge.expires_at is not None
    assert challenge.expires_at.utcoffset() == timedelta(hours=2)


def test_login_start_select_device() -> None:
    start = parse_answer(LoginStart, login_body())
    assert start.login_id == "L1"
    assert start.expires_at == EXPIRES_AT
    assert start.devices == (
        Device(id="d1", kind="dsc_plus", label="My DSC+"),
        Device(id="d2", kind="sms", label="Phone"),
    )
    assert start.preferred_device_id == "d2"
    assert start.step is Step.SELECT_DEVICE
    assert start.device_id is None
    assert start.challenge is None


def test_login_start_with_one_device_goes_straight_to_the_challenge() -> None:
    start = parse_answer(
        LoginStart,
        login_body(
            devices=DEVICES[:1],
            preferred_device_id=None,
            step="respond",
            device_id="d1",
            challenge={"type": "ocra", "code": "123456", "expires_at": EXPIRES},
        ),
    )
    assert start.step is Step.RESPOND
    assert start.preferred_device_id is None
    assert start.device_id == "d1"
    assert start.challenge == Challenge(
        type=ChallengeType.OCRA, code="123456", expires_at=EXPIRES_AT
    )


def test_login_start_ignores_unknown_fields() -> None:
    assert parse_answer(LoginStart, login_body(future_field=[1, 2])).login_id == "L1"


def test_challenge_step() -> None:
    step = parse_answer(
        ChallengeStep, {"step": "respond", "device_id": "d2", "challenge": {"type": "passcode"}}
    )
    assert step == ChallengeStep(
        step=Step.RESPOND, device_id="d2", challenge=Challenge(type=ChallengeType.PASSCODE)
    )


def test_session_hides_its_token() -> None:
    session = parse_answer(
        LoginDone, {"session": {"token": TOKEN, "expires_at": EXPIRES, "scope": "full"}}
    ).session
    assert isinstance(session, Session)
    assert session.token == TOKEN
    assert session.scope is Scope.FULL
    assert session.expires_at == EXPIRES_AT
    assert TOKEN not in repr(session)
    assert TOKEN not in str(session)


def test_me() -> None:
    me = parse_answer(
        Me,
        {
            "username": "alice",
            "scope": "print_online_card",
            "expires_at": EXPIRES,
            "devices": DEVICES,
        },
    )
    assert me.username == "alice"
    assert me.scope is Scope.PRINT_ONLINE_CARD
    assert len(me.devices) == 2


def test_health() -> None:
    assert parse_answer(Health, {"status": "ok", "version": "0.1.0"}) == Health(
        status="ok", version="0.1.0"
    )


def test_settings_key() -> None:
    key = bytes(range(32))
    padded = base64.urlsafe_b64encode(key).decode()
    assert settings_key_from_json({"key": padded}) == key
    assert settings_key_from_json({"key": padded.rstrip("=")}) == key


@pytest.mark.parametrize(
    "value",
    [
        base64.urlsafe_b64encode(bytes(31)).decode(),
        base64.urlsafe_b64encode(bytes(33)).decode(),
        base64.standard_b64encode(b"\xfb" * 32).decode(),  # '+' and '/' are not URL-safe
        "not base64!",
        "",
        32,
        None,
    ],
)
def test_bad_settings_key(value: object) -> None:
    with pytest.raises(ProtocolError):
        settings_key_from_json({"key": value})


MALFORMED: list[tuple[type[BaseModel], object]] = [
    (LoginStart, None),
    (LoginStart, []),
    (LoginStart, "login"),
    (LoginStart, login_body(login_id=...)),
    (LoginStart, login_body(login_id=7)),
    (LoginStart, login_body(login_id="")),
    (LoginStart, login_body(expires_at=...)),
    (LoginStart, login_body(expires_at="tomorrow")),
    (LoginStart, login_body(expires_at="2025-01-31T12:05:00")),  # naive
    (LoginStart, login_body(devices=...)),
    (LoginStart, login_body(devices={"id": "d1"})),
    (LoginStart, login_body(devices=[])),
    (LoginStart, login_body(devices=["d1"])),
    (LoginStart, login_body(devices=[{"id": "d1", "label": "x"}])),
    (LoginStart, login_body(devices=[{"id": None, "kind": "sms", "label": "x"}])),
    (LoginStart, login_body(step="done")),
    (LoginStart, login_body(step=...)),
    (LoginStart, login_body(preferred_device_id=3)),
    (LoginStart, login_body(step="respond", device_id="d1")),  # no challenge
    (LoginStart, login_body(step="respond", challenge="ocra")),
    (ChallengeStep, {"step": "respond", "device_id": "d1"}),
    (ChallengeStep, {"step": "respond", "challenge": {"type": "passcode"}}),
    (
        ChallengeStep,
        {"step": "select_device", "device_id": "d1", "challenge": {"type": "passcode"}},
    ),
    (Challenge, {}),
    (Challenge, {"type": "fingerprint"}),
    (Challenge, {"type": "ocra"}),
    (Challenge, {"type": "ocra", "code": 123456}),
    (Challenge, {"type": "indices"}),
    (Challenge, {"type": "indices", "indices": []}),
    (Challenge, {"type": "indices", "indices": [12, "57"]}),
    (Challenge, {"type": "indices", "indices": [12, -1]}),
    (Challenge, {"type": "indices", "indices": [True, 57]}),
    (Challenge, {"type": "indices", "indices": "12,57"}),
    (Challenge, {"type": "oob", "channel": "sms"}),
    (Challenge, {"type": "oob", "channel": "fax", "destination": "x"}),
    (
        Challenge,
        {"type": "oob", "channel": "sms", "destination": "x", "resend_after": -5},
    ),
    (
        Challenge,
        {"type": "oob", "channel": "sms", "destination": "x", "resend_after": "30"},
    ),
    (Challenge, {"type": "ocra", "code": "1", "expires_at": 1738325100}),
    (LoginDone, {}),
    (LoginDone, {"token": TOKEN, "expires_at": EXPIRES, "scope": "full"}),
    (LoginDone, {"session": {"token": TOKEN, "expires_at": EXPIRES}}),
    (LoginDone, {"session": {"token": TOKEN, "expires_at": EXPIRES, "scope": "root"}}),
    (LoginDone, {"session": {"token": "", "expires_at": EXPIRES, "scope": "full"}}),
    (LoginDone, {"session": {"token": TOKEN, "expires_at": "soon", "scope": "full"}}),
    (Me, {"username": "alice", "scope": "full", "expires_at": EXPIRES}),
    (Health, {"status": "ok"}),
]


@pytest.mark.parametrize(("model", "body"), MALFORMED)
def test_malformed_answer_is_a_protocol_error(model: type[BaseModel], body: object) -> None:
    with pytest.raises(ProtocolError):
        parse_answer(model, body)


def test_protocol_error_names_the_field_but_not_its_value() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_answer(
            LoginDone, {"session": {"token": TOKEN, "expires_at": EXPIRES, "scope": "root"}}
        )
    assert "session.scope" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert "root" not in str(caught.value)
    with pytest.raises(ProtocolError) as caught:
        parse_answer(LoginStart, login_body(devices=[DEVICES[0], {"kind": "sms", "label": "x"}]))
    assert "devices[1].id" in str(caught.value)


def test_the_protocol_names_import_without_pydantic() -> None:
    """The GUI imports the enums before its first paint: the package itself stays light."""
    code = (
        "import sys\n"
        "from tws_companion.protocol import ErrorCode, Platform, Scope\n"
        "heavy = [m for m in ('pydantic', 'fastapi', 'requests') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_bad_mapping_key_is_not_quoted() -> None:
    body = {"device_id": "d1", "expires_at": EXPIRES, "values": {"secret-key": "A1B"}}
    with pytest.raises(ProtocolError) as caught:
        parse_answer(OnlineCard, body)
    assert "values" in str(caught.value)
    assert "secret-key" not in str(caught.value)
