"""The caps on SMS and voice codes (DESIGN.md section 3): per user and per phone number, at most 10
sends in 24 hours, whatever the logins; first codes, new-code requests and voice calls alike.

In process: the real app on SQLite with the outbox gateway (real files) and a clock moved by hand;
the parallel tests also run on PostgreSQL when TWS_TEST_POSTGRES_URL names a database.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx2
import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.support import servers
from tests.support.clock import ManualClock
from tests.support.postgres import NOT_AVAILABLE, drop_all_tables
from tests.support.postgres import URL as POSTGRES_URL
from tests.support.servers import make_context
from tws_companion.protocol import API_PREFIX, ErrorCode, Platform
from tws_companion.server import accounts, login_flow
from tws_companion.server.authenticators import Enrolment
from tws_companion.server.context import ServerContext
from tws_companion.server.db import CodeSend
from tws_companion.server.errors import ApiError
from tws_companion.server.gateways.base import GatewayError
from tws_companion.sls.policy import Policy
from tws_companion.storage.outbox import SecurityCode, read_messages

PHONE = "+15555550100"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def ctx(tmp_path: Path, clock: ManualClock) -> ServerContext:
    return make_context(tmp_path / "server", clock)


@pytest.fixture
def client(ctx: ServerContext) -> Iterator[TestClient]:
    with servers.test_client(ctx) as api:
        yield api


def add_user(ctx: ServerContext, username: str, *devices: dict[str, Any], phone: str) -> int:
    with ctx.db.transaction() as s:
        user = accounts.create_user(
            ctx, s, username=username, password=f"{username}-pass", phone=phone
        )
        for device in devices or ({"kind": "sms"},):
            accounts.add_device(ctx, s, user, **device)
        return user.id


def login(client: TestClient, username: str) -> httpx2.Response:
    body = {"username": username, "password": f"{username}-pass", "platform": "tws"}
    return client.post(f"{API_PREFIX}/login", json=body)


def select(client: TestClient, login_id: str, device_id: str) -> httpx2.Response:
    return client.post(f"{API_PREFIX}/login/{login_id}/device", json={"device_id": device_id})


def resend(client: TestClient, login_id: str, channel: str) -> httpx2.Response:
    return client.post(f"{API_PREFIX}/login/{login_id}/resend", json={"channel": channel})


def error(response: httpx2.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    result: dict[str, Any] = body["error"]
    return result


def messages(ctx: ServerContext, channel: str | None = None) -> int:
    assert ctx.data_dir is not None
    found = read_messages(ctx.data_dir / "outbox")
    return sum(1 for message in found if channel is None or message.channel == channel)


def limit_message(wait: str) -> str:
    return (
        "You have reached the limit of 10 security codes in 24 hours. "
        f"Please try again in {wait}, or use another security device."
    )


# --- the cap per user and per phone number ----------------------------------------------------


def test_twenty_logins_send_ten_codes_and_the_eleventh_is_refused(
    ctx: ServerContext, client: TestClient, clock: ManualClock
) -> None:
    add_user(ctx, "texter", phone=PHONE)
    answers = []
    for _ in range(20):
        answers.append(login(client, "texter"))
        clock.advance(minutes=1)
    assert [answer.status_code for answer in answers] == [200] * 10 + [429] * 10
    assert messages(ctx, "sms") == 10
    # The 11th came 10 minutes after the first: it fits again 23 h 50 min later.
    assert error(answers[10]) == {
        "code": ErrorCode.DAILY_SEND_LIMIT.value,
        "message": limit_message("23 hours and 50 minutes"),
        "retry_after": 23 * 3600 + 50 * 60,
    }
    assert answers[10].headers["Retry-After"] == str(23 * 3600 + 50 * 60)


def test_sends_work_again_once_the_first_leaves_the_24_hours(
    ctx: ServerContext, client: TestClient, clock: ManualClock
) -> None:
    add_user(ctx, "texter", phone=PHONE)
    for _ in range(10):
        assert login(client, "texter").status_code == 200
    assert error(login(client, "texter"))["retry_after"] == 24 * 3600
    clock.advance(hours=23, minutes=59, seconds=59)
    last_second = login(client, "texter")
    assert error(last_second)["retry_after"] == 1
    assert error(last_second)["message"] == limit_message("1 minute")
    clock.advance(seconds=1)
    assert login(client, "texter").status_code == 200
    assert messages(ctx, "sms") == 11


def test_two_users_sharing_a_phone_number_share_its_cap(
    ctx: ServerContext, client: TestClient
) -> None:
    add_user(ctx, "anna", phone="+1 555 555 0100")
    add_user(ctx, "ben", phone="+1-555-555-0100")  # the same number, written another way
    add_user(ctx, "carl", phone="+15555550111")
    assert [login(client, "anna").status_code for _ in range(6)] == [200] * 6
    assert [login(client, "ben").status_code for _ in range(4)] == [200] * 4
    assert error(login(client, "ben"))["code"] == ErrorCode.DAILY_SEND_LIMIT.value
    assert error(login(client, "anna"))["code"] == ErrorCode.DAILY_SEND_LIMIT.value
    assert login(client, "carl").status_code == 200  # another number, another user
    assert messages(ctx) == 11


def test_one_user_with_two_phones_has_one_cap_and_may_use_another_device(
    ctx: ServerContext, client: TestClient
) -> None:
    add_user(
        ctx,
        "dora",
        {"kind": "sms", "device_id": "dora-home", "enrolment": Enrolment(phone="+15555550122")},
        {"kind": "sms", "device_id": "dora-work", "enrolment": Enrolment(phone="+15555550133")},
        {"kind": "code_card", "device_id": "dora-card"},
        phone="+15555550122",
    )
    for device_id in ["dora-home"] * 5 + ["dora-work"] * 5:
        login_id = login(client, "dora").json()["login_id"]
        assert select(client, login_id, device_id).status_code == 200
    login_id = login(client, "dora").json()["login_id"]
    refused = select(client, login_id, "dora-work")
    assert error(refused)["code"] == ErrorCode.DAILY_SEND_LIMIT.value
    assert "use another security device" in error(refused)["message"]
    # The login goes on: another device still works.
    card = select(client, login_id, "dora-card")
    assert card.status_code == 200
    assert card.json()["challenge"]["type"] == "indices"
    assert messages(ctx) == 10


def test_new_code_requests_and_voice_calls_count(
    ctx: ServerContext, client: TestClient, clock: ManualClock
) -> None:
    add_user(ctx, "texter", phone=PHONE)
    first = login(client, "texter").json()["login_id"]
    for channel in ("voice", "sms", "sms", "voice", "sms"):  # the five new codes of a login
        clock.advance(seconds=30)
        assert resend(client, first, channel).status_code == 200
    second = login(client, "texter").json()["login_id"]
    for _ in range(3):
        clock.advance(seconds=30)
        assert resend(client, second, "sms").status_code == 200
    assert (messages(ctx, "sms"), messages(ctx, "voice")) == (8, 2)
    clock.advance(seconds=30)
    refused = resend(client, second, "voice")
    assert error(refused)["code"] == ErrorCode.DAILY_SEND_LIMIT.value
    assert refused.status_code == 429
    assert error(login(client, "texter"))["code"] == ErrorCode.DAILY_SEND_LIMIT.value
    assert messages(ctx) == 10


class BrokenGateway:
    """A provider that is down."""

    def send_sms(self, to: str, text: str, *, security_code: SecurityCode | None = None) -> None:
        raise GatewayError("The SMS provider is not answering. Try again in a moment.")

    def place_voice_call(
        self, to: str, text: str, *, security_code: SecurityCode | None = None
    ) -> None:
        raise GatewayError("The voice provider is not answering. Try again in a moment.")


def test_a_failed_send_does_not_use_up_the_cap(
    ctx: ServerContext, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(ctx, "texter", phone=PHONE)
    monkeypatch.setattr(ctx, "gateway", BrokenGateway())
    for _ in range(3):
        failed = login(client, "texter")
        assert failed.status_code == 502
        assert error(failed)["code"] == ErrorCode.GATEWAY_UNAVAILABLE.value
    monkeypatch.undo()
    assert [login(client, "texter").status_code for _ in range(11)] == [200] * 10 + [429]
    assert messages(ctx) == 10


def test_the_send_records_hold_no_phone_number(ctx: ServerContext, client: TestClient) -> None:
    add_user(ctx, "texter", phone=PHONE)
    assert login(client, "texter").status_code == 200
    with ctx.db.read() as s:
        rows = [tuple(row) for row in s.execute(text("SELECT * FROM code_sends"))]
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert "5555550100" not in stored
    # Not a plain hash either, which anyone could compute for every phone number.
    assert hashlib.sha256(b"15555550100").hexdigest() not in stored


def test_pruning_forgets_sends_that_left_the_window(
    ctx: ServerContext, client: TestClient, clock: ManualClock
) -> None:
    add_user(ctx, "texter", phone=PHONE)
    for _ in range(3):
        assert login(client, "texter").status_code == 200
    clock.advance(hours=23)
    assert login(client, "texter").status_code == 200

    def kept() -> int:
        with ctx.db.transaction() as s:
            login_flow.prune(s, ctx, clock.now())
            return s.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(CodeSend)) or 0

    clock.advance(hours=1)
    assert kept() == 1
    clock.advance(hours=23)
    assert kept() == 0


# --- parallel logins --------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(
    request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock
) -> Iterator[ServerContext]:
    url = None
    if request.param == "postgresql":
        if not POSTGRES_URL:
            pytest.skip(NOT_AVAILABLE)
        drop_all_tables(POSTGRES_URL)  # every test starts from an empty database
        url = POSTGRES_URL
    server = make_context(tmp_path / "server", clock, url=url)
    yield server
    server.db.dispose()


def in_parallel(calls: list[Callable[[], object]]) -> list[BaseException | None]:
    """Run ``calls`` at once (each on its own thread, released together); what each raised."""
    start = threading.Barrier(len(calls))
    outcomes: list[BaseException | None] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        try:
            calls[index]()
        except BaseException as exc:  # noqa: BLE001 (reported to the test)
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a login hung"
    return outcomes


def open_logins(ctx: ServerContext, user_ids: list[int]) -> list[str]:
    """Open a login for each user id, all at once; the error code of each (``""``: sent)."""
    now = ctx.clock.now()
    outcomes = in_parallel(
        [
            partial(login_flow.open_login, ctx, user_id, Platform.TWS, "127.0.0.1", now)
            for user_id in user_ids
        ]
    )
    codes = []
    for outcome in outcomes:
        if outcome is not None and not isinstance(outcome, ApiError):
            raise outcome
        codes.append("" if outcome is None else outcome.code.value)
    return codes


def test_parallel_logins_of_one_user_never_send_past_the_cap(any_db: ServerContext) -> None:
    user_id = add_user(any_db, "texter", phone=PHONE)
    codes = open_logins(any_db, [user_id] * 14)
    assert sorted(codes) == [""] * 10 + [ErrorCode.DAILY_SEND_LIMIT.value] * 4
    assert messages(any_db, "sms") == 10


def test_parallel_logins_of_users_sharing_a_phone_never_send_past_its_cap(
    any_db: ServerContext,
) -> None:
    anna = add_user(any_db, "anna", phone=PHONE)
    ben = add_user(any_db, "ben", phone=PHONE)
    codes = open_logins(any_db, [anna, ben] * 7)
    assert sorted(codes) == [""] * 10 + [ErrorCode.DAILY_SEND_LIMIT.value] * 4
    assert messages(any_db, "sms") == 10


def test_the_window_is_the_policy_s(tmp_path: Path, clock: ManualClock) -> None:
    ctx = make_context(
        tmp_path / "server",
        clock,
        Policy(send_max_per_window=2, send_window=timedelta(hours=1)),
    )
    add_user(ctx, "texter", phone=PHONE)
    with servers.test_client(ctx) as api:
        assert [login(api, "texter").status_code for _ in range(3)] == [200, 200, 429]
        assert error(login(api, "texter"))["message"] == (
            "You have reached the limit of 2 security codes in 1 hour. "
            "Please try again in 1 hour, or use another security device."
        )
        clock.advance(hours=1)
        assert login(api, "texter").status_code == 200
