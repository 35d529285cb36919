"""A keyring backend for child processes in tests: a JSON file the test can read afterwards.

Selected with ``PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring`` and
``TEST_KEYRING_FILE=path``. Test-only: the application itself refuses plaintext keyrings, which is
why this class lives under ``tests/`` and announces itself as a test backend by its module name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def path(self) -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\n{username}"] = password
        self.path.write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError("no such secret")
        self.path.write_text(json.dumps(data), encoding="utf-8")
