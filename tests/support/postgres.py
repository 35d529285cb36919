"""The tests' PostgreSQL database (``TWS_TEST_POSTGRES_URL``, from ``./dev test``), emptied."""

from __future__ import annotations

import os

from sqlalchemy import MetaData, create_engine

URL = os.environ.get("TWS_TEST_POSTGRES_URL", "")
NOT_AVAILABLE = "no PostgreSQL: ./dev test provides one (TWS_TEST_POSTGRES_URL)"


def drop_all_tables(url: str) -> None:
    """Drop every table there is, not only the models': ``alembic_version`` too (left behind,
    it tells the next start that the tables exist) and an older release's ``schema_info``."""
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    tables.drop_all(engine)
    engine.dispose()
