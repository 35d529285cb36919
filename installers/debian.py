"""The Debian package (``dist/tws-companion_<version>_<arch>.deb``), made from the one-folder
bundle with ``dpkg-deb``:

- the bundle in ``/opt/tws-companion``, and ``/usr/bin/tws-companion`` pointing at it;
- a desktop entry, the icon in the hicolor theme's sizes and as SVG, and AppStream metainfo with
  screenshots (``installers/linux``);
- ``Depends`` on the packages of the shared libraries the bundle needs and does not carry (found
  with ``ldd`` and ``dpkg-query -S`` on this machine, so the build runs on the Debian release the
  package is for), fonts, and ``libc6`` at least as new as the newest symbol version used.
"""

from __future__ import annotations

import functools
import gzip
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from installers.bundle import APP_NAME, BUILD, BUNDLE_ID, DIST, ROOT, Bundle, size_line
from installers.icons import install_hicolor
from installers.processes import architecture, run
from tws_companion import __version__

LINUX = ROOT / "installers" / "linux"
#: Where the package puts the bundle.
PREFIX = Path("/opt") / APP_NAME
#: The project's home; the AppStream screenshots are the repository's docs/screenshots.
HOMEPAGE = "https://github.com/twscompanion/tws-companion"
SCREENSHOTS_URL = (
    "https://raw.githubusercontent.com/twscompanion/tws-companion/main/docs/screenshots/en"
)
#: docs/screenshots/en/<name>.png shown by software centres, the first one the default.
SCREENSHOTS = (
    ("01-credentials", "The Secure Login System: user name and password"),
    ("03-select-device", "Choosing one of several second-factor devices"),
    ("30-workstation-mosaic", "The workstation after the login"),
    ("37-recovery-list", "Layout settings recovered from a backup, with a preview"),
)
MAINTAINER = "TWS Companion developers <packages@twscompanion.invalid>"
#: Not shared libraries, so no ``ldd`` finds them: Qt draws no text without a font, and Chinese
#: needs one with its characters.
FONT_DEPENDS = "fonts-dejavu-core | fonts-liberation2 | fonts-noto-core"
RECOMMENDS = ("fonts-wqy-microhei | fonts-noto-cjk", "gnome-keyring | kwalletmanager")
#: The demo's voice calls (``espeak-ng``, ``sox``) are a development gateway's: suggested only.
SUGGESTS = ("espeak-ng", "sox")
BUDGET_MB = 85
_GLIBC = re.compile(rb"GLIBC_2\.(\d+)")
_ELF = b"\x7fELF"


@dataclass(frozen=True)
class LibraryNeeds:
    """What the bundle's programs and libraries load from outside the bundle."""

    #: Debian packages holding those libraries.
    packages: frozenset[str]
    #: Libraries no file on this machine provides (``ldd``'s "not found").
    missing: frozenset[str]
    #: The newest ``GLIBC_2.N`` symbol version any of them uses (N).
    glibc_minor: int


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == _ELF:
                    found.append(path)
    return found


@functools.cache
def library_needs(bundle: Bundle) -> LibraryNeeds:
    """Every shared library the bundle's ELF files load from outside the bundle, by package."""
    internal = bundle.folder / "_internal"
    qt_lib = internal / "PySide6" / "Qt" / "lib"
    env = {**os.environ, "LD_LIBRARY_PATH": f"{internal}:{qt_lib}"}
    outside: set[str] = set()
    missing: set[str] = set()
    glibc = 0
    for path in elf_files(bundle.folder):
        glibc = max([glibc, *(int(m) for m in _GLIBC.findall(path.read_bytes()))])
        result = run(["ldd", path], env=env, check=False, errors=False)
        for line in result.stdout.splitlines():
            name, _, where = line.strip().partition(" => ")
            if where.startswith("not found"):
                missing.add(name)
            elif where.startswith("/"):
                target = where.split(" (", 1)[0]
                if not Path(target).resolve().is_relative_to(bundle.folder.resolve()):
                    outside.add(target)
    return LibraryNeeds(frozenset(owning_packages(outside)), frozenset(missing), glibc)


def _usrmerge_variants(path: str) -> list[str]:
    """``/lib/x`` and ``/usr/lib/x`` are one file on a merged-/usr system; dpkg knows one."""
    resolved = str(Path(path).resolve())
    variants = [path, resolved]
    for candidate in (path, resolved):
        if candidate.startswith("/usr/"):
            variants.append(candidate[4:])
        else:
            variants.append("/usr" + candidate)
    return list(dict.fromkeys(variants))


def owning_packages(paths: set[str]) -> set[str]:
    """The Debian packages (without architecture) that hold ``paths``; every path must have one."""
    queries = sorted({v for path in paths for v in _usrmerge_variants(path)})
    if not queries:
        return set()
    # A variant that dpkg does not know is no error: another variant of the path is.
    result = run(["dpkg-query", "-S", *queries], check=False, errors=False)
    owners: dict[str, str] = {}
    for line in result.stdout.splitlines():
        packages, _, file = line.partition(": ")
        if "diversion" in packages:
            continue
        owners[file.strip()] = packages.split(",")[0].split(":")[0].strip()
    found: set[str] = set()
    for path in paths:
        owner = next((owners[v] for v in _usrmerge_variants(path) if v in owners), None)
        if owner is None:
            raise RuntimeError(f"no Debian package holds {path}, which the bundle loads")
        found.add(owner)
    return found


def depends(needs: LibraryNeeds) -> list[str]:
    """The ``Depends`` field's entries: libc6 with its version, the other packages, fonts."""
    others = sorted(needs.packages - {"libc6"})
    return [f"libc6 (>= 2.{needs.glibc_minor})", *others, FONT_DEPENDS]


