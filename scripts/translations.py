"""Keep the translations in step with the code.

    .venv/bin/python scripts/translations.py update   # collect new strings into the .ts
    .venv/bin/python scripts/translations.py build    # compile .ts → .qm (committed)

Translators edit ``resources/translations/tws_companion_<lang>.ts`` (Qt Linguist or any editor);
tests/gui/test_translations.py fails while a string has no translation or a .qm is stale.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "tws_companion" / "gui"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(
        f"pyside6-{name}"
    )
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: install PySide6-Essentials")
    return found


def ts_file(language: str) -> Path:
    return TRANSLATIONS / f"tws_companion_{language}.ts"


def update(ts: Path) -> None:
    """Collect every tr() string of the GUI into ``ts``, dropping strings the code no longer has."""
    # Files are listed one by one: lupdate's directory scan misses .py files in some versions.
    files = sorted(str(path) for path in SOURCES.rglob("*.py"))
    subprocess.run(
        [tool("lupdate"), *files, "-no-obsolete", "-locations", "none", "-ts", str(ts)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip


def build(ts: Path, qm: Path) -> None:
    subprocess.run(
        [tool("lrelease"), "-silent", str(ts), "-qm", str(qm)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["update", "build"])
    args = parser.parse_args()
    for language in LANGUAGES:
        ts = ts_file(language)
        if args.action == "update":
            update(ts)
        else:
            build(ts, ts.with_suffix(".qm"))
        print(f"{args.action}: {ts.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
