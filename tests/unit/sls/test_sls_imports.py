"""``sls`` is plain Python: no GUI, HTTP or web framework, and no other part of the app."""

from __future__ import annotations

import ast
from pathlib import Path

import tws_companion.sls

SLS_DIR = Path(tws_companion.sls.__file__).parent
ALLOWED_OWN = ("tws_companion.protocol", "tws_companion.sls")
FORBIDDEN_TOP = {"PySide6", "PyQt5", "PyQt6", "requests", "fastapi", "starlette", "httpx", "random"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: use absolute imports"
            names.add(node.module or "")
    return names


def test_the_package_has_its_modules() -> None:
    modules = {path.stem for path in SLS_DIR.glob("*.py")}
    assert {"ocra", "code_card", "one_time_codes", "temporary", "lockout", "ip_rules"} <= modules
    assert {"sharing", "policy", "devices"} <= modules


def test_sls_imports_only_what_it_may() -> None:
    for path in sorted(SLS_DIR.glob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN_TOP, f"{path.name} imports {name}"
            if top == "tws_companion":
                assert name.startswith(ALLOWED_OWN), f"{path.name} imports {name}"
