"""Login traces: the versioned JSON format, the folder they are kept in (owner-only, rotated,
bounded), the pseudonyms, and the recorder that turns a login's events into a trace."""

from __future__ import annotations

import json
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Unpack

import pytest

from tws_companion.client import errors
from tws_companion.client.login_machine import LoginMachine
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
from tws_companion.support.environment import DisplayInfo, Environment, Screen
from tws_companion.support.locations import log_dir, pseudonym_key_path, traces_dir
from tws_companion.support.pseudonyms import Pseudonyms
from tws_companion.support.recorder import SURFACE_DIALOG, CompletedLogin, TraceRecorder
from tws_companion.support.trace_format import (
    MAX_STEPS,
    TRACE_VERSION,
    LoginTrace,
    TraceFormatError,
    TraceStep,
    TraceVersionError,
)
from tws_companion.support.trace_store import TraceStore, TraceWriter

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
POSIX = sys.platform != "win32"
ENVIRONMENT = Environment(
    app_version="0.1.0",
    python="CPython 3.11.7",
    os="Linux",
    os_release="6.1",
    os_version="#1 SMP",
    machine="x86_64",
    locale="zh_CN.UTF-8",
    language="zh_CN",
    qt_version="6.7.2",
    qt_platform="xcb",
    screens=(
        Screen(0, 0, 2560, 1440, 1.5, True),
        Screen(2560, 0, 1920, 1080, 1.0, False),
    ),
)
DSC = Device(id="d1", kind="dsc_plus", label="Office DSC+")
SMS = Device(id="d2", kind="sms", label="Phone")
OOB = Challenge(type=ChallengeType.OOB, channel=Channel.SMS, destination="+*** *** 4987")
VOICE = Challenge(type=ChallengeType.OOB, channel=Channel.VOICE, destination="+*** *** 4987")


def a_trace(
    started_at: datetime = NOW, steps: int = 3, trace_id: str = "0123456789abcdef"
) -> LoginTrace:
    return LoginTrace(
        trace_id=trace_id,
        started_at=started_at,
        user="user-00112233aabbccdd",
        platform="tws",
        surface="dialog",
        outcome="locked",
        duration_ms=2500,
        environment=ENVIRONMENT,
        steps=(
            TraceStep(0, "begin", "credentials"),
            TraceStep(900, "started", "select_device", device_kinds=("dsc_plus", "sms")),
            TraceStep(
                2500,
                "failed",
                "locked",
                error_code="login_throttled",
                http_status=429,
                retry_after=53,
                attempts_before_lock=7,
            ),
        )[:steps],
    )


# --- the format -------------------------------------------------------------------------------


def test_a_trace_survives_a_round_trip_through_json() -> None:
    trace = a_trace()
    text = trace.to_json()
    assert LoginTrace.from_json(text) == trace
    assert LoginTrace.from_json(text.encode("utf-8")) == trace
    data = json.loads(text)
    assert data["format"] == "tws-companion-login-trace"
    assert data["version"] == TRACE_VERSION
    # Only what applies to a step is written.
    assert data["steps"][0] == {"t_ms": 0, "event": "begin", "phase": "credentials"}
    assert data["steps"][2]["retry_after"] == 53
    assert data["environment"]["screens"][0]["device_pixel_ratio"] == 1.5


def test_a_trace_of_a_newer_version_is_a_clear_error() -> None:
    data = a_trace().to_dict()
    data["version"] = TRACE_VERSION + 1
    with pytest.raises(TraceVersionError) as raised:
        LoginTrace.from_json(json.dumps(data))
    assert raised.value.version == TRACE_VERSION + 1
    message = str(raised.value)
    assert f"format version {TRACE_VERSION + 1}" in message
    assert "newer TWS Companion" in message
    assert f"up to {TRACE_VERSION}" in message


