"""Settings profiles for tests: a user on a "machine" (a folder) with a settings key in the
suite's in-memory keyring."""

from __future__ import annotations

import os
from pathlib import Path

from tws_companion.layout.profile import SettingsProfile
from tws_companion.storage.secret_store import SecretStore

SERVER = "https://tws.example.test"


def profile_of(root: Path, username: str) -> SettingsProfile:
    """``username`` on the machine ``root``, with a fresh 32-byte settings key for SERVER."""
    SecretStore().set_settings_key(SERVER, username, os.urandom(32))
    return SettingsProfile(root, username, server=SERVER)
