"""Migrations: the head revision builds exactly the models' tables; a database made by the
previous release, with data in it, is upgraded and its users log in as before; a database this
version cannot upgrade is refused and left as it is; servers starting together migrate once.

On SQLite and on PostgreSQL (``TWS_TEST_POSTGRES_URL``, each test in a fresh schema; skipped
without it). The fixtures in ``tests/data`` were made by the previous release itself
(``make_release_schema2.py``).
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, text

from tests.support import servers
from tests.support.clock import ManualClock
from tests.support.databases import BACKENDS, fresh_database
from tests.support.process_server import run_cli
from tws_companion.server.db import Base, Database, LoginFailure, SourceFailure, make_engine
from tws_companion.server.migrations import SCRIPT_LOCATION, SchemaMismatchError, migrate
from tws_companion.sls import ocra
from tws_companion.sls.devices import DSC_PLUS_OCRA_SUITE

DATA = Path(__file__).resolve().parents[1] / "data"
RELEASE = json.loads((DATA / "release-schema2.json").read_text(encoding="utf-8"))
API = "/api/v1"
#: Every revision, oldest first: the head is the last (new revisions need no edit here).
REVISIONS = [
    script.revision
    for script in reversed(list(ScriptDirectory(str(SCRIPT_LOCATION)).walk_revisions()))
]
HEAD = REVISIONS[-1]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def empty_url(backend: str, data_dir: Path) -> Iterator[str]:
    """An empty database: a SQLite file in ``data_dir``, or a new PostgreSQL schema."""
    with fresh_database(backend, data_dir) as url:
        yield url


def _load_previous_release(backend: str, url: str, folder: Path) -> None:
    """Fill the empty database at ``url`` as the previous release left it (the fixture), and put
    that release's master key in ``folder``."""
    script = (DATA / f"release-schema2.{backend}.sql").read_text(encoding="utf-8")
    if backend == "sqlite":
        file = sqlite3.connect(str(make_url(url).database))
        try:
            file.executescript(script)
        finally:
            file.close()
    else:
        engine = create_engine(url)
        raw = engine.raw_connection()
        try:  # the script as it is: no parameters, so a "%" in it is no placeholder
            raw.cursor().execute(script)
            raw.commit()
        finally:
            raw.close()
        engine.dispose()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "master.key").write_bytes(bytes.fromhex(RELEASE["master_key_hex"]))


def _schema_differences(url: str) -> list[Any]:
    """What Alembic finds between the database's tables and the models (empty: they agree)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        differences: list[Any] = compare_metadata(
            MigrationContext.configure(connection), Base.metadata
        )
    engine.dispose()
    return differences


def _query(url: str, sql: str) -> list[Any]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = list(connection.execute(text(sql)))
    engine.dispose()
    return rows


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    names = inspect(engine).get_table_names()
    engine.dispose()
    return names


def _utc(value: datetime | str) -> datetime:
    """A timestamp as PostgreSQL returns it, or as SQLite stored it (text, in UTC)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def test_the_head_revision_builds_exactly_the_tables_of_the_models(empty_url: str) -> None:
    url = empty_url
    db = Database(url)
    db.dispose()
    assert db.migration.found is None
    assert [revision for revision, _ in db.migration.applied] == REVISIONS
    assert _schema_differences(url) == []


