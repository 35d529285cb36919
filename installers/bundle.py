"""The PyInstaller one-folder bundle: its names, what it leaves out, how it is built and how big it
may be.

The spec (``installers/tws-companion.spec``) reads the names and exclusions from here; the build
(``python -m installers.build bundle``) runs PyInstaller on it and prints the bundle's size
against :data:`SIZE_BUDGET_MB`, which ``tests/packaging`` keeps.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from installers.processes import run
from tws_companion import __version__

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installers" / "tws-companion.spec"
#: Where every build product goes (``build/`` is ignored by git).
BUILD = ROOT / "build" / "installers"
DIST = ROOT / "dist"

#: The executable and the bundle's folder.
APP_NAME = "tws-companion"
#: The name a person reads: the macOS app, the Start-menu entry, the desktop entry.
DISPLAY_NAME = "TWS Companion"
#: Reverse-DNS identifier: the macOS bundle identifier and the AppStream component id.
BUNDLE_ID = "io.github.twscompanion.TWSCompanion"

#: The bundle on Linux x86-64 (Qt's libraries are most of it) may not grow past this. A bigger
#: bundle is a Qt module or a package pulled in by mistake: look at ``largest_files``.
SIZE_BUDGET_MB = 200

#: Python modules the app never imports: PySide6's other Qt modules, test tools, the PostgreSQL
#: driver (a team server installs the package with ``pip install 'tws-companion[postgres]'``).
EXCLUDED_MODULES = [
    "tkinter",
    "_tkinter",
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtSvg",
    "PySide6.QtSvgWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtDBus",
    "PySide6.QtConcurrent",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.Qt3DCore",
    "PySide6.QtMultimedia",
    "psycopg",
    "psycopg_binary",
    "psycopg2",
    "pytest",
    "_pytest",
    "hypothesis",
    "schemathesis",
    "mypy",
    "IPython",
]

#: Qt's libraries and plugins (paths inside the bundle) that the four Qt modules the app uses
#: (QtCore, QtGui, QtWidgets, QtPrintSupport) do not need: QML and Quick (pulled in by the virtual
#: keyboard plugin), the PDF and SVG image formats (and a Wayland decoration drawn with SVG),
#: printers (the app prints to PDF only), GTK's theme, embedded-device platforms, and Qt's
#: translations but the Chinese ones (the app speaks English and Simplified Chinese).
_EXCLUDED_QT = re.compile(
    r"""
    /lib/libQt6(Qml|Quick|Labs|VirtualKeyboard|Pdf|Svg|Lottie|Designer|Help|Test|Sql|Network
             |EglFS|WaylandCompositor|WaylandEgl|Wl)[^/]*$
    | /plugins/platforms/libq(eglfs|linuxfb|minimalegl|vnc|vkkhrdisplay)\.so$
    | /plugins/(egldeviceintegrations|generic|qmltooling|designer|sqldrivers|tls
               |networkinformation|vectorimageformats|wayland-graphics-integration-server)/
    | /plugins/platforminputcontexts/libqtvirtualkeyboardplugin\.so$
    | /plugins/imageformats/libq(pdf|svg|tiff|webp|tga|wbmp|icns)\.so$
    | /plugins/platformthemes/libqgtk3\.so$
    | /plugins/printsupport/
    | /plugins/iconengines/libqsvgicon\.so$
    | /plugins/wayland-decoration-client/libadwaita\.so$
    | /plugins/wayland-shell-integration/libwl-shell-plugin\.so$
    | /Qt/translations/(?!qt(base)?_zh_CN\.qm$)[^/]+$
    """,
    re.VERBOSE,
)


def excluded_qt_files(bundle_path: str) -> bool:
    """Whether ``bundle_path`` (a destination in the bundle) is a part of Qt the app does not
    use."""
    return _EXCLUDED_QT.search("/" + bundle_path.replace(os.sep, "/")) is not None


@dataclass(frozen=True)
class Bundle:
    """A built one-folder bundle."""

    folder: Path

    @property
    def executable(self) -> Path:
        name = APP_NAME + (".exe" if sys.platform == "win32" else "")
        return self.folder / name

    def files(self) -> list[Path]:
        """Every regular file (PyInstaller links some libraries twice: each counted once)."""
        return [f for f in self.folder.rglob("*") if f.is_file() and not f.is_symlink()]

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.files())

    def largest_files(self, count: int = 10) -> list[tuple[int, str]]:
        files = self.files()
        sized = sorted((f.stat().st_size, str(f.relative_to(self.folder))) for f in files)
        return sized[::-1][:count]


def size_line(size: int, budget_mb: int, what: str) -> str:
    """``what: 97.1 MB (budget 150 MB)``; sizes in MB of 10**6 bytes, as file managers show."""
    verdict = "within" if size <= budget_mb * 10**6 else "OVER"
    return f"{what}: {size / 10**6:.1f} MB ({verdict} the budget of {budget_mb} MB)"


def windows_version_info(path: Path) -> None:
    """The version resource of the Windows executable (Explorer's Properties > Details)."""
    numbers = [int(part) for part in re.findall(r"\d+", __version__)[:3]]
    four = (*numbers, *[0] * (4 - len(numbers)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={four}, prodvers={four}),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', '{DISPLAY_NAME}'),
      StringStruct('FileDescription', '{DISPLAY_NAME}'),
      StringStruct('FileVersion', '{__version__}'),
      StringStruct('InternalName', '{APP_NAME}'),
      StringStruct('OriginalFilename', '{APP_NAME}.exe'),
      StringStruct('ProductName', '{DISPLAY_NAME}'),
      StringStruct('ProductVersion', '{__version__}')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
""",
        encoding="utf-8",
    )


def build_bundle(dist: Path = DIST, work: Path = BUILD / "pyinstaller") -> Bundle:
    """Run PyInstaller on the spec (the icons must be rendered first: ``installers.icons``)."""
    if sys.platform == "win32":
        windows_version_info(BUILD / "version-info.txt")
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        cwd=ROOT,
        quiet=True,
    )
    return Bundle(dist / APP_NAME)


def qt_hook(hook_file: str) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """What PyInstaller's own hook for a Qt module collects (the module is named by the hook's
    file name, ``hook-PySide6.QtGui.py``), less :func:`excluded_qt_files`: dropped before
    PyInstaller collects what they link to (the GTK theme alone would bring GTK and Pango)."""
    from PyInstaller.utils.hooks.qt import (  # type: ignore[import-untyped]
        add_qt6_dependencies,
    )

    hiddenimports, binaries, datas = add_qt6_dependencies(hook_file)

    def kept(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [
            (source, folder)
            for source, folder in entries
            if not excluded_qt_files(f"{folder}/{Path(source).name}")
        ]

    return list(hiddenimports), kept(binaries), kept(datas)
