"""Logins sent at the same instant to ``tws-companion serve`` as a real process: correct
passwords never refuse each other, and a burst of guesses gets no more answers than guesses sent
one after another. On SQLite (one process) and on PostgreSQL with two workers.

Nothing is faked: production Argon2id, real HTTP, one thread per request released together.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.demo import write_scenario
from tests.support.postgres import NOT_AVAILABLE, URL, drop_all_tables
from tests.support.process_server import RunningServer, serve

pytestmark = pytest.mark.e2e

#: How long a burst may take to be answered (Argon2 on a busy machine).
DEADLINE = 120.0
THROTTLED = re.compile(
    r"Too many failed login attempts\. Please wait \d+ seconds? before attempting to re-login "
    r"again\."
)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    options = ["--scenario", str(write_scenario(tmp_path))]
    if request.param == "postgresql":
        if not URL:
            pytest.skip(NOT_AVAILABLE)
        drop_all_tables(URL)  # every test starts from an empty database
        options += ["--db", URL, "--workers", "2"]
    with serve(tmp_path / "data", options) as running:
        yield running


def login(server: RunningServer, username: str, password: str) -> requests.Response:
    body = {"username": username, "password": password, "platform": "tws"}
    with requests.Session() as session:
        return session.post(f"{server.url}/api/v1/login", json=body, timeout=DEADLINE)


def at_once(server: RunningServer, attempts: list[tuple[str, str]]) -> list[requests.Response]:
    """Send every ``(username, password)`` login from its own thread, all released together;
    the answers in the order of ``attempts``."""
    start = threading.Barrier(len(attempts))

    def send(attempt: tuple[str, str]) -> requests.Response:
        start.wait(timeout=DEADLINE)
        return login(server, *attempt)

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        futures = [pool.submit(send, attempt) for attempt in attempts]
        return [future.result(timeout=DEADLINE) for future in futures]


def error(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    result: dict[str, Any] = body["error"]
    return result


def assert_throttled(response: requests.Response) -> None:
    """A refusal that says only that the user must wait: no hint about the password."""
    assert response.status_code == 429
    refusal = error(response)
    assert set(refusal) == {"code", "message", "retry_after"}
    assert refusal["code"] == "login_throttled"
    assert THROTTLED.fullmatch(refusal["message"])
    assert 1 <= refusal["retry_after"] <= 60


@pytest.mark.parametrize("count", [4, 8])
def test_parallel_correct_logins_of_one_user_all_get_a_login(
    server: RunningServer, count: int
) -> None:
    responses = at_once(server, [("demo", "demo-pass-1")] * count)
    assert [response.status_code for response in responses] == [200] * count
    login_ids = {response.json()["login_id"] for response in responses}
    assert len(login_ids) == count


def test_thirty_parallel_guesses_get_three_answers(server: RunningServer) -> None:
    responses = at_once(server, [("locky", f"guess-{i}") for i in range(30)])
    answered = [r for r in responses if r.status_code == 401]
    assert len(answered) == 3
    assert {error(r)["code"] for r in answered} == {"invalid_credentials"}
    for response in responses:
        if response.status_code != 401:
            assert_throttled(response)
    assert_throttled(login(server, "locky", "locky-pass-1"))  # the throttle holds afterwards


def test_a_right_password_among_guesses_is_refused_like_them(server: RunningServer) -> None:
    """After three failures, a right password sent in a burst of wrong ones is no oracle."""
    for attempt in range(3):
        assert login(server, "locky", f"wrong-{attempt}").status_code == 401
    attempts = [("locky", f"guess-{i}") for i in range(10)]
    attempts.insert(5, ("locky", "locky-pass-1"))
    responses = at_once(server, attempts)
    for response in responses:
        assert_throttled(response)
    retry_afters = {error(response)["retry_after"] for response in responses}
    assert max(retry_afters) - min(retry_afters) <= 1
