"""Building a real server context and app for in-process tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from tests.support.clock import ManualClock
from tws_companion.server.app import create_app
from tws_companion.server.context import ServerContext
from tws_companion.server.crypto import load_or_create_master_key
from tws_companion.server.db import Database
from tws_companion.server.gateways.outbox import OutboxGateway
from tws_companion.server.passwords import FAST_HASH_PARAMETERS, Passwords
from tws_companion.sls.policy import Policy


def make_context(
    data_dir: Path, clock: ManualClock, policy: Policy | None = None, url: str | None = None
) -> ServerContext:
    """A context on ``url`` (default: SQLite in ``data_dir``), keys and outbox in ``data_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return ServerContext(
        db=Database(url or f"sqlite:///{data_dir / 'sls.db'}"),
        master_key=load_or_create_master_key(data_dir / "master.key", env={}),
        passwords=Passwords(FAST_HASH_PARAMETERS, concurrency=2),
        gateway=OutboxGateway(data_dir / "outbox"),
        policy=policy or Policy(),
        clock=clock,
        data_dir=data_dir,
    )


@contextmanager
def test_client(ctx: ServerContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx), base_url="http://127.0.0.1") as client:
        yield client
    ctx.db.dispose()
