"""Where the desktop app keeps its files: the data root and one private folder per user.

The root is, in order: an explicit ``--home``, else ``$TWS_COMPANION_HOME``, else the platform's
user data folder (``~/.local/share/tws-companion`` on Linux). Each user has
``<root>/users/<safe name>/``, where the safe name is the case-folded user name made safe for
every file system (see :func:`safe_user_name`). Folders are created with mode 0700 and user files
are written with mode 0600 (POSIX; Windows keeps the user profile's own access rules); what an
earlier release left with wider modes is tightened (:func:`ensure_user_dir`,
:func:`make_private_tree`).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from platformdirs import user_data_path

from tws_companion.protocol.usernames import normalize_username

__all__ = [
    "APP_NAME",
    "DIR_MODE",
    "FILE_MODE",
    "HOME_ENV",
    "data_root",
    "ensure_private_dir",
    "ensure_private_file",
    "ensure_user_dir",
    "make_private",
    "make_private_tree",
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

    The name is first normalized as everywhere (``protocol.usernames.normalize_username``: ``Alice``
    and ``alice`` are one user). Every character outside ``[a-z0-9._-]`` is percent-encoded as
    UTF-8 (``%`` itself included, so two names never share a folder), as are a leading or trailing
    ``.`` (hidden folders; Windows drops trailing dots) and the first letter of a name Windows
    reserves (``con``, ``lpt1.x``...). An empty name, ``.`` and ``..`` raise :class:`ValueError`.
    """
    name = normalize_username(username)
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


def _tighten(path: Path, info: os.stat_result) -> None:
    """Drop the group and other bits of ``path`` (described by ``info``) if this user owns it."""
    mode = stat.S_IMODE(info.st_mode)
    if sys.platform != "win32" and mode & 0o077 and _owned_by_us(info):
        os.chmod(path, mode & ~0o077)


def make_private(path: Path) -> None:
    """Make the file or folder at ``path`` owner-only: it loses any group and other permission
    bits (a file written 0644 by an earlier release becomes 0600, a folder 0755 becomes 0700).

    Only what this user owns is changed; a symbolic link (never followed) and a missing path are
    left alone. On Windows nothing is changed.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISLNK(info.st_mode):
        _tighten(Path(path), info)


def make_private_tree(path: Path) -> None:
    """:func:`make_private` on ``path`` and on every file and folder below it.

    Symbolic links are neither changed nor followed; entries that vanish meanwhile are skipped.
    For a start-up that tightens what an earlier release wrote with wider modes.
    """
    if sys.platform == "win32":
        return
    make_private(path)
    for folder, dirs, files in os.walk(path):
        for name in (*dirs, *files):
            make_private(Path(folder) / name)


def ensure_private_file(path: Path) -> Path:
    """Create ``path`` as an empty file with mode 0600 when missing; return it.

    An existing file is never truncated: it only loses any group and other permission bits (see
    :func:`make_private`). Its folder must exist. For a file that another library opens with its
    own modes, such as an SQLite database (SQLite gives its ``-wal`` and ``-shm`` files the
    database's mode).
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        make_private(path)
        return path
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)  # the mode given to open is filtered by the umask
    finally:
        os.close(fd)
    return path


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
    _tighten(path, info)
    return path


def ensure_user_dir(root: Path, username: str) -> Path:
    """:func:`user_dir` created with mode 0700 (with the data root and its ``users`` folder);
    return it.

    For the start of a session with the user's files: the data root, ``users`` and the user's
    folder with everything in it lose any group and other permission bits, which tightens what
    an earlier release wrote with wider modes (nothing is moved or deleted).
    """
    folder = user_dir(root, username)
    ensure_private_dir(Path(root))
    ensure_private_dir(folder.parent)
    ensure_private_dir(folder)
    make_private_tree(folder)
    return folder
