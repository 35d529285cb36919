"""Fixtures of the in-process server tests that run on every database: the demo server's
context on SQLite and on PostgreSQL (when the tests have one), with a clock moved by hand, requests
to its app, and live logins and sessions opened over HTTP; and a bare ``database`` on each.

A test module that needs another server defines its own ``ctx``, ``clock`` or ``client``, which
take precedence over these.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from schemathesis.python.asgi import get_client

from tests.support.clock import ManualClock
from tests.support.databases import BACKENDS, fresh_database
from tests.support.demo_api import Live, demo_context
from tws_companion.server.app import create_app
from tws_companion.server.context import ServerContext
from tws_companion.server.db import Database


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


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database with the current schema, on SQLite and on PostgreSQL, and no server."""
    with fresh_database(request.param, tmp_path / "db") as url:
        opened = Database(url)
        yield opened
        opened.dispose()


@pytest.fixture
def client(ctx: ServerContext) -> Iterator[requests.Session]:
    """Requests to the in-process app; a server error raised inside it is not swallowed."""
    asgi_app: Any = create_app(ctx)  # schemathesis types the ASGI callable narrowly
    with get_client(asgi_app) as session:
        yield session


@pytest.fixture
def live(ctx: ServerContext, clock: ManualClock, client: requests.Session) -> Live:
    return Live(ctx, clock, client)
