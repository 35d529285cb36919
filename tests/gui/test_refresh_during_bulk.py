"""Panels do not refresh their prices while another thread reads a layout (``layout.bulk``):
that thread holds the GIL, and each refresh and its repaint would hold the GUI thread's other
events back while they wait for it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from tws_companion.gui.panels import common
from tws_companion.gui.panels.watchlist import WatchlistPanel
from tws_companion.layout import bulk
from tws_companion.layout.model import Watchlist, WatchlistRow

WAIT_MS = 10_000
TICK_MS = 10


def test_prices_wait_while_a_layout_is_read_on_another_thread_and_go_on_after(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "REFRESH_MS", TICK_MS)  # a refresh every few milliseconds
    panel = WatchlistPanel(Watchlist(rows=[WatchlistRow(s) for s in ("AAPL", "MSFT", "IBM")]))
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    repaints: list[int] = []
    panel.model.dataChanged.connect(lambda *_: repaints.append(1))
    panel.timer.start_in_phase()
    qtbot.waitUntil(lambda: len(repaints) >= 3, timeout=WAIT_MS)

    begun, end = threading.Event(), threading.Event()

    def read_a_layout() -> None:
        with bulk.collector_paused(file_away=True):
            begun.set()
            end.wait(WAIT_MS / 1000)

    reader = threading.Thread(target=read_a_layout)
    reader.start()
    try:
        assert begun.wait(WAIT_MS / 1000)
        repaints.clear()
        ticks: list[int] = []
        clock = QTimer()
        clock.timeout.connect(lambda: ticks.append(1))
        clock.start(TICK_MS)
        qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=WAIT_MS)  # some 20 refreshes due
        clock.stop()
        assert repaints == []
    finally:
        end.set()
        reader.join()
    qtbot.waitUntil(lambda: len(repaints) >= 3, timeout=WAIT_MS)  # the prices go on
