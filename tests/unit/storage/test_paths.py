"""Where the app keeps its files: the data root, one safe folder per user, private permissions."""

from __future__ import annotations

import os
import re
import stat
import sys
import unicodedata
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import assume, given

from tws_companion.storage.paths import (
    HOME_ENV,
    data_root,
    ensure_private_dir,
    safe_user_name,
    user_dir,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")

ROOT = Path("/data/tws")


# --- data_root ----------------------------------------------------------------------------------


def test_explicit_home_wins_over_the_environment(tmp_path: Path) -> None:
    home = tmp_path / "from-option"
    assert data_root(home, environ={HOME_ENV: str(tmp_path / "from-env")}) == home


def test_environment_variable_replaces_the_platform_folder(tmp_path: Path) -> None:
    assert data_root(environ={HOME_ENV: str(tmp_path / "portable")}) == tmp_path / "portable"


def test_reads_the_real_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "env-home"))
    assert data_root() == tmp_path / "env-home"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG folders are Linux's")
def test_default_is_the_platform_user_data_folder(tmp_path: Path) -> None:
    # The suite's conftest points XDG_DATA_HOME into tmp_path.
    assert data_root(environ={}) == tmp_path / "xdg-data" / "tws-companion"
    assert data_root(environ={HOME_ENV: "  "}) == tmp_path / "xdg-data" / "tws-companion"


def test_relative_and_tilde_paths_become_absolute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/alice")
    assert data_root(Path("~/tws")) == Path("/home/alice/tws")
    relative = data_root(Path("portable"))
    assert relative.is_absolute()
    assert relative == Path.cwd() / "portable"


# --- user names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("alice", "alice"),
        ("Alice", "alice"),
        ("  Bob  ", "bob"),
        ("j.doe-2_x", "j.doe-2_x"),
        ("Straße", "strasse"),
        ("Zoë", "zo%C3%AB"),
        ("张伟", "%E5%BC%A0%E4%BC%9F"),
        ("a b", "a%20b"),
        ("100%", "100%25"),
        ("../../etc/passwd", "%2E.%2F..%2Fetc%2Fpasswd"),
        ("..\\..\\windows", "%2E.%5C..%5Cwindows"),
        ("C:evil", "c%3Aevil"),
        ("a/b", "a%2Fb"),
        (".hidden", "%2Ehidden"),
        ("trailing.", "trailing%2E"),
        ("con", "%63on"),
        ("CON", "%63on"),
        ("lpt1.xml", "%6Cpt1.xml"),
        ("console", "console"),
        ("nul\x00", "nul%00"),
    ],
)
def test_safe_names(name: str, folder: str) -> None:
    assert safe_user_name(name) == folder


@pytest.mark.parametrize("name", ["", "   ", ".", "..", " .. "])
def test_names_that_are_no_name_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not a valid user name"):
        safe_user_name(name)


def test_a_name_too_long_for_a_folder_is_refused() -> None:
    with pytest.raises(ValueError, match="too long"):
        safe_user_name("é" * 50)  # 50 characters, 300 bytes once encoded
    assert safe_user_name("a" * 255) == "a" * 255


def test_composed_and_decomposed_accents_are_one_user() -> None:
    composed = unicodedata.normalize("NFC", "José")
    decomposed = unicodedata.normalize("NFD", "José")
    assert composed != decomposed
    assert safe_user_name(composed) == safe_user_name(decomposed)


def test_user_dir_is_under_users() -> None:
    assert user_dir(ROOT, "Alice") == ROOT / "users" / "alice"


def test_traversal_names_stay_inside_the_users_folder() -> None:
    for name in ["../../etc", "..", "/etc/passwd", "alice/../../bob", "~root", "C:\\Windows"]:
        try:
            folder = user_dir(ROOT, name)
        except ValueError:
            continue
        assert folder.parent == ROOT / "users"
        assert folder.name not in {".", ".."}


@given(st.text(min_size=1, max_size=40))
def test_every_name_gives_one_plain_folder_inside_users(name: str) -> None:
    key = unicodedata.normalize("NFC", name.strip()).casefold()
    assume(len(key.encode("utf-8")) * 3 <= 255)  # longer names are refused as too long
    if key in {"", ".", ".."}:
        with pytest.raises(ValueError, match="not a valid user name"):
            user_dir(ROOT, name)
        return
    folder = user_dir(ROOT, name)
    assert folder.parent == ROOT / "users"
    assert re.fullmatch(r"(?:[a-z0-9._-]|%[0-9A-F]{2})+", folder.name)
    assert not folder.name.startswith(".")
    assert not folder.name.endswith(".")


@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_different_users_never_share_a_folder(first: str, second: str) -> None:
    def key(name: str) -> str:
        return unicodedata.normalize("NFC", name.strip()).casefold()

    try:
        a, b = safe_user_name(first), safe_user_name(second)
    except ValueError:
        return
    assert (a == b) == (key(first) == key(second))


# --- private folders ----------------------------------------------------------------------------


@posix_only
def test_creates_missing_folders_private(tmp_path: Path) -> None:
    target = tmp_path / "root" / "users" / "alice"
    assert ensure_private_dir(target) == target
    for folder in (tmp_path / "root", tmp_path / "root" / "users", target):
        assert folder.is_dir()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@posix_only
def test_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        ensure_private_dir(tmp_path / "open")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "open").stat().st_mode) == 0o700


@posix_only
def test_tightens_an_existing_folder_we_own(tmp_path: Path) -> None:
    folder = tmp_path / "existing"
    folder.mkdir()
    folder.chmod(0o755)
    ensure_private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_existing_private_folder_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "kept"
    ensure_private_dir(folder)
    (folder / "file").write_text("x")
    assert ensure_private_dir(folder) == folder
    assert (folder / "file").read_text() == "x"


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(NotADirectoryError):
        ensure_private_dir(blocker)
    with pytest.raises(NotADirectoryError):
        ensure_private_dir(blocker / "inside")
