"""The response, then the settings key cached: what the dialog's worker and the terminal call."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import keyring
import pytest
from keyring.errors import KeyringError

from tests.support.memory_keyring import MemoryKeyring
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import ServerTimeout, WrongResponse
from tws_companion.client.login_steps import respond_and_cache_key
from tws_companion.client.models import Session
from tws_companion.protocol import Scope
from tws_companion.storage.secret_store import SecretStore

SERVER = "https://sls.example.com"
RESPONSE = "87654321"
TOKEN = "tok-5c0ffee5c0ffee"
KEY = bytes(range(100, 132))


class FakeApi(ApiClient):
    """Answers ``respond`` and ``settings_key`` from a script and records the calls; it never
    opens a connection."""

    def __init__(self, scope: Scope, *, key: bytes | Exception = KEY) -> None:
        super().__init__(SERVER)
        self.scope = scope
        self.key = key
        self.calls: list[tuple[str, ...]] = []

    def respond(self, login_id: str, response: str) -> Session:
        self.calls.append(("respond", login_id, response))
        if response != RESPONSE:
            raise WrongResponse("wrong_response", 401, "Wrong response.", attempts_left=2)
        expires = datetime.now(UTC) + timedelta(hours=12)
        return Session(token=TOKEN, expires_at=expires, scope=self.scope)

    def settings_key(self, token: str) -> bytes:
        self.calls.append(("settings_key", token))
        if isinstance(self.key, Exception):
            raise self.key
        return self.key


class RefusingKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("refused")


def test_a_full_scope_login_caches_the_settings_key(memory_keyring: MemoryKeyring) -> None:
    api = FakeApi(Scope.FULL)
    responded = respond_and_cache_key(api, SecretStore(), "alice", "L1", RESPONSE)
    assert responded.session.token == TOKEN
    assert responded.key_cached
    assert responded.key_problem is None
    assert api.calls == [("respond", "L1", RESPONSE), ("settings_key", TOKEN)]
    assert SecretStore().get_settings_key(SERVER, "alice") == KEY
    assert TOKEN not in repr(responded)


def test_a_print_card_login_fetches_no_key(memory_keyring: MemoryKeyring) -> None:
    api = FakeApi(Scope.PRINT_ONLINE_CARD)
    responded = respond_and_cache_key(api, SecretStore(), "alice", "L1", RESPONSE)
    assert responded.session.scope is Scope.PRINT_ONLINE_CARD
    assert not responded.key_cached
    assert responded.key_problem is None
    assert [call[0] for call in api.calls] == ["respond"]
    assert memory_keyring.secrets == {}


def test_a_refused_response_raises_and_fetches_no_key(memory_keyring: MemoryKeyring) -> None:
    api = FakeApi(Scope.FULL)
    with pytest.raises(WrongResponse) as refused:
        respond_and_cache_key(api, SecretStore(), "alice", "L1", "11111111")
    assert refused.value.attempts_left == 2
    assert [call[0] for call in api.calls] == ["respond"]
    assert memory_keyring.secrets == {}


def test_a_key_that_cannot_be_fetched_does_not_undo_the_login(
    memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api = FakeApi(Scope.FULL, key=ServerTimeout(SERVER))
    responded = respond_and_cache_key(api, SecretStore(), "alice", "L1", RESPONSE)
    assert responded.session.token == TOKEN
    assert not responded.key_cached
    assert responded.key_problem == str(ServerTimeout(SERVER))
    assert memory_keyring.secrets == {}
    assert TOKEN not in caplog.text
    assert RESPONSE not in caplog.text


def test_a_key_the_keyring_refuses_does_not_undo_the_login(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    previous = keyring.get_keyring()
    refusing = RefusingKeyring()
    keyring.set_keyring(refusing)
    try:
        responded = respond_and_cache_key(
            FakeApi(Scope.FULL), SecretStore(), "alice", "L1", RESPONSE
        )
    finally:
        keyring.set_keyring(previous)
    assert responded.session.token == TOKEN
    assert not responded.key_cached
    assert responded.key_problem == "The keyring refused to store the settings key (KeyringError)."
    assert refusing.secrets == {}
    assert TOKEN not in caplog.text
    assert RESPONSE not in caplog.text
