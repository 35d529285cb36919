"""``tws-companion demo``: one command, the embedded server with the demo users and the GUI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.demo import dsc_plus_response
from tests.support.process_server import first_line
from tws_companion.client.api import ApiClient
from tws_companion.protocol import Platform, Scope

pytestmark = pytest.mark.e2e


def test_demo_serves_the_demo_users_to_its_own_login_window(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    demo = subprocess.Popen(
        [sys.executable, "-m", "tws_companion", "demo", "--data-dir", str(tmp_path / "demo")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = first_line(demo, 60)
        assert line.startswith("demo server listening on http://127.0.0.1:"), line
        url = line.split()[4]
        with ApiClient(url) as api:
            start = api.start_login("demo", "demo-pass-1", Platform.TWS)
            step = api.select_device(start.login_id, "demo-dscplus")
            assert step.challenge.code is not None
            session = api.respond(start.login_id, dsc_plus_response(step.challenge.code))
            assert session.scope is Scope.FULL
        assert demo.poll() is None  # the GUI is still up
    finally:
        demo.terminate()
        demo.communicate(timeout=30)


def test_demo_without_a_display_says_how_to_run_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "tws_companion", "demo", "--data-dir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "xvfb-run" in result.stderr
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr
