"""Where the support files live: the log folder (login traces, the app's logs) and the key that
makes user names into pseudonyms.

The log folder is ``<data root>/logs`` when a data root is chosen (``--home`` or
``$TWS_COMPANION_HOME``: two roots are two machines, each with its own logs), else platformdirs'
user log folder (``~/.local/state/tws-companion/log`` on Linux). The pseudonym key is kept in the
data root, never in the log folder, so a diagnostics bundle never holds it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from platformdirs import user_log_path

from tws_companion.storage.paths import APP_NAME, HOME_ENV, data_root

__all__ = ["TRACES_FOLDER", "home_of", "log_dir", "pseudonym_key_path", "traces_dir"]

#: The folder of the login traces, inside the log folder.
TRACES_FOLDER: Final = "traces"


def log_dir(home: Path | None = None, *, environ: Mapping[str, str] | None = None) -> Path:
    """The app's log folder (not created here); ``home`` and ``environ`` as for
    :func:`tws_companion.storage.paths.data_root`."""
    env = os.environ if environ is None else environ
    if home is not None or env.get(HOME_ENV, "").strip():
        return data_root(home, environ=env) / "logs"
    return Path(os.path.abspath(user_log_path(APP_NAME, appauthor=False)))


def traces_dir(home: Path | None = None, *, environ: Mapping[str, str] | None = None) -> Path:
    """The folder of the login traces (not created here)."""
    return log_dir(home, environ=environ) / TRACES_FOLDER


def pseudonym_key_path(
    home: Path | None = None, *, environ: Mapping[str, str] | None = None
) -> Path:
    """The file of this installation's pseudonym key (not created here)."""
    return data_root(home, environ=environ) / "support" / "pseudonym.key"


def home_of(root: Path, *, environ: Mapping[str, str] | None = None) -> Path | None:
    """The ``home`` that gives the data root ``root``: ``None`` when ``root`` is the one chosen
    without ``--home`` (so the log folder is platformdirs' one, where the login traces go), else
    ``root`` itself. For a window that knows the data root (``SettingsProfile.root``) but not how
    it was chosen."""
    if Path(os.path.abspath(root)) == data_root(None, environ=environ):
        return None
    return Path(root)
