"""Faults a scenario declares for support: SMS and voice calls lost, refused or late; failed
logins and wrong responses as of loading (a lockout, a locked device)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.clock import ManualClock
from tws_companion.server.app import create_app
from tws_companion.server.config import ServerConfig, build_context
from tws_companion.server.faults import Delivery, Faults, FaultyGateway, with_faults
from tws_companion.server.gateways.base import GatewayError
from tws_companion.server.passwords import FAST_HASH_PARAMETERS
from tws_companion.server.scenario import ScenarioError, load_scenario, read_scenario
from tws_companion.storage.outbox import SecurityCode, read_messages

API = "/api/v1"
PHONE = "+15555550100"
CODE = SecurityCode("482913", valid_seconds=300)


@dataclass
class Recorder:
    """A gateway that notes what it was asked to deliver."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)
    #: Set when something was delivered (from whichever thread delivered it).
    delivered: threading.Event = field(default_factory=threading.Event)

    def send_sms(self, to: str, text: str, *, security_code: SecurityCode | None = None) -> None:
        self.sent.append(("sms", to, text))
        self.delivered.set()

    def place_voice_call(
        self, to: str, text: str, *, security_code: SecurityCode | None = None
    ) -> None:
        self.sent.append(("voice", to, text))
        self.delivered.set()


@dataclass
class Later:
    """A scheduler that keeps what it was given to run later."""

    waiting: list[tuple[float, Callable[[], None]]] = field(default_factory=list)

    def __call__(self, seconds: float, function: Callable[[], None]) -> None:
        self.waiting.append((seconds, function))


# --- the [faults] table ------------------------------------------------------------------------


def test_no_faults_leaves_the_gateway_as_it_is() -> None:
    inner = Recorder()
    assert with_faults(inner, Faults()) is inner
    assert not Faults().any
    assert Faults.from_mapping({}) == Faults()


def test_the_table_reads_and_writes_back() -> None:
    table = {"sms": "lost", "voice": "refused", "voice_delay_seconds": 90}
    faults = Faults.from_mapping(table)
    assert faults == Faults(sms=Delivery.LOST, voice=Delivery.REFUSED, voice_delay_seconds=90.0)
    assert faults.to_mapping() == {"sms": "lost", "voice": "refused", "voice_delay_seconds": 90.0}
    assert Faults.from_mapping(faults.to_mapping()) == faults


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"sms": "gone"}, 'sms must be one of "delivered", "lost", "refused", not \'gone\''),
        ({"voice": 1}, "voice must be one of"),
        ({"voice_delay_seconds": -1}, "voice_delay_seconds must be a number of seconds from 0"),
        ({"sms_delay_seconds": "soon"}, "sms_delay_seconds must be a number of seconds"),
        ({"sms_delay_seconds": True}, "sms_delay_seconds must be a number of seconds"),
        ({"sms_lost": True}, "unknown keys: sms_lost (known: sms, sms_delay_seconds, voice"),
    ],
)
def test_a_wrong_table_says_which_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match="^" + _escaped(message)):
        Faults.from_mapping(table)


def _escaped(text: str) -> str:
    return re.escape(text)


# --- the gateway --------------------------------------------------------------------------------


def test_a_lost_sms_is_never_delivered_and_the_call_still_is() -> None:
    inner = Recorder()
    gateway = FaultyGateway(inner, Faults(sms=Delivery.LOST))
    gateway.send_sms(PHONE, "sms text", security_code=CODE)
    gateway.place_voice_call(PHONE, "call text")
    assert inner.sent == [("voice", PHONE, "call text")]


def test_a_refused_call_is_a_gateway_error_that_names_no_code() -> None:
    inner = Recorder()
    gateway = FaultyGateway(inner, Faults(voice=Delivery.REFUSED))
    with pytest.raises(GatewayError, match="voice call provider is not available") as info:
        gateway.place_voice_call(PHONE, f"your code is {CODE.code}", security_code=CODE)
    assert CODE.code not in str(info.value)
    assert inner.sent == []


def test_a_late_call_is_handed_over_after_its_delay() -> None:
    inner, later = Recorder(), Later()
    gateway = FaultyGateway(inner, Faults(voice_delay_seconds=90), schedule=later)
    gateway.place_voice_call(PHONE, "call text")
    gateway.send_sms(PHONE, "sms text")  # no delay for SMS
    assert inner.sent == [("sms", PHONE, "sms text")]
    [(seconds, deliver)] = later.waiting
    assert seconds == 90
    deliver()
    assert inner.sent[-1] == ("voice", PHONE, "call text")


def test_a_late_message_really_arrives_later_on_its_own(tmp_path: Path) -> None:
    inner = Recorder()
    gateway = FaultyGateway(inner, Faults(sms_delay_seconds=0.2))
    gateway.send_sms(PHONE, "sms text")
    assert inner.sent == []  # the server has answered; the message is still on its way
    assert inner.delivered.wait(timeout=10)  # from the timer thread
    assert inner.sent == [("sms", PHONE, "sms text")]


