"""SecretStore: settings keys in a secure keyring, and a refusal of every insecure backend."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked

from tests.support.memory_keyring import MemoryKeyring
from tws_companion.storage.secret_store import NoSecureKeyring, SecretStore, SecretStoreError

SERVER = "https://sls.example.com"
KEY = bytes(range(32))


UseBackend = Callable[[KeyringBackend], None]


@pytest.fixture
def use_backend() -> Iterator[UseBackend]:
    previous = keyring.get_keyring()

    def use(backend: KeyringBackend) -> None:
        keyring.set_keyring(backend)

    yield use
    keyring.set_keyring(previous)


def test_set_get_delete(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.get_settings_key(SERVER, "alice") is None
    store.set_settings_key(SERVER, "alice", KEY)
    assert store.get_settings_key(SERVER, "alice") == KEY
    store.delete_settings_key(SERVER, "alice")
    assert store.get_settings_key(SERVER, "alice") is None
    store.delete_settings_key(SERVER, "alice")  # deleting twice is fine


def test_key_is_filed_per_server_and_user(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_settings_key(SERVER, "alice", KEY)
    store.set_settings_key(SERVER, "bob", b"b" * 32)
    store.set_settings_key("http://127.0.0.1:8765", "alice", b"l" * 32)
    assert store.get_settings_key(SERVER, "alice") == KEY
    assert store.get_settings_key(SERVER, "bob") == b"b" * 32
    assert store.get_settings_key("http://127.0.0.1:8765", "alice") == b"l" * 32
    assert len(memory_keyring.secrets) == 3
    assert {service for service, _ in memory_keyring.secrets} == {"tws-companion"}


def test_server_url_spelling_does_not_matter(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_settings_key("HTTPS://SLS.example.com/", "alice", KEY)
    assert store.get_settings_key(SERVER, "alice") == KEY


def test_key_is_replaced(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_settings_key(SERVER, "alice", b"old" * 11)
    store.set_settings_key(SERVER, "alice", KEY)
    assert store.get_settings_key(SERVER, "alice") == KEY


def test_service_name(memory_keyring: MemoryKeyring) -> None:
    SecretStore("tws-companion-test").set_settings_key(SERVER, "alice", KEY)
    assert SecretStore().get_settings_key(SERVER, "alice") is None
    assert SecretStore("tws-companion-test").get_settings_key(SERVER, "alice") == KEY
    ((service, _),) = memory_keyring.secrets
    assert service == "tws-companion-test"


def test_key_is_not_kept_in_clear_text_form_or_shown(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_settings_key(SERVER, "alice", KEY)
    (value,) = memory_keyring.secrets.values()
    assert base64.urlsafe_b64decode(value) == KEY
    assert "alice" not in repr(store)


def test_unreadable_entry_counts_as_missing(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set_settings_key(SERVER, "alice", KEY)
    (entry,) = memory_keyring.secrets
    memory_keyring.secrets[entry] = "!!! not base64 ###"
    assert store.get_settings_key(SERVER, "alice") is None


@pytest.mark.parametrize("key", [b"", "a string"])
def test_bad_key_is_refused(memory_keyring: MemoryKeyring, key: object) -> None:
    with pytest.raises(ValueError, match="settings key"):
        SecretStore().set_settings_key(SERVER, "alice", key)  # type: ignore[arg-type]


def test_blank_names_are_refused(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(ValueError, match="user name"):
        SecretStore().get_settings_key(SERVER, "")
    with pytest.raises(ValueError, match="service"):
        SecretStore("")


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt.file.PlaintextKeyring (same module path)."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), PlaintextKeyring()],  # type: ignore[no-untyped-call]
    ids=["fail", "null", "keyrings.alt"],
)
def test_insecure_backends_are_refused(use_backend: UseBackend, backend: KeyringBackend) -> None:
    use_backend(backend)
    store = SecretStore()
    with pytest.raises(NoSecureKeyring) as caught:
        store.set_settings_key(SERVER, "alice", KEY)
    message = str(caught.value)
    assert message.startswith("No secure keyring is available: install and unlock a Secret")
    assert "GNOME Keyring" in message
    assert type(backend).__name__ in message
    with pytest.raises(NoSecureKeyring):
        store.get_settings_key(SERVER, "alice")
    with pytest.raises(NoSecureKeyring):
        store.delete_settings_key(SERVER, "alice")
    with pytest.raises(NoSecureKeyring):
        store.check()
    if isinstance(backend, MemoryKeyring):
        assert backend.secrets == {}  # nothing was written to the plaintext keyring


def test_chain_with_a_plaintext_member_is_refused(
    use_backend: UseBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = [MemoryKeyring(), PlaintextKeyring()]
    monkeypatch.setattr(chainer.ChainerBackend, "backends", members)
    use_backend(chainer.ChainerBackend())  # type: ignore[no-untyped-call]
    with pytest.raises(NoSecureKeyring):
        SecretStore().check()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", members[:1])
    store = SecretStore()
    store.set_settings_key(SERVER, "alice", KEY)
    assert store.get_settings_key(SERVER, "alice") == KEY
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    with pytest.raises(NoSecureKeyring):
        store.check()


def test_keyring_failure_is_a_store_error(use_backend: UseBackend) -> None:
    use_backend(LockedKeyring())
    store = SecretStore()
    with pytest.raises(SecretStoreError, match="refused to store"):
        store.set_settings_key(SERVER, "alice", KEY)
    with pytest.raises(SecretStoreError, match="could not read"):
        store.get_settings_key(SERVER, "alice")


def test_user_names_differing_in_case_share_one_key() -> None:
    store = SecretStore()
    store.set_settings_key("https://sls.example", "Alice", b"k" * 32)
    assert store.get_settings_key("https://sls.example", " alice ") == b"k" * 32


def test_a_name_typed_with_composed_or_decomposed_accents_shares_one_key() -> None:
    # "José" from a keyboard that sends é as one character, then as e + combining acute.
    store = SecretStore()
    store.set_settings_key(SERVER, "Jos\u00e9", KEY)
    assert store.get_settings_key(SERVER, "jose\u0301") == KEY


# --- the session of a terminal login --------------------------------------------------------

TOKEN = "tok-5ecret-0f-the-session"
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_session_is_kept_per_server_and_user_until_it_expires(
    memory_keyring: MemoryKeyring,
) -> None:
    store = SecretStore()
    assert store.get_session(SERVER, "alice") is None
    store.set_session(SERVER, "alice", TOKEN, NOON)
    kept = store.get_session("HTTPS://SLS.example.com/", " Alice ", now=NOON - timedelta(hours=1))
    assert kept is not None
    assert (kept.token, kept.expires_at) == (TOKEN, NOON)
    assert store.get_session(SERVER, "alice", now=NOON) is None  # expired
    assert store.get_session(SERVER, "bob", now=NOON - timedelta(hours=1)) is None
    assert store.get_session("https://other.example", "alice", now=NOON - timedelta(1)) is None
    store.set_session(SERVER, "alice", "tok-newer", NOON + timedelta(hours=8))
    newer = store.get_session(SERVER, "alice", now=NOON)
    assert newer is not None
    assert newer.token == "tok-newer"
    store.delete_session(SERVER, "alice")
    assert store.get_session(SERVER, "alice", now=NOON) is None
    store.delete_session(SERVER, "alice")  # deleting twice is fine


def test_a_session_and_the_settings_key_are_separate_entries(
    memory_keyring: MemoryKeyring,
) -> None:
    store = SecretStore()
    store.set_settings_key(SERVER, "alice", KEY)
    store.set_session(SERVER, "alice", TOKEN, NOON)
    assert len(memory_keyring.secrets) == 2
    store.delete_session(SERVER, "alice")
    assert store.get_settings_key(SERVER, "alice") == KEY
    store.set_session(SERVER, "alice", TOKEN, NOON)
    store.delete_settings_key(SERVER, "alice")
    assert store.get_session(SERVER, "alice", now=NOON - timedelta(1)) is not None


def test_the_token_is_never_shown(
    memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = SecretStore()
    store.set_session(SERVER, "alice", TOKEN, NOON)
    kept = store.get_session(SERVER, "alice", now=NOON - timedelta(1))
    assert kept is not None
    assert TOKEN not in repr(kept)
    assert TOKEN not in repr(store)
    (entry,) = memory_keyring.secrets
    memory_keyring.secrets[entry] = memory_keyring.secrets[entry].replace('"expires_at"', '"x"')
    assert store.get_session(SERVER, "alice") is None  # unreadable: as if none were kept
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "[1, 2]",
        '{"token": "", "expires_at": "2026-03-02T12:00:00+00:00"}',
        '{"token": 7, "expires_at": "2026-03-02T12:00:00+00:00"}',
        '{"token": "t", "expires_at": "2026-03-02T12:00:00"}',
        '{"token": "t", "expires_at": "noon"}',
    ],
)
def test_an_unreadable_session_counts_as_none(memory_keyring: MemoryKeyring, value: str) -> None:
    store = SecretStore()
    store.set_session(SERVER, "alice", TOKEN, NOON)
    (entry,) = memory_keyring.secrets
    memory_keyring.secrets[entry] = value
    assert store.get_session(SERVER, "alice", now=NOON - timedelta(days=1)) is None


def test_a_session_needs_a_token_and_an_aware_expiry(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(ValueError, match="session token"):
        SecretStore().set_session(SERVER, "alice", "", NOON)
    with pytest.raises(ValueError, match="timezone-aware"):
        SecretStore().set_session(SERVER, "alice", TOKEN, datetime(2026, 3, 2, 12))
    assert memory_keyring.secrets == {}


def test_sessions_are_refused_by_an_insecure_or_failing_keyring(use_backend: UseBackend) -> None:
    use_backend(PlaintextKeyring())
    with pytest.raises(NoSecureKeyring):
        SecretStore().set_session(SERVER, "alice", TOKEN, NOON)
    use_backend(LockedKeyring())
    with pytest.raises(SecretStoreError, match="refused to store the session"):
        SecretStore().set_session(SERVER, "alice", TOKEN, NOON)
    with pytest.raises(SecretStoreError, match="could not read the session"):
        SecretStore().get_session(SERVER, "alice")
