"""Start-up and responsiveness of the login dialog.

Prints, in one run:
- time from process start to the login dialog's first paint, beside a bare PySide6 dialog
  measured the same way in the same run (the floor: what Qt itself costs);
- the longest stall of the GUI thread (a 5 ms heartbeat timer) during a full DSC+ login against
  the server running as a separate process; it must stay under 50 ms (exit 1 otherwise).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STALL_LIMIT_MS = 50.0

FIRST_PAINT = """
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.time(), flush=True)
            app.quit()
        return False

app = QApplication(sys.argv)
{make_window}
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
app.exec()
"""

BARE = """
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout
window = QDialog()
QVBoxLayout(window).addWidget(QLabel("Hello"))
"""

LOGIN = """
from tws_companion.client.api import ApiClient
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.worker import Worker
window = LoginDialog(ApiClient("http://127.0.0.1:9"), Worker())
"""


def first_paint_seconds(make_window: str, env: dict[str, str]) -> float:
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT.format(make_window=make_window)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    return float(result.stdout.split()[-1]) - started


def longest_stall_ms(env: dict[str, str]) -> float:
    """A full login in this process's GUI, the server in another process."""
    os.environ.update(env)
    from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(ROOT))
    from tests.support.demo import write_scenario
    from tests.support.dialog_login import log_in_with_dsc_plus
    from tests.support.process_server import serve
    from tws_companion.client.api import ApiClient
    from tws_companion.gui.garbage import GuiThreadCollector
    from tws_companion.gui.login_dialog import LoginDialog
    from tws_companion.gui.worker import Worker

    app = QApplication.instance() or QApplication([sys.argv[0]])
    GuiThreadCollector(app).start()
    gaps: list[float] = []
    clock = QElapsedTimer()
    heartbeat = QTimer()
    heartbeat.setInterval(5)

    def beat() -> None:
        gaps.append(clock.restart())

    heartbeat.timeout.connect(beat)

    def wait(condition: Callable[[], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("login step did not finish")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

    with tempfile.TemporaryDirectory() as folder:
        scenario = write_scenario(Path(folder))
        with serve(Path(folder) / "data", ["--scenario", str(scenario)]) as server:
            worker = Worker()
            api = ApiClient(server.url)
            dialog = LoginDialog(api, worker)
            dialog.show()
            done: list[object] = []
            dialog.loggedIn.connect(done.append)
            wait(lambda: True)
            clock.start()
            heartbeat.start()
            log_in_with_dsc_plus(dialog, wait)
            wait(lambda: bool(done))
            heartbeat.stop()
            worker.shutdown()
            api.close()
    del app
    # The first gap includes the timer's own start; the rest are the GUI thread's stalls.
    return max(gaps[1:]) if len(gaps) > 1 else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    bare = [first_paint_seconds(BARE, env) for _ in range(args.runs)]
    login = [first_paint_seconds(LOGIN, env) for _ in range(args.runs)]
    stall = longest_stall_ms(env)
    print(f"{'figure':<44} {'value':>10}   {'floor / limit':>16}")
    print(
        f"{'process start → login dialog first paint':<44} "
        f"{statistics.median(login) * 1000:>8.0f} ms   "
        f"{statistics.median(bare) * 1000:>10.0f} ms (bare PySide6 dialog)"
    )
    verdict = "ok" if stall < STALL_LIMIT_MS else "TOO LONG"
    print(
        f"{'longest GUI-thread stall during a full login':<44} {stall:>8.1f} ms   "
        f"{STALL_LIMIT_MS:>10.0f} ms limit: {verdict}"
    )
    print(f"(medians of {args.runs} runs; platform {env['QT_QPA_PLATFORM']})")
    return 0 if stall < STALL_LIMIT_MS else 1


if __name__ == "__main__":
    sys.exit(main())