def test_unknown_fields_of_the_same_version_are_ignored() -> None:
    data = a_trace().to_dict()
    data["added_later"] = {"anything": 1}
    data["steps"][0]["also_later"] = "x"
    assert LoginTrace.from_json(json.dumps(data)) == a_trace()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d.update(format="something-else"), "not a TWS Companion login trace"),
        (lambda d: d.update(version="1"), "trace.version"),
        (lambda d: d.update(version=0), "trace.version"),
        (lambda d: d.pop("user"), "trace.user is missing"),
        (lambda d: d.update(started_at="yesterday"), "trace.started_at"),
        (lambda d: d.update(started_at="2026-11-30T09:30:00"), "no time zone"),
        (lambda d: d.update(outcome="exploded"), "trace.outcome"),
        (lambda d: d["steps"][1].update(t_ms="900"), "trace.steps[1].t_ms"),
        (lambda d: d["steps"][2].update(retry_after=True), "trace.steps[2].retry_after"),
        (lambda d: d["environment"].pop("python"), "trace.environment.python"),
        (lambda d: d["environment"]["screens"][1].pop("primary"), "screens[1].primary"),
    ],
)
def test_a_damaged_trace_is_refused_naming_the_field(change: object, named: str) -> None:
    data = a_trace().to_dict()
    assert callable(change)
    change(data)
    with pytest.raises(TraceFormatError, match=named.replace("[", r"\[").replace("]", r"\]")):
        LoginTrace.from_json(json.dumps(data))


def test_a_file_that_is_not_json_is_refused() -> None:
    with pytest.raises(TraceFormatError, match="not a JSON file"):
        LoginTrace.from_json(b"\xff\xfe not json")


# --- the folder -------------------------------------------------------------------------------


def test_traces_are_written_owner_only_and_read_back(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "logs" / "traces")
    path = store.write(a_trace())
    assert store.paths() == [path]
    assert store.read(path) == a_trace()
    if POSIX:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_oldest_traces_go_beyond_the_count(tmp_path: Path) -> None:
    store = TraceStore(tmp_path, max_traces=3)
    paths = [
        store.write(a_trace(NOW + timedelta(minutes=n), trace_id=f"{n:016x}")) for n in range(5)
    ]
    assert store.paths() == paths[:1:-1]  # the newest three, newest first
    assert [store.read(p).started_at for p in store.paths()] == [
        NOW + timedelta(minutes=n) for n in (4, 3, 2)
    ]


def test_the_oldest_traces_go_beyond_the_size_but_the_newest_stays(tmp_path: Path) -> None:
    one = len(a_trace().to_json().encode())
    store = TraceStore(tmp_path, max_total_bytes=2 * one + one // 2)
    paths = [
        store.write(a_trace(NOW + timedelta(minutes=n), trace_id=f"{n:016x}")) for n in range(4)
    ]
    assert store.paths() == [paths[3], paths[2]]
    assert sum(p.stat().st_size for p in store.paths()) <= store.max_total_bytes
    tiny = TraceStore(tmp_path / "tiny", max_total_bytes=10)
    newest = tiny.write(a_trace())
    assert tiny.paths() == [newest]  # larger than the bound, but the newest is always kept


def test_the_log_folder_follows_the_data_root_or_platformdirs(
    tmp_path: Path, state_home: Path
) -> None:
    assert log_dir(tmp_path / "machine") == tmp_path / "machine" / "logs"
    assert traces_dir(environ={"TWS_COMPANION_HOME": str(tmp_path / "m2")}) == (
        tmp_path / "m2" / "logs" / "traces"
    )
    if sys.platform.startswith("linux"):
        assert log_dir(environ={}) == state_home / "tws-companion" / "log"
    # The pseudonym key is never in the log folder (a bundle holds the log folder's files).
    key = pseudonym_key_path(tmp_path / "machine")
    assert log_dir(tmp_path / "machine") not in key.parents


# --- pseudonyms -------------------------------------------------------------------------------


def test_a_user_keeps_one_pseudonym_on_this_machine(tmp_path: Path) -> None:
    key_file = tmp_path / "support" / "pseudonym.key"
    first = Pseudonyms(key_file).of("Alice.Trader")
    assert first.startswith("user-")
    assert len(first) == len("user-") + 16
    assert "alice" not in first.lower()
    # Another run of the app (a new object reading the same key), any spelling of the name.
    assert Pseudonyms(key_file).of("alice.trader") == first
    assert Pseudonyms(key_file).of("  ALICE.TRADER ") == first
    assert Pseudonyms(key_file).of("bob") != first
    if POSIX:
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_pseudonyms_of_two_installations_cannot_be_linked(tmp_path: Path) -> None:
    here = Pseudonyms(tmp_path / "one" / "pseudonym.key")
    there = Pseudonyms(tmp_path / "two" / "pseudonym.key")
    assert here.of("alice") != there.of("alice")
    # The key is random per installation: 256 bits, not derived from anything on the machine.
    keys = {(tmp_path / name / "pseudonym.key").read_text() for name in ("one", "two")}
    assert len(keys) == 2
    assert all(len(bytes.fromhex(key)) == 32 for key in keys)


def test_a_damaged_key_file_is_replaced(tmp_path: Path) -> None:
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text("not hex at all")
    pseudonym = Pseudonyms(key_file).of("alice")
    assert len(bytes.fromhex(key_file.read_text())) == 32
    assert Pseudonyms(key_file).of("alice") == pseudonym


# --- the recorder -----------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def recorded(
    clock: FakeClock, display: DisplayInfo | None = None
) -> tuple[LoginMachine, TraceRecorder, list[CompletedLogin]]:
    done: list[CompletedLogin] = []
    machine = LoginMachine(clock=clock)
    recorder = TraceRecorder(done.append, surface=SURFACE_DIALOG, display=lambda: display)
    machine.observe(recorder)
    return machine, recorder, done


