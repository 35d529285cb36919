"""The databases in-process server tests run on: SQLite always, PostgreSQL when
``TWS_TEST_POSTGRES_URL`` names one (``./dev test`` provides it), each test in a fresh schema of
its own that is dropped afterwards, so tests never see each other's rows or tables.

Parametrise a fixture with :data:`BACKENDS` and open the database with :func:`fresh_database`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.support.postgres import NOT_AVAILABLE
from tests.support.postgres import URL as POSTGRES_URL

#: ``sqlite`` and ``postgresql``, the latter skipped (and said so) without a database to use.
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason=NOT_AVAILABLE),
    ),
]


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in ``folder``, or a new PostgreSQL schema
    (first on the search path of every connection made with the URL), dropped on exit."""
    if backend == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder / 'sls.db'}"
        return
    schema = f"test_{secrets.token_hex(8)}"
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