def control(size_kib: int, depends_on: list[str], architecture: str) -> str:
    return "\n".join(
        [
            f"Package: {APP_NAME}",
            f"Version: {__version__}",
            f"Architecture: {architecture}",
            f"Maintainer: {MAINTAINER}",
            f"Installed-Size: {size_kib}",
            f"Depends: {', '.join(depends_on)}",
            f"Recommends: {', '.join(RECOMMENDS)}",
            f"Suggests: {', '.join(SUGGESTS)}",
            "Section: misc",
            "Priority: optional",
            f"Homepage: {HOMEPAGE}",
            "Description: Secure login and layout settings for a trading workstation",
            " TWS Companion logs a trader in through the Secure Login System with a second",
            " factor (Digital Security Card+, IB Key, Security Code Card, SMS or voice code),",
            " then opens a workstation whose layout settings can be saved encrypted, moved to",
            " another computer, recovered from backups and kept on the server.",
            " .",
            " The same program runs the Secure Login System server (tws-companion serve).",
            "",
        ]
    )


def desktop_entry(executable: str, icon: str = BUNDLE_ID) -> str:
    text = (LINUX / "tws-companion.desktop.in").read_text(encoding="utf-8")
    return text.replace("@EXEC@", executable).replace("@ICON@", icon)


def metainfo(license_expression: str, date: datetime) -> str:
    shots = []
    for index, (name, caption) in enumerate(SCREENSHOTS):
        kind = ' type="default"' if index == 0 else ""
        shots.append(
            f"    <screenshot{kind}>\n"
            f"      <caption>{caption}</caption>\n"
            f"      <image>{SCREENSHOTS_URL}/{name}.png</image>\n"
            "    </screenshot>"
        )
    replacements = {
        "@ID@": BUNDLE_ID,
        "@LICENSE@": license_expression,
        "@DEVELOPER_ID@": HOMEPAGE.removeprefix("https://").replace("/", "."),
        "@HOMEPAGE@": HOMEPAGE,
        "@SCREENSHOTS@": "\n".join(shots),
        "@VERSION@": __version__,
        "@DATE@": date.strftime("%Y-%m-%d"),
    }
    text = (LINUX / "metainfo.xml.in").read_text(encoding="utf-8")
    for key, value in replacements.items():
        text = text.replace(key, value)
    return text


def project_license() -> str:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["license"])


def _changelog(date: datetime) -> bytes:
    text = (
        f"{APP_NAME} ({__version__}) unstable; urgency=medium\n\n"
        "  * Release built from the project's CHANGELOG.md (/usr/share/doc/tws-companion).\n\n"
        f" -- {MAINTAINER}  {format_datetime(date)}\n"
    )
    return gzip.compress(text.encode(), mtime=0)


def stage(bundle: Bundle, root: Path, needs: LibraryNeeds, date: datetime) -> None:
    """The package's file tree under ``root`` (``DEBIAN/`` included)."""
    opt = root / PREFIX.relative_to("/")
    shutil.copytree(bundle.folder, opt, symlinks=True)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / APP_NAME).symlink_to(PREFIX / APP_NAME)
    share = root / "usr" / "share"
    applications = share / "applications"
    applications.mkdir(parents=True)
    (applications / f"{BUNDLE_ID}.desktop").write_text(desktop_entry(APP_NAME), encoding="utf-8")
    install_hicolor(share, BUNDLE_ID)
    metainfo_dir = share / "metainfo"
    metainfo_dir.mkdir(parents=True)
    (metainfo_dir / f"{BUNDLE_ID}.metainfo.xml").write_text(
        metainfo(project_license(), date), encoding="utf-8"
    )
    doc = share / "doc" / APP_NAME
    doc.mkdir(parents=True)
    (doc / "changelog.gz").write_bytes(_changelog(date))
    shutil.copyfile(ROOT / "CHANGELOG.md", doc / "CHANGELOG.md")
    (doc / "copyright").write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {APP_NAME}\n\n"
        f"Files: *\nLicense: {project_license()}\n"
        " The bundle in /opt/tws-companion also holds Python, Qt (LGPL-3.0) and PySide6\n"
        " (LGPL-3.0), and the Python packages the program uses, under their own licenses.\n",
        encoding="utf-8",
    )
    debian = root / "DEBIAN"
    debian.mkdir()
    size_kib = sum(f.lstat().st_size for f in root.rglob("*") if not f.is_dir()) // 1024
    (debian / "control").write_text(control(size_kib, depends(needs), architecture()))
    for folder in [root, *root.rglob("*")]:
        if folder.is_dir():
            folder.chmod(0o755)


def deb_path(dist: Path = DIST) -> Path:
    return dist / f"{APP_NAME}_{__version__}_{architecture()}.deb"


def build_deb(bundle: Bundle, dist: Path = DIST) -> Path:
    needs = library_needs(bundle)
    if needs.missing:
        raise RuntimeError(
            "the bundle loads libraries this machine does not have, so their packages cannot be "
            f"named in Depends: {', '.join(sorted(needs.missing))}"
        )
    date = datetime.now(UTC).replace(microsecond=0)
    BUILD.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BUILD, prefix="deb-") as staging:
        root = Path(staging) / "root"
        stage(bundle, root, needs, date)
        target = deb_path(dist)
        target.parent.mkdir(parents=True, exist_ok=True)
        # zstd (dpkg 1.21.18, Debian 12): xz -6 makes it 10% smaller for 8 times the CPU.
        run(
            ["dpkg-deb", "--root-owner-group", "-Zzstd", "-z12", "--build", root, target],
            quiet=True,
        )
    print(size_line(target.stat().st_size, BUDGET_MB, f"deb {target}"))
    return target
