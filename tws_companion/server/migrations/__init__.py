"""The history of the server's database schema (Alembic revisions) and ``migrate``, which brings a
database up to date: on every start-up (each ``Database``) and with ``admin migrate``.

Every change to a table in ``db.py`` is a new revision in ``versions/``, written out by hand with
explicit ``op`` calls (never from the models, so a released revision never changes), whose
``down_revision`` is the previous head. ``tests/server/test_migrations.py`` checks that the head
revision builds exactly the tables the models describe, and upgrades a database the previous
release made, with data in it.

Alembic reads the revisions (and ``env.py``) from the files next to this one, so they ship as
files with the package; there is no ``alembic.ini``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

SCRIPT_LOCATION = Path(__file__).resolve().parent
#: What the last release before migrations recorded in its ``schema_info`` table.
PREVIOUS_RELEASE_SCHEMA = 2
#: The revision that describes a database made by that release.
PREVIOUS_RELEASE_REVISION = "0001"
#: The PostgreSQL advisory lock held while a database is migrated (``b"tws-migr"`` as a number):
#: servers starting together on one database migrate it one after the other.
MIGRATION_LOCK_KEY = int.from_bytes(b"tws-migr", "big")


class SchemaMismatchError(ValueError):
    """The database cannot be brought up to date by this version of the server."""


@dataclass(frozen=True)
class Migration:
    """What ``migrate`` found and did."""

    #: The revision the database was at; None for an empty database.
    found: str | None
    #: The revision it is at now (this code's head).
    head: str
    #: The database was made by the last release before migrations and recorded as its revision.
    adopted: bool
    #: The revisions applied, oldest first, as ``(revision, what it does)``.
    applied: tuple[tuple[str, str], ...]

    def describe(self) -> list[str]:
        """What was done, as lines for a person to read."""
        if not self.applied:
            summary = f"the database is up to date (revision {self.head})"
        elif self.found is None:
            summary = f"created the database at revision {self.head}"
        elif self.adopted:
            summary = (
                f"the database was made by the last release before migrations (schema "
                f"{PREVIOUS_RELEASE_SCHEMA}): recorded it as revision {self.found}, then "
                f"upgraded it to revision {self.head}"
            )
        else:
            summary = f"upgraded the database from revision {self.found} to {self.head}"
        return [summary] + [f"applied {revision}: {doc}" for revision, doc in self.applied]


def migrate(engine: Engine) -> Migration:
    """Bring the database up to date, in one transaction that holds the migration lock.

    An empty database gets every revision; one the previous release made (``schema_info``
    version 2, no ``alembic_version``) is stamped ``0001`` and then upgraded; one at a known
    revision is upgraded to the head. A database at a revision this code does not know (made by
    a newer version) is refused, never downgraded, and so is one made before ``schema_info``.
    """
    # SQLite: the engine begins writes IMMEDIATE, so the whole migration holds the write lock.
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        return _migrate(connection)


def _migrate(connection: Connection) -> Migration:
    scripts = ScriptDirectory(str(SCRIPT_LOCATION))
    head = scripts.get_current_head()
    assert head is not None, "the migrations have no revision"
    found = MigrationContext.configure(connection).get_current_revision()
    config = _config(connection)
    adopted = False
    if found is None:
        tables = set(inspect(connection).get_table_names())
        if tables:
            _check_previous_release(connection, tables)
            command.stamp(config, PREVIOUS_RELEASE_REVISION)
            found, adopted = PREVIOUS_RELEASE_REVISION, True
    elif found not in {script.revision for script in scripts.walk_revisions()}:
        raise SchemaMismatchError(
            f"the database is at revision {found}, made by a newer version of TWS Companion "
            f"than this one (which knows revisions up to {head}): run the newer version; "
            "a database is never downgraded"
        )
    pending = list(scripts.iterate_revisions(head, found or "base"))
    if pending:
        command.upgrade(config, "head")
    applied = tuple((script.revision, script.doc) for script in reversed(pending))
    return Migration(found=found, head=head, adopted=adopted, applied=applied)


def _check_previous_release(connection: Connection, tables: set[str]) -> None:
    """Refuse tables that are not those of the last release before migrations."""
    if "schema_info" not in tables:
        raise SchemaMismatchError(
            "the database was made by an earlier version of TWS Companion (schema 1), which "
            f"cannot be upgraded (only schema {PREVIOUS_RELEASE_SCHEMA} can): start with a "
            "new database"
        )
    version = connection.execute(text("SELECT version FROM schema_info")).scalar()
    if version != PREVIOUS_RELEASE_SCHEMA:
        raise SchemaMismatchError(
            f"the database records schema {version}, which this version of TWS Companion "
            f"cannot upgrade (only schema {PREVIOUS_RELEASE_SCHEMA} can)"
        )


def _config(connection: Connection) -> Config:
    """Alembic's configuration without a file, sharing ``connection`` with ``env.py``."""
    config = Config(attributes={"connection": connection})
    config.set_main_option("script_location", str(SCRIPT_LOCATION).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    return config
