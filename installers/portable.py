"""The portable Linux bundle, ``dist/tws-companion-<version>-linux-<machine>.tar.gz``: the
PyInstaller folder with a launcher script, the icons, a desktop entry the user can add to their
menu without root (``install-desktop-entry.sh``), and a README naming what the system must have.

It stands in for an AppImage: appimagetool and its runtime are downloads from outside the package
registries this project builds from, so none is made here. Unpacked anywhere, the folder runs on
a Linux with a glibc at least as new as the one it was built on and the few system libraries
the README lists (the bundle carries Python, Qt and the rest).
"""

from __future__ import annotations

import platform
import shutil
import tarfile
import tempfile
from pathlib import Path

from installers.bundle import APP_NAME, BUILD, BUNDLE_ID, DIST, Bundle, size_line
from installers.debian import FONT_DEPENDS, LINUX, depends, desktop_entry, library_needs
from installers.icons import install_hicolor
from tws_companion import __version__

BUDGET_MB = 100


def portable_name() -> str:
    return f"{APP_NAME}-{__version__}-linux-{platform.machine()}"


def readme(requirements: list[str]) -> str:
    listed = "\n".join(f"  - {entry}" for entry in requirements)
    return f"""TWS Companion {__version__}, portable Linux bundle

Run it from this folder (it needs no installation and writes nothing here):

  ./tws-companion              the login window (also: ./tws-companion gui)
  ./tws-companion --help       every command: serve, demo, admin, login, settings, ...

Add it to your application menu (in your home folder only; --remove takes it out again):

  ./install-desktop-entry.sh

What the system must have (Debian and Ubuntu package names; the bundle carries the rest):

{listed}

On Debian and Ubuntu the .deb package installs these by itself.
"""


def build_portable(bundle: Bundle, dist: Path = DIST) -> Path:
    needs = library_needs(bundle)
    requirements = [entry for entry in depends(needs) if entry != FONT_DEPENDS]
    requirements.append(f"a font: {FONT_DEPENDS}")
    name = portable_name()
    BUILD.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BUILD, prefix="portable-") as staging:
        top = Path(staging) / name
        shutil.copytree(bundle.folder, top / "bundle", symlinks=True)
        launcher = top / APP_NAME
        shutil.copyfile(LINUX / "tws-companion.sh", launcher)
        installer = top / "install-desktop-entry.sh"
        text = (LINUX / "install-desktop-entry.sh").read_text(encoding="utf-8")
        installer.write_text(text.replace("@ID@", BUNDLE_ID), encoding="utf-8")
        for script in (launcher, installer):
            script.chmod(0o755)
        share = top / "share"
        install_hicolor(share, BUNDLE_ID)
        applications = share / "applications"
        applications.mkdir(parents=True)
        (applications / f"{BUNDLE_ID}.desktop.in").write_text(
            desktop_entry("@EXEC@"), encoding="utf-8"
        )
        (top / "README.txt").write_text(readme(requirements), encoding="utf-8")
        target = dist / f"{name}.tar.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(target, "w:gz", compresslevel=6) as archive:
            archive.add(top, arcname=name)
    print(size_line(target.stat().st_size, BUDGET_MB, f"portable {target}"))
    return target