# --- through a server built from a scenario --------------------------------------------------

SCENARIO = """
[policy]
lockout_failures = 3
device_lock_failures = 4

[faults]
sms = "{sms}"

[[users]]
username = "texter"
password = "texter-pass-1"
phone = "+15555550100"
{user_extra}

[[users.devices]]
id = "texter-sms"
kind = "sms"

[[users.devices]]
id = "texter-dscplus"
kind = "dsc_plus"
secret_hex = "3132333435363738393031323334353637383930"
pin = "1234"
{device_extra}
"""


def write(
    tmp_path: Path, sms: str = "delivered", user_extra: str = "", device_extra: str = ""
) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(
        SCENARIO.format(sms=sms, user_extra=user_extra, device_extra=device_extra),
        encoding="utf-8",
    )
    return path


@dataclass
class Served:
    client: TestClient
    outbox: Path

    def login(self, password: str = "texter-pass-1") -> Any:
        body = {"username": "texter", "password": password, "platform": "tws"}
        return self.client.post(f"{API}/login", json=body)

    def select(self, login_id: str, device_id: str) -> Any:
        return self.client.post(f"{API}/login/{login_id}/device", json={"device_id": device_id})


@pytest.fixture
def serve_scenario(tmp_path: Path) -> Iterator[Callable[[Path], Served]]:
    with ExitStack() as stack:

        def start(path: Path) -> Served:
            scenario = read_scenario(path)
            config = ServerConfig(
                data_dir=tmp_path / "data",
                policy=scenario.policy,
                faults=scenario.faults.to_mapping(),
                hash_parameters=FAST_HASH_PARAMETERS,
            )
            # The configuration travels to worker processes as JSON: the faults with it.
            ctx = build_context(ServerConfig.from_json(config.to_json()))
            ctx.clock = ManualClock()
            stack.callback(ctx.db.dispose)
            load_scenario(ctx, scenario)
            client = TestClient(create_app(ctx), base_url="http://127.0.0.1")
            return Served(stack.enter_context(client), config.data_dir / "outbox")

        yield start


def test_a_scenario_with_lost_sms_answers_as_sent_and_nothing_arrives(
    tmp_path: Path, serve_scenario: Callable[[Path], Served]
) -> None:
    served = serve_scenario(write(tmp_path, sms="lost"))
    login_id = served.login().json()["login_id"]
    step = served.select(login_id, "texter-sms")
    assert step.status_code == 200
    assert step.json()["challenge"]["channel"] == "sms"
    assert read_messages(served.outbox) == []


def test_a_scenario_with_refused_sms_answers_gateway_unavailable(
    tmp_path: Path, serve_scenario: Callable[[Path], Served]
) -> None:
    served = serve_scenario(write(tmp_path, sms="refused"))
    login_id = served.login().json()["login_id"]
    refused = served.select(login_id, "texter-sms")
    assert refused.status_code == 502
    assert refused.json()["error"]["code"] == "gateway_unavailable"


def test_delivered_sms_still_arrive(
    tmp_path: Path, serve_scenario: Callable[[Path], Served]
) -> None:
    served = serve_scenario(write(tmp_path))
    login_id = served.login().json()["login_id"]
    assert served.select(login_id, "texter-sms").status_code == 200
    [message] = read_messages(served.outbox)
    assert message.to == PHONE


def test_failed_logins_in_the_scenario_lock_the_account_at_the_next_failure(
    tmp_path: Path, serve_scenario: Callable[[Path], Served]
) -> None:
    served = serve_scenario(write(tmp_path, user_extra="failed_logins = 2"))
    wrong = served.login("wrong-password")
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    assert served.login().json()["error"]["code"] == "account_locked"


def test_wrong_responses_at_the_limit_load_a_locked_device(
    tmp_path: Path, serve_scenario: Callable[[Path], Served]
) -> None:
    served = serve_scenario(write(tmp_path, device_extra="failed_responses = 4"))
    login_id = served.login().json()["login_id"]
    locked = served.select(login_id, "texter-dscplus")
    assert locked.json()["error"]["code"] == "device_locked"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[faults]\nsms = "late"\n', '[faults]: sms must be one of "delivered"'),
        ("faults = 3\n", "'faults' must be a table"),
        (
            '[[users]]\nusername = "a"\npassword = "b"\nfailed_logins = -1\n',
            "user #1: failed_logins must be a whole number, 0 or more",
        ),
        (
            '[[users]]\nusername = "a"\npassword = "b"\n[[users.devices]]\nkind = "sms"\n'
            'failed_responses = "3"\n',
            "user #1, device #1: failed_responses must be a whole number",
        ),
    ],
)
def test_a_wrong_fault_in_a_scenario_file_is_refused_before_loading(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=_escaped(message)):
        read_scenario(path)
