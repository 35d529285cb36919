"""The password step's throttles, in process: per user name and per source address, for
attempts one after another and for attempts whose password checks run at the same time.

Concurrency is made deterministic by holding the (real) Argon2 checks at a gate until every
request of a burst has reached it; the clock is moved by hand.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.support.clock import ManualClock
from tests.support.demo import DEMO
from tests.support.servers import make_context
from tws_companion.server import password_check
from tws_companion.server.app import create_app
from tws_companion.server.context import ServerContext
from tws_companion.server.db import LoginFailure, SourceFailure
from tws_companion.server.passwords import FAST_HASH_PARAMETERS, Passwords
from tws_companion.server.scenario import load_scenario, read_scenario

API = "/api/v1"
ADDRESS = ("127.0.0.1", 50000)
#: How long a gate waits for the rest of a burst before letting its checks go anyway.
GATE_DEADLINE = 20.0


class GatedPasswords(Passwords):
    """Real Argon2 checks, each held until ``expected`` checks are waiting (or a deadline), so
    they all run at the same time; counts how many checks ran."""

    def __init__(self, expected: int) -> None:
        super().__init__(FAST_HASH_PARAMETERS, concurrency=2)
        self.expected = expected
        self.checks = 0
        self._all_in: anyio.Event | None = None

    async def verify_async(self, password_hash: str | None, password: str) -> bool:
        if self._all_in is None:
            self._all_in = anyio.Event()
        self.checks += 1
        if self.checks >= self.expected:
            self._all_in.set()
        with anyio.move_on_after(GATE_DEADLINE):
            await self._all_in.wait()
        return await super().verify_async(password_hash, password)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[ServerContext]:
    context = make_context(tmp_path / "server", ManualClock())
    load_scenario(context, read_scenario(DEMO))
    yield context
    context.db.dispose()


@pytest.fixture
def client(ctx: ServerContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx), base_url="http://127.0.0.1", client=ADDRESS) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str) -> httpx2.Response:
    body = {"username": username, "password": password, "platform": "tws"}
    return client.post(f"{API}/login", json=body)


def answer(response: httpx2.Response) -> tuple[int, str, str]:
    """What a client sees of a refusal: the status, the error code and the message."""
    error = response.json()["error"]
    return response.status_code, error["code"], error["message"]


def burst(ctx: ServerContext, attempts: list[tuple[str, str]]) -> list[httpx2.Response]:
    """Send every ``(username, password)`` login at once, the password checks held at a gate
    until all of them are in; the answers in the order of ``attempts``."""
    ctx.passwords = GatedPasswords(expected=len(attempts))
    answers: list[httpx2.Response | None] = [None] * len(attempts)

    async def send(api: httpx2.AsyncClient, index: int, username: str, password: str) -> None:
        body = {"username": username, "password": password, "platform": "tws"}
        answers[index] = await api.post(f"{API}/login", json=body)

    async def main() -> None:
        transport = httpx2.ASGITransport(app=create_app(ctx), client=ADDRESS)
        async with (
            httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1") as api,
            anyio.create_task_group() as tasks,
        ):
            for index, (username, password) in enumerate(attempts):
                tasks.start_soon(send, api, index, username, password)

    anyio.run(main)
    assert all(response is not None for response in answers)
    return [response for response in answers if response is not None]


def codes(responses: list[httpx2.Response]) -> list[str]:
    return sorted(
        "login_id" if response.status_code == 200 else response.json()["error"]["code"]
        for response in responses
    )


# --- finding 4: parallel logins ---------------------------------------------------------------


@pytest.mark.parametrize("count", [4, 8])
def test_parallel_correct_logins_of_one_user_all_pass(ctx: ServerContext, count: int) -> None:
    responses = burst(ctx, [("demo", "demo-pass-1")] * count)
    assert [response.status_code for response in responses] == [200] * count
    assert len({response.json()["login_id"] for response in responses}) == count


def test_parallel_wrong_passwords_get_no_more_answers_than_one_after_another(
    ctx: ServerContext,
) -> None:
    responses = burst(ctx, [("demo", f"guess-{i}") for i in range(30)])
    assert codes(responses) == ["invalid_credentials"] * 3 + ["login_throttled"] * 27
    refusals = {answer(r) for r in responses if r.status_code == 429}
    assert refusals == {
        (
            429,
            "login_throttled",
            "Too many failed login attempts. "
            "Please wait 60 seconds before attempting to re-login again.",
        )
    }


def test_a_burst_for_an_unknown_user_gets_the_same_answers(ctx: ServerContext) -> None:
    known = burst(ctx, [("demo", f"guess-{i}") for i in range(12)])
    unknown = burst(ctx, [("nobody-by-this-name", f"guess-{i}") for i in range(12)])
    assert sorted(map(answer, known)) == sorted(map(answer, unknown))


def test_correct_and_wrong_passwords_in_parallel_the_correct_ones_pass(
    ctx: ServerContext,
) -> None:
    """Two wrong passwords leave the user below the throttle, so both right ones pass."""
    attempts = [("demo", "demo-pass-1"), ("demo", "wrong-1"), ("demo", "wrong-2")]
    responses = burst(ctx, [*attempts, ("demo", "demo-pass-1")])
    assert codes(responses) == ["invalid_credentials"] * 2 + ["login_id"] * 2


class HeldPasswords(Passwords):
    """Holds the checks of one password until released, and says when one is waiting."""

    def __init__(self, held: str) -> None:
        super().__init__(FAST_HASH_PARAMETERS, concurrency=2)
        self._held = held
        self.waiting = anyio.Event()
        self.release = anyio.Event()

    async def verify_async(self, password_hash: str | None, password: str) -> bool:
        if password == self._held:
            self.waiting.set()
            with anyio.fail_after(GATE_DEADLINE):
                await self.release.wait()
        return await super().verify_async(password_hash, password)


def run_with_api(
    ctx: ServerContext, scenario: Callable[[httpx2.AsyncClient], Awaitable[None]]
) -> None:
    async def main() -> None:
        transport = httpx2.ASGITransport(app=create_app(ctx), client=ADDRESS)
        async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1") as api:
            await scenario(api)

    anyio.run(main)


def test_a_right_password_whose_check_ends_after_three_failures_is_refused_like_a_guess(
    ctx: ServerContext,
) -> None:
    """No oracle: once the user must wait, a right password racing three wrong ones gets
    exactly the answer of the next wrong one."""
    seen: dict[str, Any] = {}

    async def scenario(api: httpx2.AsyncClient) -> None:
        held = HeldPasswords("demo-pass-1")
        ctx.passwords = held

        async def post(password: str) -> httpx2.Response:
            body = {"username": "demo", "password": password, "platform": "tws"}
            return await api.post(f"{API}/login", json=body)

        async def right() -> None:
            seen["right"] = await post("demo-pass-1")

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(right)
            with anyio.fail_after(GATE_DEADLINE):
                await held.waiting.wait()
            seen["wrong"] = [await post(f"wrong-{i}") for i in range(4)]
            held.release.set()

    run_with_api(ctx, scenario)
    wrong = [answer(response) for response in seen["wrong"]]
    assert [code for _, code, _ in wrong] == ["invalid_credentials"] * 3 + ["login_throttled"]
    assert answer(seen["right"]) == wrong[3]


# --- sequential rules -------------------------------------------------------------------------


def test_a_refused_flood_costs_no_password_checks(ctx: ServerContext, client: TestClient) -> None:
    counting = GatedPasswords(expected=1)
    ctx.passwords = counting
    statuses = [login(client, "demo", f"guess-{i}").status_code for i in range(20)]
    assert statuses == [401] * 3 + [429] * 17
    assert counting.checks == 3


def test_a_right_password_does_not_reset_the_failure_streak(
    ctx: ServerContext, client: TestClient
) -> None:
    """Only a completed login (the response accepted) resets it: a password alone does not."""
    for _ in range(2):
        assert login(client, "demo", "wrong").status_code == 401
    assert login(client, "demo", "demo-pass-1").status_code == 200
    assert login(client, "demo", "wrong").status_code == 401
    assert answer(login(client, "demo", "demo-pass-1"))[1] == "login_throttled"


def test_the_user_waits_counted_from_the_third_failure(
    ctx: ServerContext, client: TestClient
) -> None:
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    for _ in range(3):
        assert login(client, "demo", "wrong").status_code == 401
    clock.advance(seconds=7)
    refused = login(client, "demo", "demo-pass-1")
    assert answer(refused) == (
        429,
        "login_throttled",
        "Too many failed login attempts. Please wait 53 seconds before attempting to re-login "
        "again.",
    )
    assert refused.json()["error"]["retry_after"] == 53
    clock.advance(seconds=53)
    assert login(client, "demo", "demo-pass-1").status_code == 200


# --- finding 5: the per-address limit slides -------------------------------------------------


def source_refusal(seconds: int) -> tuple[int, str, str]:
    return (
        429,
        "source_throttled",
        f"Too many failed logins from this address. Please wait {seconds} seconds before trying "
        "again.",
    )


def test_no_burst_across_the_end_of_a_window(ctx: ServerContext, client: TestClient) -> None:
    """A fixed 15-minute window opened by one failure let 49 guesses in just before its end
    and 50 more just after. The bucket drains one failure every 18 s: one more gets through."""
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    names = iter(f"guess-{i}" for i in range(200))  # one name each: no per-user throttle
    assert login(client, next(names), "wrong").status_code == 401
    clock.advance(minutes=14, seconds=59)
    before = [login(client, next(names), "wrong") for _ in range(49)]
    assert [r.status_code for r in before] == [401] * 49
    clock.advance(seconds=1)
    after = [login(client, next(names), "wrong") for _ in range(50)]
    assert [r.status_code for r in after] == [401] + [429] * 49
    assert {answer(r) for r in after[1:]} == {source_refusal(17)}
    assert {r.json()["error"]["retry_after"] for r in after[1:]} == {17}
    assert {r.headers["Retry-After"] for r in after[1:]} == {"17"}
    # Also the right password of a real user: the address waits, whoever it is.
    assert answer(login(client, "demo", "demo-pass-1")) == source_refusal(17)
    clock.advance(seconds=17)
    assert login(client, next(names), "wrong").status_code == 401
    assert answer(login(client, next(names), "wrong")) == source_refusal(18)


def test_the_source_limit_drains_instead_of_resetting(
    ctx: ServerContext, client: TestClient
) -> None:
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    names = iter(f"guess-{i}" for i in range(200))
    assert [login(client, next(names), "wrong").status_code for _ in range(51)] == [401] * 50 + [
        429
    ]
    clock.advance(minutes=3)  # ten failures drained
    statuses = [login(client, next(names), "wrong").status_code for _ in range(12)]
    assert statuses == [401] * 10 + [429] * 2


# --- pruning ----------------------------------------------------------------------------------


def test_pruning_forgets_drained_buckets_and_old_streaks(ctx: ServerContext) -> None:
    now = ctx.clock.now()
    with ctx.db.transaction() as s:
        s.add(SourceFailure(source="drained", level=50.0, updated_at=now - timedelta(minutes=15)))
        s.add(SourceFailure(source="draining", level=50.0, updated_at=now - timedelta(minutes=14)))
        s.add(SourceFailure(source="empty", level=0.0, updated_at=None))
        s.add(
            LoginFailure(
                username="old",
                consecutive=10,
                first_failure_at=now - timedelta(hours=49),
                last_failure_at=now - timedelta(hours=48, seconds=1),
            )
        )
        s.add(
            LoginFailure(
                username="locked",
                consecutive=10,
                first_failure_at=now - timedelta(hours=2),
                last_failure_at=now - timedelta(hours=1),
            )
        )
    with ctx.db.transaction() as s:
        password_check.prune_failures(s, ctx, now)
    with ctx.db.read() as s:
        assert [row.source for row in s.query(SourceFailure)] == ["draining"]
        assert [row.username for row in s.query(LoginFailure)] == ["locked"]


# --- warnings before a wait and a lock (issue 9) -----------------------------------------------


def refusal(response: httpx2.Response) -> tuple[int, dict[str, Any], str | None]:
    """All a client learns from a refusal: the status, the whole body, the Retry-After header."""
    return response.status_code, response.json(), response.headers.get("Retry-After")


def test_a_wrong_password_says_how_many_attempts_are_left_before_a_wait_and_a_lock(
    ctx: ServerContext, client: TestClient
) -> None:
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    errors = []
    for _ in range(10):
        response = login(client, "demo", "wrong")
        assert response.status_code == 401
        error = response.json()["error"]
        errors.append(error)
        if error["attempts_before_lock"]:  # wait out each wait, not the lock
            clock.advance(seconds=error.get("retry_after", 0))
    assert {error["code"] for error in errors} == {"invalid_credentials"}
    assert [error["attempts_left"] for error in errors] == [2, 1] + [0] * 8
    assert [error["attempts_before_lock"] for error in errors] == list(range(9, -1, -1))
    # From the third failure each one starts a wait (doubling), the tenth locks the account.
    assert [error.get("retry_after") for error in errors] == [
        None,
        None,
        60,
        120,
        240,
        480,
        960,
        1800,
        1800,
        24 * 3600,
    ]
    assert errors[0]["message"] == (
        "The user name or password is not correct. "
        "2 attempts left before a wait, 9 before the account is locked."
    )
    assert errors[2]["message"] == (
        "The user name or password is not correct. Too many failed login attempts. Please wait "
        "60 seconds before attempting to re-login again. 7 attempts left before the account is "
        "locked."
    )
    assert errors[9]["message"] == (
        "The user name or password is not correct. Too many failed login attempts. The account "
        "is locked for 24 hours; contact Client Services to unlock it sooner."
    )
    # The wait told is the wait enforced.
    assert answer(login(client, "demo", "demo-pass-1"))[1] == "account_locked"


def test_an_unknown_user_name_gets_exactly_the_answers_of_a_wrong_password(
    ctx: ServerContext, client: TestClient
) -> None:
    """Attempt by attempt, side by side: the same status, body and Retry-After for a user name
    that exists (wrong password) and one that does not, through the waits and the lock."""
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    for attempt in range(11):
        known = refusal(login(client, "demo", "wrong"))
        unknown = refusal(login(client, "nobody-by-this-name", "wrong"))
        assert known == unknown
        if attempt < 9:  # wait out each wait, not the lock
            clock.advance(seconds=int(known[2] or 0))
    assert known[1]["error"]["code"] == "account_locked"


def test_an_unknown_user_name_runs_the_statements_of_a_wrong_password(
    ctx: ServerContext, client: TestClient
) -> None:
    """The timing shape: the same SQL statements, in the same order, in the same transactions,
    for a wrong password and for a user name that does not exist (first and second failure of
    each name, so both create their failure rows and then update them)."""
    statements: list[str] = []

    @event.listens_for(ctx.db.engine, "connect")
    def _trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(statements.append)

    ctx.db.engine.dispose()  # every connection from here on is traced

    def shape(username: str) -> list[str]:
        statements.clear()
        assert answer(login(client, username, "wrong"))[1] == "invalid_credentials"
        # The values differ (the names); what runs must not.
        return [re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", sql) for sql in statements]

    for _ in range(2):
        known, unknown = shape("demo"), shape("nobody-by-this-name")
        assert known == unknown
        assert any(sql.startswith("UPDATE login_failures") for sql in known)
