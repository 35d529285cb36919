"""The settings key in a real Secret Service (GNOME Keyring on a private D-Bus session).

What the app stores in one process, a later process reads back; the keyring's file on disk does not
hold the key in plain. ./dev test installs gnome-keyring; elsewhere the test says why it skipped.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

KEY = bytes(range(32))
SERVER = "https://sls.example.com"

SESSION = """
set -e
echo -n "test-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$PYTHON" -c "$STORE"
"$PYTHON" -c "$LOAD"
"""

STORE = f"""
import keyring
from tws_companion.storage.secret_store import SecretStore
assert type(keyring.get_keyring()).__module__ == "keyring.backends.SecretService"
SecretStore().set_settings_key({SERVER!r}, "demo", {KEY!r})
"""

LOAD = f"""
from tws_companion.storage.secret_store import SecretStore
assert SecretStore().get_settings_key({SERVER!r}, "Demo") == {KEY!r}
print("read back")
"""


def test_the_settings_key_survives_in_the_secret_service(tmp_path: Path) -> None:
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        pytest.skip("needs dbus-run-session and gnome-keyring (./dev test installs them)")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "PYTHON": sys.executable,
        "STORE": STORE,
        "LOAD": LOAD,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", SESSION],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "read back" in result.stdout
    stored = b"".join(path.read_bytes() for path in home.rglob("*.keyring"))
    assert stored, "the keyring wrote no file"
    assert KEY not in stored
    assert base64.urlsafe_b64encode(KEY).rstrip(b"=") not in stored
