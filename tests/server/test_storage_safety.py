"""The server's own files: one master key however many workers start, and a database this
version cannot upgrade left as it is."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from tws_companion.server.crypto import load_or_create_master_key
from tws_companion.server.db import Database
from tws_companion.server.migrations import SchemaMismatchError


def test_workers_starting_together_share_one_master_key(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    start = threading.Barrier(8)
    keys: list[bytes] = []

    def worker() -> None:
        start.wait()
        keys.append(load_or_create_master_key(path, env={}).subkey("probe"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["master.key"]


def test_a_schema_1_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO users (id) VALUES (7)"))
    with pytest.raises(SchemaMismatchError, match=r"earlier version .*\(schema 1\)"):
        Database(url)
    assert inspect(engine).get_table_names() == ["users"]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM users")).scalars().all() == [7]
    engine.dispose()


def test_a_new_database_is_created_and_reopened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    first = Database(url)
    first.dispose()
    assert first.migration.found is None
    assert first.migration.applied
    again = Database(url)
    again.dispose()
    assert again.migration.found == first.migration.head
    assert again.migration.applied == ()
