"""Suite-wide fixtures: no test ever touches the real keyring or the user's data folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QSettings

from tests.support.memory_keyring import MemoryKeyring
from tws_companion.gui.worker import Worker


@pytest.fixture(autouse=True)
def memory_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Every test runs with an empty in-memory keyring and its own data folders."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    # Qt reads XDG_CONFIG_HOME once per process: point QSettings at this test's folder too.
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "xdg-config")
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    # The login traces and the app's log go to the log folder (platformdirs' state folder).
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.delenv("TWS_COMPANION_MASTER_KEY", raising=False)
    previous: KeyringBackend = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def worker() -> Iterator[Worker]:
    """The GUI's one worker thread, shut down after the test."""
    worker = Worker()
    yield worker
    worker.shutdown()
