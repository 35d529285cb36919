"""User names: one form for the server, the keyring, the preferences and the folders."""

from __future__ import annotations

import pytest

from tws_companion.protocol.usernames import normalize_username
from tws_companion.storage.paths import safe_user_name


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("alice", "alice"),
        ("  Alice\t", "alice"),
        ("ALICE", "alice"),
        ("Stra\u00dfe", "strasse"),  # case folding, not lower(): ß is ss
        ("Jos\u00e9", "jos\u00e9"),
        ("JOSE\u0301", "jos\u00e9"),  # a decomposed accent is the same name
    ],
)
def test_a_name_has_one_form_however_it_is_typed(typed: str, stored: str) -> None:
    assert normalize_username(typed) == stored


def test_the_form_is_stable() -> None:
    for name in ("Alice", "JOSE\u0301", "Stra\u00dfe", " \u01f0 "):
        once = normalize_username(name)
        assert normalize_username(once) == once


@pytest.mark.parametrize("name", ["alice", "Alice", "bob.smith", "u-1_2"])
def test_the_folder_of_an_existing_ascii_name_does_not_move(name: str) -> None:
    # Folders were named from strip + casefold before this module existed.
    assert safe_user_name(name) == name.strip().casefold()


def test_composed_and_decomposed_names_share_a_folder() -> None:
    assert safe_user_name("Jos\u00e9") == safe_user_name("JOSE\u0301")
