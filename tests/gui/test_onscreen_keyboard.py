"""The on-screen keyboard is never clipped: with More Options open too, every key lies inside the
login window, the window inside its screen, and each key's text fits its key, at 96 and 192 dpi.

Each case runs the window in its own process on Qt's offscreen platform, given a screen of a
real size (a laptop at 96 dpi; a 1080p screen at 200 %; 192-dpi fonts without scaling); the
process reports the geometry it shows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]

#: Opens the login window as the app does, with More Options and the keyboard open; prints
#: the screen's free area, the window (frame and inside) and every key, in screen coordinates.
PROBE = """
import json, sys
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from tws_companion.client.api import ApiClient
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.worker import Worker
worker = Worker()
dialog = LoginDialog(ApiClient("https://sls.example.com"), worker)
dialog.move(40, 40)
dialog.show()
dialog.credentials.more_button.click()
dialog.credentials.keyboard_button.click()
for _ in range(5):
    app.processEvents()
def box(rect):
    return [rect.x(), rect.y(), rect.width(), rect.height()]
keys = []
for key in dialog.credentials.keyboard.keys():
    metrics = key.fontMetrics()
    text = key.text().replace("&&", "&")
    keys.append({
        "text": text,
        "visible": key.isVisible(),
        "rect": box(QRect(key.mapToGlobal(QPoint(0, 0)), key.size())),
        "text_width": metrics.horizontalAdvance(text),
        "text_height": metrics.height(),
    })
print(json.dumps({
    "screen": box(dialog.screen().availableGeometry()),
    "frame": box(dialog.frameGeometry()),
    "inside": box(QRect(dialog.mapToGlobal(QPoint(0, 0)), dialog.size())),
    "keys": keys,
}))
worker.shutdown()
"""

SCREENS = {
    "96 dpi, 1366x768": ({"width": 1366, "height": 768, "logicalDpi": 96}, {}),
    "192 dpi, 1920x1080 at 200 %": (
        {"width": 1920, "height": 1080, "logicalDpi": 96},
        {"QT_SCALE_FACTOR": "2"},
    ),
    "192-dpi fonts, 1920x1080 unscaled": (
        {"width": 1920, "height": 1080, "logicalDpi": 192},
        {"QT_ENABLE_HIGHDPI_SCALING": "0"},
    ),
}


def run_probe(tmp_path: Path, screen: dict[str, int], env: dict[str, str]) -> dict[str, Any]:
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {"screens": [{"name": "screen", "x": 0, "y": 0, "logicalBaseDpi": 96, **screen}]}
        )
    )
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("QT_")},
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def contains(outer: list[int], inner: list[int]) -> bool:
    ox, oy, ow, oh = outer
    x, y, w, h = inner
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


@pytest.mark.parametrize("case", list(SCREENS))
def test_every_key_is_readable_and_inside_the_window_with_more_options_open(
    tmp_path: Path, case: str
) -> None:
    screen, env = SCREENS[case]
    shown = run_probe(tmp_path, screen, env)
    assert contains(shown["screen"], shown["frame"]), shown
    assert len(shown["keys"]) == 10 + 26 + 13 + 3
    for key in shown["keys"]:
        assert key["visible"], key
        assert contains(shown["inside"], key["rect"]), key
        _, _, width, height = key["rect"]
        # The text with room for the key's 1-pixel frame on each side: nothing cut off.
        assert key["text_width"] + 2 <= width, key
        assert key["text_height"] + 2 <= height, key
