"""Starting ``tws-companion serve`` as a real process, the way a user or a deployment would."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_DEADLINE = 60.0


@dataclass
class RunningServer:
    url: str
    data_dir: Path
    process: subprocess.Popen[str]
    clock_file: Path

    def move_clock(self, seconds: float) -> None:
        """Move the server's clock (every worker reads the file on each use)."""
        current = float(self.clock_file.read_text() or 0)
        self.clock_file.write_text(str(current + seconds))

    def admin(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli("admin", "--data-dir", str(self.data_dir), *args)


def run_cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tws_companion", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def first_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The first line of standard output, waiting at most ``timeout`` seconds."""
    return _first_line(process, time.monotonic() + timeout)


def _first_line(process: subprocess.Popen[str], deadline: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=max(0.1, deadline - time.monotonic()))
    except queue.Empty:
        raise TimeoutError("the server printed nothing before the deadline") from None


@contextmanager
def serve(data_dir: Path, extra: Sequence[str] = ()) -> Iterator[RunningServer]:
    data_dir.mkdir(parents=True, exist_ok=True)
    clock_file = data_dir.parent / f"{data_dir.name}.clock"
    clock_file.write_text("0")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "tws_companion", "serve",
            "--port", "0", "--data-dir", str(data_dir), "--clock-file", str(clock_file),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        line = _first_line(process, time.monotonic() + STARTUP_DEADLINE)
        if not line.startswith("listening on http://"):
            process.kill()
            _, err = process.communicate(timeout=10)
            raise RuntimeError(f"server did not start: {line!r} {err[-2000:]}")
        yield RunningServer(line.split()[-1], data_dir, process, clock_file)
    finally:
        process.terminate()
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
