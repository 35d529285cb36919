"""The login state machine, without Qt and without a server: each transition a user sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Unpack

import pytest

from tws_companion.client import errors
from tws_companion.client.login_machine import LoginMachine, NoticeKind, Phase
from tws_companion.client.models import Challenge, ChallengeStep, Device, LoginStart, Session
from tws_companion.protocol import (
    ChallengeType,
    Channel,
    ErrorCode,
    ErrorNumbers,
    Platform,
    Scope,
    Step,
)
from tws_companion.sls.durations import ceil_seconds
from tws_companion.sls.policy import THROTTLE_FIRST_WAIT

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
DSC = Device(id="d1", kind="dsc_plus", label="DSC+")
SMS = Device(id="d2", kind="sms", label="SMS")
CARD = Device(id="d3", kind="code_card", label="Card")
OCRA = Challenge(
    type=ChallengeType.OCRA, code="123456", expires_at=NOW + timedelta(seconds=120), expires_in=120
)
OOB = Challenge(type=ChallengeType.OOB, channel=Channel.SMS, destination="+*** *** 0100")
VOICE = Challenge(
    type=ChallengeType.OOB, channel=Channel.VOICE, destination="+*** *** 0100", expires_in=300
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def start(*devices: Device, preferred: str | None = None) -> LoginStart:
    return LoginStart(
        login_id="L1",
        expires_at=NOW + timedelta(minutes=5),
        devices=devices,
        preferred_device_id=preferred,
        step=Step.SELECT_DEVICE,
    )


def single(device: Device, challenge: Challenge) -> LoginStart:
    """The server chose the user's only device and sent its challenge."""
    return LoginStart(
        login_id="L1",
        expires_at=NOW,
        devices=(device,),
        preferred_device_id=None,
        step=Step.RESPOND,
        device_id=device.id,
        challenge=challenge,
    )


def chosen(device: Device, challenge: Challenge) -> ChallengeStep:
    return ChallengeStep(step=Step.RESPOND, device_id=device.id, challenge=challenge)


def api_error(code: ErrorCode, **extra: Unpack[ErrorNumbers]) -> errors.ApiError:
    return errors.ApiError.create(code.value, 400, f"server says {code.value}", **extra)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def machine(clock: FakeClock) -> LoginMachine:
    m = LoginMachine(clock=clock)
    m.begin(" alice ", Platform.TWS)
    return m


def test_begins_at_credentials_with_a_trimmed_user_name(machine: LoginMachine) -> None:
    assert machine.state.phase is Phase.CREDENTIALS
    assert machine.state.username == "alice"


def test_m2fs_shows_the_drop_down_with_the_preferred_device(machine: LoginMachine) -> None:
    state = machine.started(start(DSC, SMS, preferred="d2"))
    assert state.phase is Phase.SELECT_DEVICE
    assert state.devices == (DSC, SMS)
    assert state.preferred_device_id == "d2"


def test_a_remembered_device_wins_over_the_servers_preference(clock: FakeClock) -> None:
    m = LoginMachine(remembered_device_id="d1", clock=clock)
    assert m.started(start(DSC, SMS, preferred="d2")).preferred_device_id == "d1"
    # A remembered device the user no longer has is ignored.
    m = LoginMachine(remembered_device_id="gone", clock=clock)
    assert m.started(start(DSC, SMS, preferred="d2")).preferred_device_id == "d2"


def test_a_single_device_goes_straight_to_its_page(machine: LoginMachine) -> None:
    state = machine.started(single(DSC, OCRA))
    assert state.phase is Phase.RESPOND
    assert state.device == DSC
    assert state.challenge == OCRA
    assert not state.can_switch_device


def test_choosing_a_device_shows_its_challenge_and_is_remembered(machine: LoginMachine) -> None:
    machine.started(start(DSC, SMS))
    state = machine.device_chosen(chosen(DSC, OCRA))
    assert state.phase is Phase.RESPOND
    assert state.device == DSC
    assert machine.remembered_device_id == "d1"
    assert state.can_switch_device


def test_the_user_can_always_switch_back_to_the_drop_down(machine: LoginMachine) -> None:
    machine.started(start(DSC, SMS))
    machine.device_chosen(chosen(DSC, OCRA))
    state = machine.choose_another_device()
    assert state.phase is Phase.SELECT_DEVICE
    assert state.preferred_device_id == "d1"
    assert state.challenge is None


def test_wrong_response_stays_with_attempts_left(machine: LoginMachine) -> None:
    machine.started(start(DSC, SMS))
    machine.device_chosen(chosen(DSC, OCRA))
    state = machine.failed(api_error(ErrorCode.WRONG_RESPONSE, attempts_left=2))
    assert state.phase is Phase.RESPOND
    assert state.notice is not None
    assert state.notice.code is ErrorCode.WRONG_RESPONSE
    assert state.notice.attempts_left == 2


