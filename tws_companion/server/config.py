"""One object for a server's configuration, and the context built from it.

Everything the server writes holds user data (password hashes, phone numbers, device secrets, the
master key, one-time codes in the outbox), so its data folder and all below it are owner-only
(0700 folders, 0600 files, POSIX). Building the context tightens what an earlier release left
with wider modes, and creates an SQLite database file 0600 before SQLite opens it (its ``-wal``
and ``-shm`` files then get the same mode).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from tws_companion.server.clock import Clock, OffsetFileClock, SystemClock
from tws_companion.server.context import ServerContext
from tws_companion.server.crypto import load_or_create_master_key
from tws_companion.server.db import Database
from tws_companion.server.faults import Faults, with_faults
from tws_companion.server.gateways.config import load_gateway
from tws_companion.server.passwords import HashParameters, Passwords
from tws_companion.sls.policy import Policy
from tws_companion.storage.paths import (
    ensure_private_dir,
    ensure_private_file,
    make_private,
    make_private_tree,
)

#: Carries the configuration to uvicorn's worker processes.
CONFIG_ENV_VAR = "TWS_COMPANION_SERVER_CONFIG"


@dataclass(frozen=True)
class ServerConfig:
    data_dir: Path
    db_url: str | None = None
    gateway: str = "outbox"
    clock_file: Path | None = None
    #: Policy overrides (durations in seconds), e.g. from a scenario's ``[policy]`` table.
    policy: dict[str, Any] = field(default_factory=dict)
    #: Messages lost, refused or late, from a scenario's ``[faults]`` table (server.faults).
    faults: dict[str, Any] = field(default_factory=dict)
    hash_parameters: HashParameters = field(default_factory=HashParameters)
    password_concurrency: int = 0

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'sls.db'}"

    def to_json(self) -> str:
        data = asdict(self)
        data["data_dir"] = str(self.data_dir)
        data["clock_file"] = str(self.clock_file) if self.clock_file else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> ServerConfig:
        data = json.loads(text)
        return cls(
            data_dir=Path(data["data_dir"]),
            db_url=data["db_url"],
            gateway=data["gateway"],
            clock_file=Path(data["clock_file"]) if data["clock_file"] else None,
            policy=data["policy"],
            faults=data.get("faults", {}),
            hash_parameters=HashParameters(**data["hash_parameters"]),
            password_concurrency=data["password_concurrency"],
        )


#: What SQLite keeps beside a database file ``X``: ``X-wal``, ``X-shm``, ``X-journal``.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite ``url``; None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    name = parsed.database or ""
    if name in ("", ":memory:") or name.startswith("file:"):
        return None
    return Path(name)


def make_data_private(config: ServerConfig) -> None:
    """The data folder owner-only (created if missing) with all below it, and an SQLite database
    file (wherever ``--db`` puts it) created 0600, or tightened, before SQLite opens it."""
    ensure_private_dir(config.data_dir)
    make_private_tree(config.data_dir)
    database = sqlite_file(config.database_url)
    if database is not None and database.parent.is_dir():  # else SQLite says what is wrong
        ensure_private_file(database)
        for suffix in SQLITE_SIDE_FILES:
            make_private(database.with_name(database.name + suffix))


def build_context(config: ServerConfig) -> ServerContext:
    make_data_private(config)
    clock: Clock = OffsetFileClock(config.clock_file) if config.clock_file else SystemClock()
    return ServerContext(
        db=Database(config.database_url),
        master_key=load_or_create_master_key(config.data_dir / "master.key"),
        passwords=Passwords(config.hash_parameters, config.password_concurrency),
        gateway=with_faults(
            load_gateway(config.gateway, data_dir=config.data_dir, env=os.environ),
            Faults.from_mapping(config.faults),
        ),
        policy=Policy.from_mapping(config.policy),
        clock=clock,
        data_dir=config.data_dir,
    )