def api_error(code: ErrorCode, status: int = 400, **extra: Unpack[ErrorNumbers]) -> errors.ApiError:
    return errors.ApiError.create(code.value, status, f"server says {code.value}", **extra)


def test_a_login_becomes_a_timeline_of_steps() -> None:
    clock = FakeClock()
    display = DisplayInfo("6.7.2", "offscreen", ENVIRONMENT.screens, "zh_CN")
    machine, _recorder, done = recorded(clock, display)
    machine.begin("alice", Platform.TWS)
    clock.now += 0.8
    machine.started(
        LoginStart(
            login_id="L1",
            expires_at=NOW,
            devices=(DSC, SMS),
            preferred_device_id=None,
            step=Step.SELECT_DEVICE,
        )
    )
    clock.now += 2.0
    machine.device_chosen(ChallengeStep(step=Step.RESPOND, device_id="d2", challenge=OOB))
    clock.now += 1.0
    machine.failed(api_error(ErrorCode.RESEND_TOO_SOON, 429, retry_after=30))
    clock.now += 31.0
    machine.code_resent(ChallengeStep(step=Step.RESPOND, device_id="d2", challenge=VOICE))
    clock.now += 40.0
    machine.failed(api_error(ErrorCode.WRONG_RESPONSE, 401, attempts_left=2))
    assert done == []  # still logging in
    clock.now += 5.0
    machine.succeeded(Session(token="tok-secret", expires_at=NOW, scope=Scope.FULL))
    [login] = done
    assert login.outcome == "succeeded"
    assert login.username == "alice"
    assert "alice" not in repr(login)
    assert login.display == display
    assert [(s.t_ms, s.event, s.phase) for s in login.steps] == [
        (0, "begin", "credentials"),
        (800, "started", "select_device"),
        (2800, "device_chosen", "respond"),
        (3800, "failed", "respond"),
        (34800, "code_resent", "respond"),
        (74800, "failed", "respond"),
        (79800, "succeeded", "done"),
    ]
    started, chosen, too_soon, resent, wrong, succeeded = login.steps[1:]
    assert started.device_kinds == ("dsc_plus", "sms")
    assert (chosen.device_kind, chosen.challenge_type, chosen.channel) == ("sms", "oob", "sms")
    assert chosen.phone_tail == "87"
    assert (too_soon.error_code, too_soon.http_status, too_soon.retry_after) == (
        "resend_too_soon",
        429,
        30,
    )
    assert (resent.channel, resent.phone_tail) == ("voice", "87")
    assert (wrong.error_code, wrong.attempts_left) == ("wrong_response", 2)
    assert succeeded.scope == "full"
    assert login.duration_ms == 79800


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (api_error(ErrorCode.INVALID_CREDENTIALS, 401, attempts_left=2), "refused"),
        (api_error(ErrorCode.LOGIN_THROTTLED, 429, retry_after=53), "locked"),
        (api_error(ErrorCode.IP_RESTRICTED, 403), "restricted"),
        (errors.ServerUnreachable("http://127.0.0.1:9", "connection refused"), "unreachable"),
    ],
)
def test_an_attempt_ended_at_step_one_is_written_at_once(error: Exception, outcome: str) -> None:
    machine, recorder, done = recorded(FakeClock())
    machine.begin("alice", Platform.PORTAL)
    machine.failed(error)
    [login] = done
    assert login.outcome == outcome
    assert login.platform == "portal"
    assert not recorder.recording
    machine.tick()  # a lockout wait ending later adds nothing
    assert len(done) == 1


