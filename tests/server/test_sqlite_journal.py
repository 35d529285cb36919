"""Opening a SQLite database switches it to WAL even while another process holds its lock.

Servers starting together on a new database file race to switch it from the rollback journal
to WAL. SQLite refuses that switch at once ("database is locked", without waiting in its busy
handler) while another connection holds the file's write lock, so the engine waits its turn.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from tws_companion.server import db as db_module
from tws_companion.server.db import make_engine


def test_a_new_database_locked_by_another_server_is_opened_in_wal_once_it_is_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sls.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE started_first (id INTEGER)")  # a rollback-journal database
    other.execute("BEGIN IMMEDIATE")  # the other server is writing
    waits: list[float] = []

    def other_server_finishes(seconds: float) -> None:
        waits.append(seconds)
        if other.in_transaction:
            other.execute("COMMIT")

    monkeypatch.setattr(db_module, "sleep", other_server_finishes)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            mode = connection.execute(text("PRAGMA journal_mode")).scalar()
    finally:
        engine.dispose()
        other.close()
    assert mode == "wal"
    assert waits, "the engine never waited for the other server's lock"


def test_a_database_locked_for_longer_than_the_busy_timeout_gives_the_lock_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sls.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE started_first (id INTEGER)")
    other.execute("BEGIN IMMEDIATE")
    clock = [0.0]

    def time_passes(seconds: float) -> None:
        clock[0] += seconds

    monkeypatch.setattr(db_module, "sleep", time_passes)
    monkeypatch.setattr(db_module, "monotonic", lambda: clock[0])
    engine = make_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(Exception, match="database is locked"):
            engine.connect()
    finally:
        engine.dispose()
        other.close()
    assert clock[0] >= db_module.SQLITE_BUSY_SECONDS