@pytest.mark.parametrize(
    "code",
    [
        ErrorCode.CHALLENGE_FAILED,
        ErrorCode.LOGIN_EXPIRED,
        ErrorCode.LOGIN_NOT_FOUND,
        ErrorCode.CHALLENGE_EXPIRED,
    ],
)
def test_failures_that_end_the_login_ask_to_start_over(
    machine: LoginMachine, code: ErrorCode
) -> None:
    machine.started(start(DSC, SMS))
    machine.device_chosen(chosen(DSC, OCRA))
    state = machine.failed(api_error(code))
    assert state.phase is Phase.EXPIRED
    assert machine.start_over().phase is Phase.CREDENTIALS
    assert machine.state.username == "alice"


def test_an_expired_sms_code_only_asks_for_a_new_code(machine: LoginMachine) -> None:
    machine.started(start(DSC, SMS))
    machine.device_chosen(chosen(SMS, OOB))
    assert machine.failed(api_error(ErrorCode.CHALLENGE_EXPIRED)).phase is Phase.RESPOND


def test_lockout_counts_down_then_returns_to_step_one(
    machine: LoginMachine, clock: FakeClock
) -> None:
    state = machine.failed(api_error(ErrorCode.LOGIN_THROTTLED, retry_after=53))
    assert state.phase is Phase.LOCKED
    assert machine.seconds_left() == 53
    clock.now += 52.5
    assert machine.tick().phase is Phase.LOCKED
    assert machine.seconds_left() == 1
    clock.now += 0.5
    assert machine.tick().phase is Phase.CREDENTIALS
    assert machine.state.username == "alice"


def test_ip_restriction(machine: LoginMachine) -> None:
    state = machine.failed(api_error(ErrorCode.IP_RESTRICTED))
    assert state.phase is Phase.RESTRICTED
    assert state.notice is not None
    assert state.notice.code is ErrorCode.IP_RESTRICTED


def test_voice_callback_starts_a_one_minute_countdown(
    machine: LoginMachine, clock: FakeClock
) -> None:
    machine.started(start(DSC, SMS))
    machine.device_chosen(chosen(SMS, OOB))
    state = machine.code_resent(chosen(SMS, VOICE))
    assert state.notice is not None
    assert state.notice.kind is NoticeKind.VOICE_CALL_COMING
    assert machine.seconds_left() == 60
    clock.now += 60
    assert machine.tick().countdown_until is None
    assert machine.state.phase is Phase.RESPOND


def test_a_locked_device_sends_an_m2fs_user_back_to_the_drop_down(machine: LoginMachine) -> None:
    machine.started(start(DSC, SMS))
    state = machine.failed(api_error(ErrorCode.DEVICE_LOCKED))
    assert state.phase is Phase.SELECT_DEVICE
    assert state.notice is not None


def test_a_locked_only_device_returns_to_step_one(machine: LoginMachine) -> None:
    machine.started(single(DSC, OCRA))
    assert machine.failed(api_error(ErrorCode.DEVICE_LOCKED)).phase is Phase.CREDENTIALS


def test_network_trouble_keeps_the_step_and_says_so(machine: LoginMachine) -> None:
    machine.started(start(DSC, SMS))
    state = machine.failed(errors.ServerUnreachable("http://127.0.0.1:1", "connection refused"))
    assert state.phase is Phase.SELECT_DEVICE
    assert state.notice is not None
    assert state.notice.kind is NoticeKind.UNREACHABLE


def test_the_challenge_timer_ends_an_ocra_login(machine: LoginMachine, clock: FakeClock) -> None:
    machine.started(start(DSC, SMS))
    machine.device_chosen(chosen(DSC, OCRA))
    clock.now += 90
    assert machine.challenge_seconds_left() == 30
    clock.now += 29.5
    assert machine.tick().phase is Phase.RESPOND
    clock.now += 0.5
    state = machine.tick()
    assert state.phase is Phase.EXPIRED
    assert state.notice is not None
    assert state.notice.code is ErrorCode.CHALLENGE_EXPIRED
    # In words too, for a driver without its own sentence per code (the terminal).
    assert state.notice.text == "The challenge has expired. Start over from step 1."


def test_success_holds_the_session_but_never_shows_it(machine: LoginMachine) -> None:
    machine.started(start(DSC, SMS))
    session = Session(token="secret-token", expires_at=NOW + timedelta(hours=12), scope=Scope.FULL)
    state = machine.succeeded(session)
    assert state.phase is Phase.DONE
    assert state.session is session
    assert "secret-token" not in repr(state)
    assert "secret-token" not in str(state)
    assert "secret-token" not in f"{state}"


def test_a_done_state_offers_no_view_that_lists_its_session(machine: LoginMachine) -> None:
    machine.started(start(DSC, SMS))
    session = Session(token="secret-token", expires_at=NOW + timedelta(hours=12), scope=Scope.FULL)
    state = machine.succeeded(session)
    assert not isinstance(state, tuple)
    assert not hasattr(state, "_asdict")
    assert not hasattr(state, "__dict__")
    with pytest.raises(TypeError):
        iter(state)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        vars(state)
    # Equal only to itself: no state made to compare with it tells anything about its session.
    same_fields = state.replace()
    assert same_fields.session is session
    assert same_fields != state


