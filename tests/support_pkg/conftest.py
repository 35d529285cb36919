"""Fixtures of the support package's tests: the log folder of each test is its own (platformdirs'
user log folder follows ``XDG_STATE_HOME`` on Linux), and Qt runs offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's own ``XDG_STATE_HOME``: traces never reach the user's real log folder."""
    folder = tmp_path / "xdg-state"
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    monkeypatch.delenv("TWS_COMPANION_HOME", raising=False)
    return folder
