"""The import rules of DESIGN.md section 2, for every layer, checked by import-linter.

The contracts live in ``.importlinter`` at the top of the repository; ``lint-imports`` follows
indirect imports too, so a layer cannot reach a forbidden package through another module.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import tws_companion

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = REPO / ".importlinter"
PACKAGE_DIR = Path(tws_companion.__file__).parent
#: Top-level modules that may join the layers (``cli.py`` starts both a server and the GUI).
ENTRY_POINTS = {"tws_companion.cli", "tws_companion.settings_command", "tws_companion.__main__"}
#: ``lint-imports`` itself, run by this interpreter (the script's path differs per platform).
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint_imports(config: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter of this interpreter on ``config``, writing no cache into the tree."""
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def contract_sources(config: Path) -> set[str]:
    parser = configparser.ConfigParser()
    parser.read(config, encoding="utf-8")
    return {
        module
        for section in parser.sections()
        if section.startswith("importlinter:contract:")
        for module in parser[section].get("source_modules", "").split()
    }


def test_every_layer_keeps_its_import_rules() -> None:
    result = lint_imports(CONTRACTS)
    assert result.returncode == 0, f"broken import rules:\n{result.stdout}\n{result.stderr}"
    assert "0 broken" in result.stdout


def test_every_part_of_the_package_is_bound_by_a_contract() -> None:
    parts = {f"tws_companion.{path.name}" for path in PACKAGE_DIR.iterdir() if path.is_dir()}
    parts |= {f"tws_companion.{path.stem}" for path in PACKAGE_DIR.glob("*.py")}
    parts -= {"tws_companion.__pycache__", "tws_companion.__init__"}
    unbound = parts - contract_sources(CONTRACTS) - ENTRY_POINTS
    assert not unbound, f"add the import rules of {sorted(unbound)} to .importlinter"


def test_a_broken_rule_is_reported_with_the_import_that_breaks_it(tmp_path: Path) -> None:
    # The gui imports the client (as it must); a contract forbidding it has to fail, naming it.
    config = tmp_path / "contracts.ini"
    config.write_text(
        "[importlinter]\n"
        "root_package = tws_companion\n"
        "[importlinter:contract:gui-without-client]\n"
        "name = gui without client\n"
        "type = forbidden\n"
        "source_modules =\n    tws_companion.gui\n"
        "forbidden_modules =\n    tws_companion.client\n",
        encoding="utf-8",
    )
    result = lint_imports(config)
    assert result.returncode != 0
    assert "gui without client BROKEN" in result.stdout
    assert "tws_companion.gui." in result.stdout
    assert "-> tws_companion.client" in result.stdout
