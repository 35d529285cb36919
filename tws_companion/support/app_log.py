"""The app's log file: ``tws-companion.log`` in the log folder, owner-only, rotated by size.

:func:`install_app_log` adds a handler for the ``tws_companion`` loggers (INFO and above) that
writes ``tws-companion.log`` (mode 0600), rotated at :data:`MAX_LOG_BYTES` into ``.1`` ... ``.3``
(the rotated files keep the mode; a new file is created 0600 again). The diagnostics bundle takes
the end of each. The app's log messages hold no secret (a password, code, response, token, key
or phone number is never logged; errors are logged by their type).
"""

from __future__ import annotations

import io
import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Final

from tws_companion.storage.paths import FILE_MODE, ensure_private_dir
from tws_companion.support.locations import log_dir

__all__ = ["BACKUP_COUNT", "LOG_NAME", "MAX_LOG_BYTES", "install_app_log"]

LOG_NAME: Final = "tws-companion.log"
MAX_LOG_BYTES: Final = 1024 * 1024
BACKUP_COUNT: Final = 3
_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files are created owner-only whatever the umask."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def install_app_log(home: Path | None = None, *, level: int = logging.INFO) -> Path | None:
    """Log the ``tws_companion`` loggers to the app's log file (``home``: the data root, as
    ``--home``); its path, or ``None`` when the log folder cannot be made (the app then runs
    without a log file). Installing twice for the same file adds no second handler."""
    try:
        folder = ensure_private_dir(log_dir(home))
    except OSError:
        return None
    path = folder / LOG_NAME
    logger = logging.getLogger("tws_companion")
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = _PrivateRotatingFileHandler(
        path, maxBytes=MAX_LOG_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(level)
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > level:
        logger.setLevel(level)
    return path
