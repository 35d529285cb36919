"""The build's tools (PyInstaller, ``ldd``, ``dpkg``, ``tar``...) run as processes: every call
goes through :func:`run`, with its arguments as a list (never a shell)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run(
    argv: Sequence[str | Path],
    *,
    check: bool = True,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    quiet: bool = False,
    errors: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` and capture its output (``quiet``: its standard output is discarded);
    ``errors``: its standard error is shown; ``check``: fail on a non-zero exit status."""
    return subprocess.run(  # noqa: S603 (the build's own tools, arguments as a list)
        [str(part) for part in argv],
        check=check,
        env=None if env is None else dict(env),
        cwd=cwd,
        text=True,
        stdout=subprocess.DEVNULL if quiet else subprocess.PIPE,
        stderr=None if errors else subprocess.DEVNULL,
    )


def output(argv: Sequence[str | Path], env: Mapping[str, str] | None = None) -> str:
    """The standard output of ``argv``, which must succeed."""
    return run(argv, env=env).stdout


def architecture() -> str:
    """Debian's name for this machine's architecture (``amd64``)."""
    return output(["dpkg", "--print-architecture"]).strip()
