"""The environment a login ran in, or a bundle was made in: app version, Python, operating
system, locale and language, and, in the GUI, the Qt version and the screens.

No Qt here: the GUI hands in what only it knows as a :class:`DisplayInfo` (see
``tws_companion/gui/report_dialog.py``, ``display_info()``). Nothing that names the machine or the
user (host name, user name, home folder) is collected.
"""

from __future__ import annotations

import locale
import os
import platform
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from tws_companion import __version__
from tws_companion.support.json_fields import (
    TraceFormatError,
    as_object,
    opt_str,
    req_bool,
    req_float,
    req_int,
    req_str,
)

__all__ = ["DisplayInfo", "Environment", "Screen", "collect_environment"]


@dataclass(frozen=True, slots=True)
class Screen:
    """One screen: its geometry in device-independent pixels and its scale."""

    x: int
    y: int
    width: int
    height: int
    device_pixel_ratio: float
    primary: bool

    @classmethod
    def from_dict(cls, value: object, where: str) -> Screen:
        data = as_object(value, where)
        return cls(
            x=req_int(data, "x", where),
            y=req_int(data, "y", where),
            width=req_int(data, "width", where),
            height=req_int(data, "height", where),
            device_pixel_ratio=req_float(data, "device_pixel_ratio", where),
            primary=req_bool(data, "primary", where),
        )

    def describe(self) -> str:
        primary = ", primary" if self.primary else ""
        return (
            f"{self.width}x{self.height} at ({self.x}, {self.y}), "
            f"scale {self.device_pixel_ratio:g}{primary}"
        )


@dataclass(frozen=True, slots=True)
class DisplayInfo:
    """What the GUI knows: the Qt version, its platform plugin, the screens, the language shown."""

    qt_version: str
    qt_platform: str
    screens: tuple[Screen, ...]
    language: str


@dataclass(frozen=True, slots=True)
class Environment:
    app_version: str
    python: str
    os: str
    os_release: str
    os_version: str
    machine: str
    #: The process's locale (``LC_ALL``/``LC_MESSAGES``/``LANG`` or the C library's), e.g.
    #: ``zh_CN.UTF-8``.
    locale: str
    #: The language the app shows (the GUI's; in a terminal the locale's language).
    language: str
    qt_version: str | None = None
    qt_platform: str | None = None
    screens: tuple[Screen, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Every field by its name, the screens as a list of objects (JSON's shapes)."""
        data = asdict(self)
        data["screens"] = list(data["screens"])
        return data

    @classmethod
    def from_dict(cls, value: object, where: str = "environment") -> Environment:
        data = as_object(value, where)
        screens = data.get("screens", [])
        if not isinstance(screens, list):
            raise TraceFormatError(f"{where}.screens is not a list")
        return cls(
            app_version=req_str(data, "app_version", where),
            python=req_str(data, "python", where),
            os=req_str(data, "os", where),
            os_release=req_str(data, "os_release", where),
            os_version=req_str(data, "os_version", where),
            machine=req_str(data, "machine", where),
            locale=req_str(data, "locale", where),
            language=req_str(data, "language", where),
            qt_version=opt_str(data, "qt_version", where),
            qt_platform=opt_str(data, "qt_platform", where),
            screens=tuple(
                Screen.from_dict(item, f"{where}.screens[{index}]")
                for index, item in enumerate(screens)
            ),
        )

    def lines(self) -> list[str]:
        """The environment as ``name: value`` lines, for people."""
        lines = [
            f"TWS Companion: {self.app_version}",
            f"Python: {self.python}",
            f"Operating system: {self.os} {self.os_release} ({self.os_version})",
            f"Machine: {self.machine}",
            f"Locale: {self.locale}",
            f"Language: {self.language}",
        ]
        if self.qt_version is not None:
            lines.append(f"Qt: {self.qt_version} ({self.qt_platform or 'unknown platform'})")
            lines.append(f"Screens: {len(self.screens)}")
            lines.extend(
                f"  {number}. {screen.describe()}"
                for number, screen in enumerate(self.screens, start=1)
            )
        else:
            lines.append("Qt: not loaded (no GUI)")
        return lines


def _process_locale(environ: Mapping[str, str]) -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            return value
    language, encoding = locale.getlocale()
    if language is None:
        return "C"
    return f"{language}.{encoding}" if encoding else language


def collect_environment(
    display: DisplayInfo | None = None, *, environ: Mapping[str, str] | None = None
) -> Environment:
    """This process's environment; ``display`` adds what the GUI knows."""
    env = os.environ if environ is None else environ
    process_locale = _process_locale(env)
    uname = platform.uname()
    return Environment(
        app_version=__version__,
        python=f"{platform.python_implementation()} {platform.python_version()}",
        os=uname.system,
        os_release=uname.release,
        os_version=uname.version,
        machine=uname.machine,
        locale=process_locale,
        language=display.language if display else process_locale.split(".", 1)[0],
        qt_version=display.qt_version if display else None,
        qt_platform=display.qt_platform if display else None,
        screens=display.screens if display else (),
    )