def test_the_unreachable_server_is_named_by_the_type_of_failure_only() -> None:
    machine, _recorder, done = recorded(FakeClock())
    machine.begin("alice", Platform.TWS)
    machine.failed(errors.ServerUnreachable("http://alice-pc.example:9", "refused"))
    [login] = done
    assert login.steps[-1].failure == "ServerUnreachable"
    assert "alice-pc" not in repr(login.steps)


def test_an_attempt_left_open_is_abandoned_on_close_and_a_new_one_starts_afresh() -> None:
    machine, recorder, done = recorded(FakeClock())
    machine.begin("alice", Platform.TWS)
    machine.started(
        LoginStart(login_id="L1", expires_at=NOW, devices=(DSC, SMS), step=Step.SELECT_DEVICE)
    )
    machine.cancel()
    assert [login.outcome for login in done] == ["cancelled"]
    machine.begin("alice", Platform.TWS)
    recorder.close()
    recorder.close()  # nothing left to close
    assert [login.outcome for login in done] == ["cancelled", "abandoned"]
    assert done[0].trace_id != done[1].trace_id


def test_a_long_attempt_keeps_its_first_steps_and_says_it_was_cut() -> None:
    machine, _recorder, done = recorded(FakeClock())
    machine.begin("alice", Platform.TWS)
    machine.started(
        LoginStart(
            login_id="L1",
            expires_at=NOW,
            devices=(SMS,),
            step=Step.RESPOND,
            device_id="d2",
            challenge=OOB,
        )
    )
    for _ in range(MAX_STEPS + 10):
        machine.failed(api_error(ErrorCode.RESEND_TOO_SOON, 429, retry_after=30))
    machine.succeeded(Session(token="t", expires_at=NOW, scope=Scope.FULL))
    [login] = done
    assert len(login.steps) == MAX_STEPS
    assert login.truncated


def test_the_writer_stores_a_pseudonymous_trace_with_the_environment(tmp_path: Path) -> None:
    machine, _recorder, done = recorded(FakeClock(), DisplayInfo("6.7.2", "xcb", (), "en"))
    machine.begin("Alice", Platform.TWS)
    machine.failed(api_error(ErrorCode.ACCOUNT_LOCKED, 423, retry_after=86400))
    writer = TraceWriter(TraceStore(tmp_path / "traces"), Pseudonyms(tmp_path / "k.key"))
    path = writer.write(done[0])
    trace = LoginTrace.from_json(path.read_bytes())
    assert trace.user == Pseudonyms(tmp_path / "k.key").of("alice")
    assert trace.outcome == "locked"
    assert trace.steps[-1].retry_after == 86400
    assert (trace.environment.qt_version, trace.environment.language) == ("6.7.2", "en")
    assert trace.environment.app_version
    assert b"Alice" not in path.read_bytes()
    assert b"alice" not in path.read_bytes()


def test_a_trace_that_cannot_be_written_does_not_fail_the_login(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    machine, _recorder, done = recorded(FakeClock())
    machine.begin("alice", Platform.TWS)
    machine.failed(api_error(ErrorCode.INVALID_CREDENTIALS, 401))
    writer = TraceWriter(TraceStore(blocker / "traces"), Pseudonyms(tmp_path / "k.key"))
    assert writer.write_quietly(done[0]) is None
    with pytest.raises(OSError):
        writer.write(done[0])


def test_a_failing_observer_never_breaks_the_login() -> None:
    class Broken:
        def login_event(self, event: object, state: object) -> None:
            raise RuntimeError("disk on fire")

    machine = LoginMachine(clock=FakeClock())
    machine.observe(Broken())
    machine.begin("alice", Platform.TWS)
    assert machine.state.username == "alice"
