"""One version number: ``tws_companion.__version__``, which the package metadata, ``--version`` and
the changelog agree with."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.version import Version

from tws_companion import __version__
from tws_companion.cli import main

ROOT = Path(__file__).resolve().parents[2]
#: A released section of CHANGELOG.md: ``## [1.2.3] - 2026-12-01``.
RELEASED = re.compile(r"^## \[(?P<version>[^\]]+)\] - (?P<date>\d{4}-\d{2}-\d{2})$")


def test_pyproject_reads_the_version_from_the_package() -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        pyproject = tomllib.load(file)
    assert "version" not in pyproject["project"], "written once: in tws_companion/__init__.py"
    assert "version" in pyproject["project"]["dynamic"]
    dynamic = pyproject["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "tws_companion.__version__"}


def test_the_installed_metadata_has_the_packages_version() -> None:
    # What pip, importlib.metadata and a PyInstaller bundle's copy of the metadata say.
    assert metadata.version("tws-companion") == __version__


def test_the_version_is_a_release_version() -> None:
    assert str(Version(__version__)) == __version__


def test_version_option_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"tws-companion {__version__}\n"


def test_the_changelog_has_no_release_newer_than_the_version() -> None:
    lines = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
    headings = [line for line in lines if line.startswith("## ")]
    assert headings, "CHANGELOG.md has sections"
    for heading in headings:
        assert heading == "## [Unreleased]" or RELEASED.match(heading), heading
    released = [Version(m["version"]) for h in headings if (m := RELEASED.match(h))]
    assert released == sorted(released, reverse=True), "newest first"
    if released:
        assert released[0] <= Version(__version__), "a release sets __version__ first"
