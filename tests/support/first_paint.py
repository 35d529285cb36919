"""A window's first paint in a new process: when it came, which modules were loaded then, and
(optionally) how long the GUI thread stalled afterwards while the app went on loading.

:func:`first_paint` starts Python with a small script that creates the QApplication, watches
every Paint event, and at the first one of the window with the object name ``target`` notes the
time and the top-level names in ``sys.modules``. With ``until`` (a Python expression), a 5 ms
heartbeat timer then runs until the expression holds, and the longest gap between beats is the
GUI thread's longest stall. What starts the window is Python source: :data:`BARE_DIALOG` (what
Qt itself costs) or :data:`LOGIN_WINDOW` (the app as the ``tws-companion gui`` command starts
it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_HARNESS = """
import json, sys, time
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

report = {{}}
gaps = []
clock = QElapsedTimer()
heartbeat = QTimer()
heartbeat.setInterval(5)

def finish():
    heartbeat.stop()
    if len(gaps) > 1:  # the first gap includes the timer's own start
        report["longest_stall_ms"] = max(gaps[1:])
    print(json.dumps(report), flush=True)
    app.quit()

def beat():
    gaps.append(clock.restart())
    if eval({until!r}):
        finish()

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched.objectName() == {target!r}:
            report["painted"] = time.time()
            report["modules"] = sorted({{name.partition(".")[0] for name in list(sys.modules)}})
            app.removeEventFilter(self)
            if {until!r} == "True":
                finish()
            else:
                clock.start()
                heartbeat.start()
        return False

heartbeat.timeout.connect(beat)
app = QApplication(sys.argv[:1])
watcher = FirstPaint()
app.installEventFilter(watcher)
{start}
"""

#: A bare PySide6 dialog with a label, named ``bare``.
BARE_DIALOG = """
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout
window = QDialog()
window.setObjectName("bare")
QVBoxLayout(window).addWidget(QLabel("Hello"))
window.show()
app.exec()
"""

#: ``tws-companion gui`` (the console script calls ``cli.main``); its window is ``loginDialog``.
LOGIN_WINDOW = """
from tws_companion.cli import main
sys.exit(main(["gui", "--server", "http://127.0.0.1:9"]))
"""


@dataclass(frozen=True)
class FirstPaint:
    #: From just before the process was started to the window's first paint.
    seconds: float
    #: The top-level names in ``sys.modules`` at that paint.
    modules: frozenset[str]
    #: With ``until``: the longest stall of the GUI thread from the paint until it held.
    longest_stall_ms: float | None = None


def harness_script(start: str, target: str, until: str = "True") -> str:
    """The script of a measured process: ``start`` (a window's start), watched until the window
    named ``target`` is first painted, then until the expression ``until`` holds."""
    return _HARNESS.format(target=target, start=start, until=until)


def first_paint(
    start: str,
    target: str,
    env: Mapping[str, str],
    *,
    until: str = "True",
    timeout: float = 120.0,
) -> FirstPaint:
    """Run ``start`` in a new Python process (``env``: its whole environment) until the window
    named ``target`` is first painted, then until the expression ``until`` holds (evaluated in
    that process every 5 ms)."""
    script = harness_script(start, target, until)
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(env),
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(
            f"the window {target!r} was not painted (exit status {result.returncode}):\n"
            f"{result.stderr[-2000:]}"
        )
    report = json.loads(lines[-1])
    stall = report.get("longest_stall_ms")
    return FirstPaint(
        seconds=float(report["painted"]) - started,
        modules=frozenset(report["modules"]),
        longest_stall_ms=None if stall is None else float(stall),
    )


def isolated_env(folder: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) on Qt's offscreen platform, with the
    settings and data folders in ``folder`` and the repository on the import path."""
    env = dict(os.environ if base is None else base)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = str(folder / name.lower())
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env
