"""Fixtures of the in-process server tests that run on every database: the demo server's
context on SQLite and on PostgreSQL (when the tests have one), with a clock moved by hand.

A test module that needs another server defines its own ``ctx`` and ``clock``, which take
precedence over these.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.clock import ManualClock
from tests.support.databases import BACKENDS, fresh_database
from tests.support.demo_api import demo_context
from tws_companion.server.context import ServerContext


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=BACKENDS)
def ctx(
    request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock
) -> Iterator[ServerContext]:
    with fresh_database(request.param, tmp_path / "db") as url:
        context = demo_context(tmp_path / "server", clock, url)
        yield context
        context.db.dispose()