def test_a_database_of_the_previous_release_keeps_its_users_sessions_and_throttles(
    backend: str, empty_url: str, data_dir: Path
) -> None:
    url = empty_url
    _load_previous_release(backend, url, data_dir)
    assert _schema_differences(url), "the previous release's tables differ from the models"
    [(failures, window_start)] = _query(url, "SELECT failures, window_start FROM source_failures")

    session_created = datetime.fromisoformat(RELEASE["session_created_at"])
    ctx = servers.make_context(
        data_dir, ManualClock(session_created + timedelta(minutes=1)), url=url
    )

    assert ctx.db.migration.found == "0001"
    assert ctx.db.migration.adopted
    assert [revision for revision, _ in ctx.db.migration.applied] == REVISIONS[1:]
    assert _schema_differences(url) == []
    assert "schema_info" not in _tables(url)
    with ctx.db.read() as s:
        bucket = s.get(SourceFailure, "127.0.0.1")
        assert bucket is not None
        assert (bucket.level, bucket.updated_at) == (float(failures), _utc(window_start))
        failure = s.get(LoginFailure, RELEASE["username"])
        assert failure is not None
        assert failure.consecutive == 1

    with servers.test_client(ctx) as client:
        kept = client.get(
            f"{API}/me/settings-key",
            headers={"Authorization": f"Bearer {RELEASE['session_token']}"},
        )
        assert kept.status_code == 200, kept.text
        assert kept.json()["key"] == RELEASE["settings_key"]["key"]

        started = client.post(
            f"{API}/login",
            json={"username": RELEASE["username"], "password": RELEASE["password"],
                  "platform": "tws"},
        )  # fmt: skip
        assert started.status_code == 200, started.text
        login_id = started.json()["login_id"]
        step = client.post(
            f"{API}/login/{login_id}/device", json={"device_id": RELEASE["device_id"]}
        )
        assert step.status_code == 200, step.text
        response = ocra.compute_response(
            DSC_PLUS_OCRA_SUITE,
            bytes.fromhex(RELEASE["secret_hex"]),
            step.json()["challenge"]["code"],
            pin=RELEASE["pin"],
        )
        done = client.post(f"{API}/login/{login_id}/respond", json={"response": response})
        assert done.status_code == 200, done.text
        token = done.json()["session"]["token"]
        again = client.get(f"{API}/me/settings-key", headers={"Authorization": f"Bearer {token}"})
        assert again.json()["key"] == RELEASE["settings_key"]["key"]


def test_a_database_newer_than_this_version_is_refused_and_left_as_it_is(empty_url: str) -> None:
    url = empty_url
    Database(url).dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        connection.execute(text("DROP TABLE code_sends"))  # as if 0099 had dropped it
    engine.dispose()

    with pytest.raises(SchemaMismatchError, match=r"revision 0099, made by a newer version"):
        Database(url)
    assert _query(url, "SELECT version_num FROM alembic_version") == [("0099",)]
    assert "code_sends" not in _tables(url)


def test_another_schema_than_the_previous_release_is_refused(
    backend: str, empty_url: str, data_dir: Path
) -> None:
    url = empty_url
    _load_previous_release(backend, url, data_dir)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE schema_info SET version = 3"))
    engine.dispose()

    with pytest.raises(SchemaMismatchError, match="records schema 3"):
        Database(url)
    assert "alembic_version" not in _tables(url)


def _migrate_when_all_are_ready(url: str, ready: Any, results: Any) -> None:
    """One server starting: everything loaded, then migrate at the same moment as the others."""
    engine = make_engine(url)
    ready.wait(timeout=60)
    try:
        results.put(migrate(engine).describe()[0])
    except Exception as exc:  # noqa: BLE001 (the test reports what went wrong)
        results.put(f"failed: {exc!r}")
    finally:
        engine.dispose()


def test_servers_starting_together_on_a_new_database_migrate_it_once(empty_url: str) -> None:
    url = empty_url
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Barrier(2)
    results = spawn.Queue()
    starts = [
        spawn.Process(target=_migrate_when_all_are_ready, args=(url, ready, results))
        for _ in range(2)
    ]
    for start in starts:
        start.start()
    outcomes = sorted(results.get(timeout=120) for _ in starts)
    for start in starts:
        start.join(timeout=60)
    assert [start.exitcode for start in starts] == [0, 0]
    assert outcomes == [
        f"created the database at revision {HEAD}",
        f"the database is up to date (revision {HEAD})",
    ]
    assert _schema_differences(url) == []


@pytest.mark.e2e
def test_admin_migrate_says_what_it_did(data_dir: Path) -> None:
    data_dir.mkdir()
    _load_previous_release("sqlite", f"sqlite:///{data_dir / 'sls.db'}", data_dir)

    def migrate_command() -> list[str]:
        result = run_cli("admin", "--data-dir", str(data_dir), "migrate")
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    first, *applied = migrate_command()
    assert first == (
        "the database was made by the last release before migrations (schema 2): recorded it as "
        f"revision 0001, then upgraded it to revision {HEAD}"
    )
    assert applied[:2] == [
        "applied 0002: Leaky bucket and code sends.",
        "applied 0003: Settings on the server.",
    ]
    assert [line.split(":")[0] for line in applied] == [f"applied {r}" for r in REVISIONS[1:]]
    assert migrate_command() == [f"the database is up to date (revision {HEAD})"]
