"""pyproject.toml as packaging tools read it: the license is declared the current way (PEP 639),
an SPDX expression that setuptools reads, from the version the build asks for, without the
deprecation warning that ``pip install -e .`` printed for the old ``{text = ...}`` table."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from packaging.licenses import canonicalize_license_expression
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
#: The first setuptools that reads ``project.license`` as an SPDX expression.
SETUPTOOLS_WITH_PEP_639 = "77.0.0"


def pyproject() -> dict[str, Any]:
    with PYPROJECT.open("rb") as file:
        return tomllib.load(file)


def test_the_license_is_an_spdx_expression() -> None:
    project = pyproject()["project"]
    license_ = project["license"]
    assert isinstance(license_, str), "a table ({text = ...}) is deprecated: an SPDX expression"
    assert canonicalize_license_expression(license_) == license_
    # PEP 639: the expression replaces the license classifiers.
    assert not [c for c in project.get("classifiers", []) if c.startswith("License ::")]


def test_the_build_asks_for_a_setuptools_that_reads_the_expression() -> None:
    requires = [Requirement(line) for line in pyproject()["build-system"]["requires"]]
    setuptools = next(r for r in requires if r.name == "setuptools")
    older = f"{int(SETUPTOOLS_WITH_PEP_639.split('.')[0]) - 1}.99"
    assert not setuptools.specifier.contains(older)
    assert setuptools.specifier.contains(SETUPTOOLS_WITH_PEP_639)
