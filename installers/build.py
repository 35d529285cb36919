"""Build the installers: ``python -m installers.build [WHAT ...]``.

WHAT is one or more of:

- ``icons``: the icon in every size and format (``build/installers/icons``);
- ``bundle``: icons, then the PyInstaller one-folder bundle (``dist/tws-companion``), and its size
  against the budget;
- ``deb``: the Debian package from the bundle (``dist/tws-companion_<version>_<arch>.deb``);
- ``portable``: the self-contained ``.tar.gz`` from the bundle, for any Linux with glibc;
- ``linux``: ``bundle``, ``deb`` and ``portable`` (what ``./dev package`` runs).

``deb`` and ``portable`` use the bundle already in ``dist/`` when there is one (``--rebuild`` makes
it again). Windows and macOS are built by ``.github/workflows/installers.yml``: ``bundle`` there,
then NSIS (``installers/windows/tws-companion.nsi``) or ``installers/macos/make-dmg.sh``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from installers.bundle import DIST, SIZE_BUDGET_MB, Bundle, build_bundle, size_line
from installers.icons import render_icons

STEPS = ("icons", "bundle", "deb", "portable", "linux")


def _bundle(rebuild: bool) -> Bundle:
    bundle = Bundle(DIST / "tws-companion")
    if rebuild or not bundle.executable.exists():
        render_icons()
        bundle = build_bundle()
    print(size_line(bundle.size_bytes(), SIZE_BUDGET_MB, f"bundle {bundle.folder}"))
    return bundle


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installers.build", description=__doc__)
    parser.add_argument("what", nargs="+", choices=STEPS)
    parser.add_argument("--rebuild", action="store_true", help="build the bundle again")
    args = parser.parse_args(argv)
    steps = set(args.what)
    if "linux" in steps:
        steps |= {"bundle", "deb", "portable"}
    if "icons" in steps:
        print(f"icons in {render_icons()}")
    bundle = _bundle(args.rebuild or "bundle" in steps) if steps - {"icons"} else None
    if bundle is None:
        return 0
    over = bundle.size_bytes() > SIZE_BUDGET_MB * 10**6
    if over:
        for size, name in bundle.largest_files():
            print(f"  {size / 10**6:8.1f} MB  {name}", file=sys.stderr)
    if "deb" in steps:
        from installers.debian import build_deb

        build_deb(bundle)
    if "portable" in steps:
        from installers.portable import build_portable

        build_portable(bundle)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
