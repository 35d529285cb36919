"""Python's cyclic garbage collector, run on the GUI thread only.

Left to itself, the collector runs in whichever thread happens to allocate, and the worker
threads allocate plenty. A closed window caught in a reference cycle would then be destroyed on a
worker thread; Qt objects must die on their own thread (a window with a running timer crashes the
process). So automatic collection is switched off and a GUI-thread timer collects instead, with
the same generation thresholds (as qutebrowser does).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

#: How often the thresholds are checked.
INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects on a GUI-thread timer once started (:meth:`start`); :meth:`pause` and :meth:`resume`
    hold it off during a burst of allocations that all live on."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        """Stop collecting; automatic collection comes back only if it was on before."""
        self.timer.stop()
        if self._was_enabled:
            gc.enable()

    def pause(self) -> bool:
        """Stop collecting for a while (automatic collection stays off); whether it was
        collecting, i.e. whether :meth:`resume` should follow."""
        if not self.timer.isActive():
            return False
        self.timer.stop()
        return True

    def resume(self, *, freeze: bool = False) -> None:
        """Collect again after :meth:`pause`; ``freeze`` first moves every object alive now into
        the permanent generation (``gc.freeze``), so that no later collection walks them."""
        if freeze:
            gc.freeze()
        self.timer.start()

    @Slot()
    def check(self) -> None:
        """Collect the oldest generation whose count has passed its threshold, if any."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return