def test_a_replaced_state_keeps_every_field_it_does_not_change(machine: LoginMachine) -> None:
    state = machine.started(start(DSC, SMS))
    changed = state.replace(notice=None, countdown_until=5.0)
    assert changed.countdown_until == 5.0
    kept = ("phase", "username", "platform", "login_id", "devices", "preferred_device_id")
    assert all(getattr(changed, name) == getattr(state, name) for name in kept)
    with pytest.raises(TypeError):  # mypy refuses it too; at run time it is refused all the same
        state.replace(no_such_field=1)  # type: ignore[call-arg]


def test_listeners_see_every_state(machine: LoginMachine) -> None:
    seen: list[Phase] = []
    machine.subscribe(lambda state: seen.append(state.phase))
    machine.started(start(DSC, CARD))
    machine.device_chosen(chosen(CARD, OCRA))
    machine.cancel()
    assert seen == [Phase.SELECT_DEVICE, Phase.RESPOND, Phase.CREDENTIALS]


def test_a_lockout_without_a_stated_wait_waits_the_first_throttle_wait(
    machine: LoginMachine,
) -> None:
    machine.failed(api_error(ErrorCode.LOGIN_THROTTLED))
    assert machine.seconds_left() == ceil_seconds(THROTTLE_FIRST_WAIT)


def test_a_refused_device_stops_its_countdowns(machine: LoginMachine) -> None:
    """Back at the drop-down, neither the voice call nor the old challenge is counted down."""
    machine.started(start(DSC, SMS))
    machine.device_chosen(chosen(SMS, OOB))
    machine.code_resent(chosen(SMS, VOICE))
    assert (machine.seconds_left(), machine.challenge_seconds_left()) == (60, 300)
    state = machine.failed(api_error(ErrorCode.DEVICE_LOCKED))
    assert state.phase is Phase.SELECT_DEVICE
    assert (state.device, state.challenge) == (None, None)
    assert (machine.seconds_left(), machine.challenge_seconds_left()) == (None, None)
    assert state.notice is not None
    assert state.notice.code is ErrorCode.DEVICE_LOCKED


def test_only_a_single_device_user_cannot_switch(machine: LoginMachine) -> None:
    state = machine.started(single(SMS, OOB))
    assert machine.choose_another_device() is state


def test_a_new_code_can_be_requested_only_for_a_code_sent_by_sms_or_voice(
    machine: LoginMachine,
) -> None:
    assert not machine.started(start(DSC, SMS)).can_request_code
    assert not machine.device_chosen(chosen(DSC, OCRA)).can_request_code
    assert machine.choose_another_device().phase is Phase.SELECT_DEVICE
    assert machine.device_chosen(chosen(SMS, OOB)).can_request_code
    assert machine.code_resent(chosen(SMS, VOICE)).can_request_code
    assert not machine.failed(api_error(ErrorCode.CHALLENGE_FAILED)).can_request_code


# --- warnings before a lockout, and a new code asked for too early (issue 9) ------------------


def test_a_wrong_password_keeps_step_one_with_the_attempts_left(machine: LoginMachine) -> None:
    body = {
        "error": {
            "code": "invalid_credentials",
            "message": "The user name or password is not correct.",
            "attempts_left": 2,
            "attempts_before_lock": 9,
        }
    }
    state = machine.failed(errors.ApiError.from_body(401, body))
    assert state.phase is Phase.CREDENTIALS
    assert state.notice is not None
    assert (state.notice.attempts_left, state.notice.attempts_before_lock) == (2, 9)
    assert machine.seconds_left() is None


def test_a_wrong_password_that_starts_a_wait_counts_it_down_at_once(
    machine: LoginMachine, clock: FakeClock
) -> None:
    error = api_error(
        ErrorCode.INVALID_CREDENTIALS, retry_after=60, attempts_left=0, attempts_before_lock=7
    )
    state = machine.failed(error)
    assert state.phase is Phase.LOCKED
    assert state.notice is not None
    assert state.notice.code is ErrorCode.INVALID_CREDENTIALS
    assert state.notice.attempts_before_lock == 7
    assert machine.seconds_left() == 60
    clock.now += 60
    assert machine.tick().phase is Phase.CREDENTIALS


def test_a_new_code_asked_for_too_early_counts_down_the_seconds_left(
    machine: LoginMachine, clock: FakeClock
) -> None:
    machine.started(single(SMS, OOB))
    state = machine.failed(api_error(ErrorCode.RESEND_TOO_SOON, retry_after=12))
    assert state.phase is Phase.RESPOND
    assert state.notice is not None
    assert state.notice.code is ErrorCode.RESEND_TOO_SOON
    assert machine.notice_seconds_left() == 12
    assert machine.seconds_left() is None  # not a voice call's countdown
    clock.now += 11.5
    assert machine.tick().notice is not None
    assert machine.notice_seconds_left() == 1
    clock.now += 0.5
    state = machine.tick()
    assert state.notice is None  # the wait is over: the user may ask again
    assert state.phase is Phase.RESPOND
    assert machine.notice_seconds_left() is None
