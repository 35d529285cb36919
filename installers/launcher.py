"""The entry point of the frozen app (PyInstaller's script): ``tws-companion`` with every command,
as the console script of ``pip install`` runs it (``tws_companion.cli:main``)."""

from __future__ import annotations

import multiprocessing
import sys

from tws_companion.cli import main

if __name__ == "__main__":
    # ``serve --workers N`` starts uvicorn's workers with multiprocessing: in a frozen app each
    # worker is this executable again, which must run the worker, not the command line.
    multiprocessing.freeze_support()
    sys.exit(main())
