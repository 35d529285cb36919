"""The server on PostgreSQL with several workers: the deployment for a team.

``./dev test`` starts a throwaway database and sets TWS_TEST_POSTGRES_URL; elsewhere these tests
say they were skipped and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.demo import dsc_plus_response, write_scenario
from tests.support.postgres import NOT_AVAILABLE, URL, drop_all_tables
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import ChallengeFailed, LoginThrottled, WrongResponse
from tws_companion.protocol import Platform, Scope

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    if not URL:
        pytest.skip(NOT_AVAILABLE)
    drop_all_tables(URL)  # every test starts from an empty database
    options = ["--db", URL, "--workers", "2", "--scenario", str(write_scenario(tmp_path))]
    with serve(tmp_path / "data", options) as running:
        yield running


def test_logins_on_postgresql_with_two_workers(server: RunningServer) -> None:
    for _ in range(4):
        with ApiClient(server.url) as api:
            start = api.start_login("demo", "demo-pass-1", Platform.TWS)
        with ApiClient(server.url) as api:
            step = api.select_device(start.login_id, "demo-dscplus")
        assert step.challenge.code is not None
        with ApiClient(server.url) as api:
            session = api.respond(start.login_id, dsc_plus_response(step.challenge.code))
            assert session.scope is Scope.FULL
            assert api.me(session.token).username == "demo"


def test_rules_hold_on_postgresql(server: RunningServer) -> None:
    with ApiClient(server.url) as api:
        start = api.start_login("demo", "demo-pass-1", Platform.TWS)
        api.select_device(start.login_id, "demo-dscplus")
        for _ in range(2):
            with pytest.raises(WrongResponse):
                api.respond(start.login_id, "00000000")
        with pytest.raises(ChallengeFailed):
            api.respond(start.login_id, "00000000")
        for _ in range(3):
            with pytest.raises(Exception, match="not correct"):
                api.start_login("locky", "wrong", Platform.TWS)
        with pytest.raises(LoginThrottled):
            api.start_login("locky", "locky-pass-1", Platform.TWS)
