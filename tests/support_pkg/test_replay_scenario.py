"""What a replay assumes from a trace alone: the scenario made for each kind of customer problem,
and that it loads into a server as a scenario file."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.clock import ManualClock
from tests.support.servers import make_context
from tws_companion.server.scenario import load_scenario, read_scenario
from tws_companion.sls.policy import DEFAULT_POLICY, VOICE_CALL_WITHIN
from tws_companion.support.environment import collect_environment
from tws_companion.support.replay_scenario import ELSEWHERE, LATE_CALL, scenario_for
from tws_companion.support.trace_format import LoginTrace, TraceStep

START = (
    TraceStep(0, "begin", "credentials"),
    TraceStep(1, "request", "credentials", request="login"),
)


def trace(*steps: TraceStep, outcome: str = "refused") -> LoginTrace:
    return LoginTrace(
        trace_id="0123456789abcdef",
        started_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        user="user-00112233aabbccdd",
        platform="tws",
        surface="dialog",
        outcome=outcome,
        duration_ms=steps[-1].t_ms if steps else 0,
        environment=collect_environment(),
        steps=(*START, *steps),
    )


def started(*kinds: str) -> TraceStep:
    return TraceStep(900, "started", "select_device", device_kinds=kinds)


def test_the_devices_are_the_drop_down_s_in_its_order() -> None:
    scenario = scenario_for(trace(started("ib_key", "sms", "dsc_plus"), outcome="abandoned"))
    assert [device.kind for device in scenario.devices] == ["ib_key", "sms", "dsc_plus"]
    assert all(device.pin for device in scenario.devices if device.kind != "sms")
    assert scenario.notes == ()
    assert scenario.faults == {}


def test_a_refused_address_allows_only_a_documentation_network() -> None:
    step = TraceStep(900, "failed", "restricted", error_code="ip_restricted", http_status=403)
    scenario = scenario_for(trace(step))
    assert scenario.allowed_ips == (ELSEWHERE,)
    assert [device.kind for device in scenario.devices] == ["dsc_plus"]  # none was offered


@pytest.mark.parametrize(
    ("answer", "failed_logins", "minutes_ago"),
    [
        (dict(error_code="account_locked", retry_after=86000), DEFAULT_POLICY.lockout_failures, 0),
        (
            dict(error_code="login_throttled", retry_after=60),
            DEFAULT_POLICY.throttle_after_failures,
            0,
        ),
        (dict(error_code="invalid_credentials", attempts_before_lock=6), 3, 31),
        (dict(error_code="invalid_credentials", attempts_before_lock=9), 0, 31),
    ],
)
def test_the_failed_logins_before_come_from_the_answer(
    answer: dict[str, object], failed_logins: int, minutes_ago: int
) -> None:
    step = TraceStep(900, "failed", "credentials", **answer)  # type: ignore[arg-type]
    scenario = scenario_for(trace(step))
    assert scenario.failed_logins == failed_logins
    assert scenario.failed_logins_minutes_ago == minutes_ago


def test_a_device_locked_at_once_had_all_its_failures_before() -> None:
    steps = (
        started("sms", "dsc_plus"),
        TraceStep(
            2000, "request", "select_device", request="select_device", device_kind="dsc_plus"
        ),
        TraceStep(2100, "failed", "select_device", error_code="device_locked", http_status=423),
    )
    scenario = scenario_for(trace(*steps))
    device = scenario.device_of("dsc_plus")
    assert device is not None
    assert device.failed_responses == DEFAULT_POLICY.device_lock_failures
    assert scenario.device_of("sms") is not None
    assert scenario.device_of("sms").failed_responses is None  # type: ignore[union-attr]


def test_a_device_locked_by_the_trace_s_own_wrong_responses_had_the_rest_before() -> None:
    wrong = TraceStep(3000, "failed", "respond", error_code="wrong_response", attempts_left=2)
    steps = (
        TraceStep(900, "started", "respond", device_kinds=("ib_key",), device_kind="ib_key"),
        TraceStep(2900, "request", "respond", request="respond"),
        wrong,
        TraceStep(3900, "request", "respond", request="respond"),
        TraceStep(4000, "failed", "select_device", error_code="device_locked"),
    )
    scenario = scenario_for(trace(*steps))
    device = scenario.device_of("ib_key")
    assert device is not None
    assert device.failed_responses == DEFAULT_POLICY.device_lock_failures - 2


def test_a_portal_only_session_means_a_temporary_passcode_past_its_full_access() -> None:
    steps = (
        TraceStep(900, "started", "respond", device_kinds=("temporary",), device_kind="temporary"),
        TraceStep(2000, "request", "respond", request="respond"),
        TraceStep(2100, "succeeded", "done", scope="print_online_card"),
    )
    scenario = scenario_for(trace(*steps, outcome="succeeded"))
    device = scenario.device_of("temporary")
    assert device is not None
    assert device.passcode
    assert device.issued_days_ago == 3  # two days of full access, then Portal only


def test_a_voice_call_asked_for_again_came_late_and_a_refused_sms_is_refused() -> None:
    steps = (
        started("sms"),
        TraceStep(1000, "request", "select_device", request="select_device", device_kind="sms"),
        TraceStep(1100, "failed", "select_device", error_code="gateway_unavailable"),
        TraceStep(40_000, "request", "respond", request="resend", channel="voice"),
        TraceStep(40_100, "code_resent", "respond", channel="voice", challenge_type="oob"),
        TraceStep(200_000, "request", "respond", request="resend", channel="voice"),
        TraceStep(200_100, "failed", "respond", error_code="resend_limit"),
    )
    scenario = scenario_for(trace(*steps, outcome="abandoned"))
    assert scenario.faults["sms"] == "refused"
    assert scenario.faults["voice_delay_seconds"] == LATE_CALL.total_seconds()
    assert LATE_CALL > VOICE_CALL_WITHIN
    assert "The voice call came too late" in scenario.notes


def test_the_scenario_loads_into_a_server(tmp_path: Path) -> None:
    steps = (
        started("dsc_plus", "ib_key", "code_card", "sms", "temporary"),
        TraceStep(2000, "failed", "credentials", error_code="ip_restricted"),
    )
    scenario = scenario_for(trace(*steps))
    text = scenario.to_toml()
    assert scenario.password not in repr(scenario)
    assert tomllib.loads(text)["users"][0]["username"] == "customer"
    path = tmp_path / "replay.toml"
    path.write_text(text, encoding="utf-8")
    ctx = make_context(tmp_path / "server", ManualClock())
    try:
        lines = load_scenario(ctx, read_scenario(path))
    finally:
        ctx.db.dispose()
    assert lines == ["customer: dsc_plus, ib_key, code_card, sms, temporary"]
