"""The app's icon in every size and format the packages need, rendered from the one drawing,
``resources/icons/tws-companion.svg``, with Qt's SVG renderer:

- PNGs for the freedesktop hicolor theme (the ``.deb``, the portable bundle);
- ``tws-companion.ico`` for Windows (the executable, the installer, the Start-menu entry);
- ``tws-companion.icns`` for macOS (the ``.app``).

The ``.ico`` and ``.icns`` containers hold PNG images; both are written here, so that no
platform tool (ImageMagick, iconutil) is needed to make them.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "tws-companion.svg"
ICONS = ROOT / "build" / "installers" / "icons"
#: The hicolor theme's sizes (``/usr/share/icons/hicolor/NxN/apps``).
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: ICNS element types holding PNG data, by pixel size (``ic11``..``ic14`` are the @2x ones).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def png_path(size: int, folder: Path = ICONS) -> Path:
    return folder / f"{size}x{size}" / "tws-companion.png"


def render_png(size: int, source: Path = SOURCE) -> bytes:
    """The drawing as a ``size`` x ``size`` PNG with a transparent background."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise ValueError(f"{source}: not an SVG drawing Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"PNG"))
    if not writer.write(image):
        raise OSError(f"Qt could not write a PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows ``.ico`` of PNG images (Windows Vista and later read PNG entries)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        data = images[size]
        side = 0 if size >= 256 else size  # 0 means 256
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset))
        blobs.append(data)
        offset += len(data)
    return header + b"".join(entries) + b"".join(blobs)


def icns(images: dict[int, bytes]) -> bytes:
    """A macOS ``.icns`` of PNG images (macOS 10.7 and later)."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(images[size])) + images[size]
        for kind, size in ICNS_TYPES
        if size in images
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def render_icons(folder: Path = ICONS, source: Path = SOURCE) -> Path:
    """Every PNG of :data:`HICOLOR_SIZES`, the ``.ico`` and the ``.icns`` into ``folder``."""
    sizes = sorted({*HICOLOR_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    images = {size: render_png(size, source) for size in sizes}
    for size in HICOLOR_SIZES:
        path = png_path(size, folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(images[size])
    (folder / "tws-companion.ico").write_bytes(ico({s: images[s] for s in ICO_SIZES}))
    (folder / "tws-companion.icns").write_bytes(icns(images))
    return folder


def install_hicolor(share: Path, name: str) -> None:
    """The icon as ``name`` in the hicolor theme under ``share`` (``share/icons/hicolor``): each
    PNG size and the SVG, rendered first if this build has not rendered them yet."""
    if not png_path(HICOLOR_SIZES[-1]).exists():
        render_icons()
    for size in HICOLOR_SIZES:
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png_path(size, ICONS), target)
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable / f"{name}.svg")


def icon_for_platform(root: Path = ROOT) -> str | None:
    """The icon file PyInstaller gives the executable here (none on Linux: the desktop entry
    names the icon there)."""
    folder = root / "build" / "installers" / "icons"
    if sys.platform == "win32":
        return str(folder / "tws-companion.ico")
    if sys.platform == "darwin":
        return str(folder / "tws-companion.icns")
    return None
