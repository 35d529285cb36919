"""The server's own files: one master key however many workers start, and schema versions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tws_companion.server.crypto import load_or_create_master_key
from tws_companion.server.db import Database, SchemaMismatchError


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


def test_a_database_of_an_earlier_version_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(SchemaMismatchError, match="earlier version"):
        Database(url)


def test_a_new_database_is_created_and_reopened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    Database(url).dispose()
    Database(url).dispose()
