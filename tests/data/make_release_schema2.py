"""Makes the ``release-schema2.*`` fixtures: a database made and used by the last release before
migrations (schema 2), for ``tests/server/test_migrations.py``.

Run it from the repository root with the source of that release, e.g. commit ``dac8717``::

    mkdir /tmp/release && git archive dac8717 | tar -x -C /tmp/release
    .venv/bin/python tests/data/make_release_schema2.py /tmp/release dac8717

It starts that release's ``serve --scenario`` (user ``alice`` with a DSC+ and an SMS device), logs
``alice`` in over HTTP with her DSC+ (a session, a used challenge, a finished login), then sends
one wrong password for her (a login failure and a per-address failure). The database is written
out as a SQLite dump, and the same rows as PostgreSQL SQL: the release's own tables compiled
for PostgreSQL (what its ``create_all`` runs there) and INSERTs. The secrets a test needs to use
that data (password, OCRA key and PIN, session token, settings key, master key) go to the JSON
file; all of them are test data made for this fixture only.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import DateTime, LargeBinary, TypeDecorator
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from tws_companion.sls import ocra
from tws_companion.sls.devices import DSC_PLUS_OCRA_SUITE

HERE = Path(__file__).resolve().parent
USERNAME = "alice"
PASSWORD = "alice-pass-1"
DEVICE_ID = "alice-dscplus"
SECRET_HEX = "9d2f6c1b4a8e7f3051c2d6e9a0b4f7c3e1d5a9b2c6f0e4d8a3b7c1f5e9d2a6b0"
PIN = "4711"
SCENARIO = f"""
[[users]]
username = "{USERNAME}"
password = "{PASSWORD}"
phone = "+15555550142"

[[users.devices]]
id = "{DEVICE_ID}"
kind = "dsc_plus"
label = "Alice's DSC+"
secret_hex = "{SECRET_HEX}"
pin = "{PIN}"

[[users.devices]]
id = "alice-sms"
kind = "sms"
label = "SMS to Alice's phone"
"""


def main(release: Path, commit: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        scenario = Path(folder) / "scenario.toml"
        scenario.write_text(SCENARIO, encoding="utf-8")
        secrets = _use_release_server(release, data, scenario)
        secrets["master_key_hex"] = (data / "master.key").read_bytes().hex()
        with sqlite3.connect(data / "sls.db") as connection:
            dump = list(connection.iterdump())
            (created_at,) = connection.execute("SELECT created_at FROM sessions").fetchone()
            secrets["session_created_at"] = f"{created_at}+00:00"  # stored in UTC
            tables = {
                name: connection.execute(f"SELECT * FROM {name}").fetchall()
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
    header = [
        "-- A database made and used by the last release before migrations (schema 2).",
        f"-- Made by tests/data/make_release_schema2.py from that release's source ({commit}):",
        "-- its `serve --scenario` loaded user alice (a DSC+ and an SMS device); alice logged in",
        "-- over HTTP with the DSC+, then sent one wrong password. Secrets: release-schema2.json.",
    ]
    sqlite_sql = [
        *header,
        "-- This file: the SQLite database, as `sqlite3 .dump` writes it.",
        *dump,
    ]
    (HERE / "release-schema2.sqlite.sql").write_text("\n".join(sqlite_sql) + "\n")
    postgres_sql = [
        *header,
        "-- This file: the same rows for PostgreSQL: the release's tables compiled for PostgreSQL",
        "-- (what its create_all runs there), INSERTs, and the serial sequences moved past them.",
        *_postgres_statements(release, tables),
    ]
    (HERE / "release-schema2.postgresql.sql").write_text("\n".join(postgres_sql) + "\n")
    (HERE / "release-schema2.json").write_text(json.dumps(secrets, indent=2) + "\n")


def _use_release_server(release: Path, data: Path, scenario: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "tws_companion", "serve", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--data-dir", str(data), "--scenario", str(scenario)],
        cwd=release,
        env={**os.environ, "PYTHONPATH": str(release), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1] + "/api/v1"
        started = _post(f"{url}/login", username=USERNAME, password=PASSWORD, platform="tws")
        step = _post(f"{url}/login/{started['login_id']}/device", device_id=DEVICE_ID)
        response = ocra.compute_response(
            DSC_PLUS_OCRA_SUITE, bytes.fromhex(SECRET_HEX), step["challenge"]["code"], pin=PIN
        )
        done = _post(f"{url}/login/{started['login_id']}/respond", response=response)
        token = done["session"]["token"]
        key = requests.get(
            f"{url}/me/settings-key", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        key.raise_for_status()
        wrong = requests.post(
            f"{url}/login",
            json={"username": USERNAME, "password": "wrong-pass", "platform": "tws"},
            timeout=30,
        )
        assert wrong.status_code == 401, wrong.text
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {
        "username": USERNAME,
        "password": PASSWORD,
        "device_id": DEVICE_ID,
        "secret_hex": SECRET_HEX,
        "pin": PIN,
        "session_token": token,
        "settings_key": key.json(),
    }


def _post(url: str, **body: str) -> Any:
    answer = requests.post(url, json=body, timeout=30)
    answer.raise_for_status()
    return answer.json()


def _postgres_statements(release: Path, rows: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """The release's tables as its ``create_all`` makes them on PostgreSQL, and ``rows``."""
    spec = importlib.util.spec_from_file_location(
        "release_db", release / "tws_companion" / "server" / "db.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the models' annotations resolve in their module
    spec.loader.exec_module(module)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    statements = []
    for table in module.Base.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect)).strip()
        statements.append("\n".join(line.rstrip() for line in ddl.splitlines()) + ";")
        statements += [f"{CreateIndex(index).compile(dialect=dialect)};" for index in table.indexes]
        names = ", ".join(column.name for column in table.columns)
        for row in rows[table.name]:
            values = ", ".join(
                _literal(column.type, value)
                for column, value in zip(table.columns, row, strict=True)
            )
            statements.append(f"INSERT INTO {table.name} ({names}) VALUES ({values});")
        if table.autoincrement_column is not None:
            column = table.autoincrement_column.name
            statements.append(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "
                f"(SELECT max({column}) FROM {table.name}));"
            )
    return statements


def _literal(column_type: Any, value: Any) -> str:
    """``value`` as SQLite stored it, as a PostgreSQL literal of ``column_type``."""
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if value is None:
        return "NULL"
    if isinstance(column_type, LargeBinary):
        return f"'\\x{bytes(value).hex()}'"
    if isinstance(value, int | float):
        return str(value)
    text = str(value).replace("'", "''")
    if isinstance(column_type, DateTime):
        return f"'{text}+00'"  # stored in UTC; SQLite keeps no zone
    return f"'{text}'"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} RELEASE_SOURCE_DIR RELEASE_COMMIT")
    main(Path(sys.argv[1]), sys.argv[2])
