"""The client's models: parsed from the API's JSON, checked, never a KeyError on a bad answer."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tws_companion.client.errors import ProtocolError
from tws_companion.client.models import (
    Challenge,
    ChallengeStep,
    Device,
    Health,
    LoginStart,
    Me,
    Session,
    settings_key_from_json,
)
from tws_companion.protocol import ChallengeType, Channel, Scope, Step

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
    assert Device.from_json(DEVICES[0]) == Device("d1", "dsc_plus", "My DSC+")


def test_device_of_an_unknown_kind_is_kept() -> None:
    assert Device.from_json({"id": "d9", "kind": "future", "label": ""}).kind == "future"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"type": "ocra", "code": "123456", "expires_at": EXPIRES},
            Challenge(ChallengeType.OCRA, code="123456", expires_at=EXPIRES_AT),
        ),
        (
            {"type": "indices", "indices": [12, 57], "expires_at": EXPIRES},
            Challenge(ChallengeType.INDICES, indices=(12, 57), expires_at=EXPIRES_AT),
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
                ChallengeType.OOB,
                channel=Channel.SMS,
                destination="*** *** 1234",
                expires_at=EXPIRES_AT,
                resend_after=30,
            ),
        ),
        ({"type": "passcode"}, Challenge(ChallengeType.PASSCODE)),
        # DESIGN.md section 5 shows challenges without expires_at: still accepted.
        ({"type": "ocra", "code": "654321"}, Challenge(ChallengeType.OCRA, code="654321")),
    ],
)
def test_challenge(body: dict[str, Any], expected: Challenge) -> None:
    assert Challenge.from_json(body) == expected


def test_datetimes_are_timezone_aware() -> None:
    challenge = Challenge.from_json(
        {"type": "ocra", "code": "1", "expires_at": "2025-01-31T14:05:00+02:00"}
    )
    assert challenge.expires_at == EXPIRES_AT
    assert challenge.expires_at is not None
    assert challenge.expires_at.utcoffset() == timedelta(hours=2)


def test_login_start_select_device() -> None:
    start = LoginStart.from_json(login_body())
    assert start.login_id == "L1"
    assert start.expires_at == EXPIRES_AT
    assert start.devices == (Device("d1", "dsc_plus", "My DSC+"), Device("d2", "sms", "Phone"))
    assert start.preferred_device_id == "d2"
    assert start.step is Step.SELECT_DEVICE
    assert start.device_id is None
    assert start.challenge is None


def test_login_start_with_one_device_goes_straight_to_the_challenge() -> None:
    start = LoginStart.from_json(
        login_body(
            devices=DEVICES[:1],
            preferred_device_id=None,
            step="respond",
            device_id="d1",
            challenge={"type": "ocra", "code": "123456", "expires_at": EXPIRES},
        )
    )
    assert start.step is Step.RESPOND
    assert start.preferred_device_id is None
    assert start.device_id == "d1"
    assert start.challenge == Challenge(ChallengeType.OCRA, code="123456", expires_at=EXPIRES_AT)


def test_login_start_ignores_unknown_fields() -> None:
    assert LoginStart.from_json(login_body(future_field=[1, 2])).login_id == "L1"


def test_challenge_step() -> None:
    step = ChallengeStep.from_json(
        {"step": "respond", "device_id": "d2", "challenge": {"type": "passcode"}}
    )
    assert step == ChallengeStep(Step.RESPOND, "d2", Challenge(ChallengeType.PASSCODE))


def test_session_hides_its_token() -> None:
    session = Session.from_json(
        {"session": {"token": TOKEN, "expires_at": EXPIRES, "scope": "full"}}
    )
    assert session.token == TOKEN
    assert session.scope is Scope.FULL
    assert session.expires_at == EXPIRES_AT
    assert TOKEN not in repr(session)
    assert TOKEN not in str(session)


def test_me() -> None:
    me = Me.from_json(
        {
            "username": "alice",
            "scope": "print_online_card",
            "expires_at": EXPIRES,
            "devices": DEVICES,
        }
    )
    assert me.username == "alice"
    assert me.scope is Scope.PRINT_ONLINE_CARD
    assert len(me.devices) == 2


def test_health() -> None:
    assert Health.from_json({"status": "ok", "version": "0.1.0"}) == Health("ok", "0.1.0")


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


Parser = Callable[[object], object]

MALFORMED: list[tuple[Parser, object]] = [
    (LoginStart.from_json, None),
    (LoginStart.from_json, []),
    (LoginStart.from_json, "login"),
    (LoginStart.from_json, login_body(login_id=...)),
    (LoginStart.from_json, login_body(login_id=7)),
    (LoginStart.from_json, login_body(login_id="")),
    (LoginStart.from_json, login_body(expires_at=...)),
    (LoginStart.from_json, login_body(expires_at="tomorrow")),
    (LoginStart.from_json, login_body(expires_at="2025-01-31T12:05:00")),  # naive
    (LoginStart.from_json, login_body(devices=...)),
    (LoginStart.from_json, login_body(devices={"id": "d1"})),
    (LoginStart.from_json, login_body(devices=[])),
    (LoginStart.from_json, login_body(devices=["d1"])),
    (LoginStart.from_json, login_body(devices=[{"id": "d1", "label": "x"}])),
    (LoginStart.from_json, login_body(devices=[{"id": None, "kind": "sms", "label": "x"}])),
    (LoginStart.from_json, login_body(step="done")),
    (LoginStart.from_json, login_body(step=...)),
    (LoginStart.from_json, login_body(preferred_device_id=3)),
    (LoginStart.from_json, login_body(step="respond", device_id="d1")),  # no challenge
    (LoginStart.from_json, login_body(step="respond", challenge="ocra")),
    (ChallengeStep.from_json, {"step": "respond", "device_id": "d1"}),
    (ChallengeStep.from_json, {"step": "respond", "challenge": {"type": "passcode"}}),
    (ChallengeStep.from_json, {"device_id": "d1", "challenge": {"type": "passcode"}}),
    (Challenge.from_json, {}),
    (Challenge.from_json, {"type": "fingerprint"}),
    (Challenge.from_json, {"type": "ocra"}),
    (Challenge.from_json, {"type": "ocra", "code": 123456}),
    (Challenge.from_json, {"type": "indices"}),
    (Challenge.from_json, {"type": "indices", "indices": []}),
    (Challenge.from_json, {"type": "indices", "indices": [12, "57"]}),
    (Challenge.from_json, {"type": "indices", "indices": [12, -1]}),
    (Challenge.from_json, {"type": "indices", "indices": [True, 57]}),
    (Challenge.from_json, {"type": "indices", "indices": "12,57"}),
    (Challenge.from_json, {"type": "oob", "channel": "sms"}),
    (Challenge.from_json, {"type": "oob", "channel": "fax", "destination": "x"}),
    (
        Challenge.from_json,
        {"type": "oob", "channel": "sms", "destination": "x", "resend_after": -5},
    ),
    (
        Challenge.from_json,
        {"type": "oob", "channel": "sms", "destination": "x", "resend_after": "30"},
    ),
    (Challenge.from_json, {"type": "ocra", "code": "1", "expires_at": 1738325100}),
    (Session.from_json, {}),
    (Session.from_json, {"token": TOKEN, "expires_at": EXPIRES, "scope": "full"}),
    (Session.from_json, {"session": {"token": TOKEN, "expires_at": EXPIRES}}),
    (Session.from_json, {"session": {"token": TOKEN, "expires_at": EXPIRES, "scope": "root"}}),
    (Session.from_json, {"session": {"token": "", "expires_at": EXPIRES, "scope": "full"}}),
    (Session.from_json, {"session": {"token": TOKEN, "expires_at": "soon", "scope": "full"}}),
    (Me.from_json, {"username": "alice", "scope": "full", "expires_at": EXPIRES}),
    (Health.from_json, {"status": "ok"}),
]


@pytest.mark.parametrize(("parse", "body"), MALFORMED)
def test_malformed_answer_is_a_protocol_error(parse: Parser, body: object) -> None:
    with pytest.raises(ProtocolError):
        parse(body)


def test_protocol_error_names_the_field_but_not_its_value() -> None:
    with pytest.raises(ProtocolError) as caught:
        Session.from_json({"session": {"token": TOKEN, "expires_at": EXPIRES, "scope": "root"}})
    assert "session.scope" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert "root" not in str(caught.value)
    with pytest.raises(ProtocolError) as caught:
        LoginStart.from_json(login_body(devices=[DEVICES[0], {"kind": "sms", "label": "x"}]))
    assert "devices[1].id" in str(caught.value)
