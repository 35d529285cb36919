"""Where the desktop app keeps its files: the data root and one private folder per user.

The root is, in order: an explicit ``--home``, else ``$TWS_COMPANION_HOME``, else the platform's
user data folder (``~/.local/share/tws-companion`` on Linux). Each user has
``<root>/users/<safe name>/``, where the safe name is the case-folded user name made safe for
every file system (see :func:`safe_user_name`). Folders are created with mode 0700 and user files
are written with mode 0600 (POSIX; Windows keeps the user profile's own access rules).
"""

from __future__ import annotations

import os
import stat
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from platformdirs import user_data_path

__all__ = [
    "APP_NAME",
    "DIR_MODE",
    "FILE_MODE",
    "HOME_ENV",
    "data_root",
    "ensure_private_dir",
    "safe_user_name",
    "user_dir",
]

HOME_ENV: Final = "TWS_COMPANION_HOME"
APP_NAME: Final = "tws-companion"

#: Permission bits of the app's folders and of the user's data files (POSIX).
DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600

_SAFE_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")
# Names Windows reserves whatever the extension ("con", "con.txt", "lpt1.xml").
_WINDOWS_RESERVED: Final = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{digit}" for digit in "123456789"}
    | {f"lpt{digit}" for digit in "123456789"}
)
#: Longest folder name most file systems accept (bytes; the safe name is ASCII).
_MAX_NAME: Final = 255


def data_root(home: Path | None = None, *, environ: Mapping[str, str] | None = None) -> Path:
    """The folder everything of the desktop app lives under (not created here).

    ``home`` (the ``--home`` option) wins; then ``$TWS_COMPANION_HOME`` when set and not empty
    (``environ`` defaults to ``os.environ``); then platformdirs' user data folder. A relative
    path is made absolute against the current folder, so a later ``chdir`` changes nothing.
    """
    env = os.environ if environ is None else environ
    if home is not None:
        chosen = Path(home)
    elif env.get(HOME_ENV, "").strip():
        chosen = Path(env[HOME_ENV].strip())
    else:
        chosen = user_data_path(APP_NAME, appauthor=False)
    return Path(os.path.abspath(chosen.expanduser()))


def _encode(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def safe_user_name(username: str) -> str:
    """``username`` as a folder name that is the same on every file system and never escapes.

    The name is stripped, NFC-normalized and case-folded (``Alice`` and ``alice`` are one user,
    as on the server). Every character outside ``[a-z0-9._-]`` is percent-encoded as UTF-8
    (``%`` itself included, so two names never share a folder), as are a leading or trailing
    ``.`` (hidden folders; Windows drops trailing dots) and the first letter of a name Windows
    reserves (``con``, ``lpt1.x``...). An empty name, ``.`` and ``..`` raise :class:`ValueError`.
    """
    name = unicodedata.normalize("NFC", username.strip()).casefold()
    if name in {"", ".", ".."}:
        raise ValueError(f"{username!r} is not a valid user name")
    chars = [char if char in _SAFE_CHARS else _encode(char) for char in name]
    if name[0] == ".":
        chars[0] = _encode(".")
    if name[-1] == ".":
        chars[-1] = _encode(".")
    if name.split(".", 1)[0] in _WINDOWS_RESERVED:
        chars[0] = _encode(name[0])
    safe = "".join(chars)
    if len(safe) > _MAX_NAME:
        raise ValueError("the user name is too long to name a folder")
    return safe


def user_dir(root: Path, username: str) -> Path:
    """``<root>/users/<safe name>``: the folder of one user's files (not created here)."""
    return Path(root) / "users" / safe_user_name(username)


def _owned_by_us(info: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is not None and info.st_uid == getuid()


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) with mode 0700; return it.

    An existing folder owned by this user loses any group and other permission bits; a folder
    owned by someone else is left as it is. A file in the way raises :class:`FileExistsError`
    (or :class:`NotADirectoryError`). On Windows the modes are not applied.
    """
    path = Path(path)
    missing: list[Path] = []
    current = path
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another process made it meanwhile: tightened below if it is ours
        if sys.platform != "win32":
            os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    info = path.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(f"{path} exists and is not a folder")
    mode = stat.S_IMODE(info.st_mode)
    if sys.platform != "win32" and mode & 0o077 and _owned_by_us(info):
        os.chmod(path, mode & ~0o077)
    return path
