"""Python's cyclic garbage collector, run on the GUI thread only.

Left to itself, the collector runs in whichever thread happens to allocate, and the worker
threads allocate plenty. A closed window caught in a reference cycle would then be destroyed on a
worker thread; Qt objects must die on their own thread (a window with a running timer crashes the
process). So automatic collection is switched off and a GUI-thread timer collects instead, with
the same generation thresholds (as qutebrowser does), and CPython's own brake on full
collections (see :class:`GuiThreadCollector`).
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, QTimer, Slot

from tws_companion.layout import bulk

#: How often the thresholds are checked.
INTERVAL_MS = 500
#: A full collection waits until the heap has grown by this part since the last one.
FULL_GROWTH = 0.25
#: Checks in a row that wait for another thread's bulk build (``layout.bulk``) at most.
BULK_WAITS = 4


class GuiThreadCollector(QObject):
    """Collects on a GUI-thread timer once started (:meth:`start`).

    A full collection (the oldest generation) walks every object of the heap: 20-40 ms of the GUI
    thread for a large layout. CPython itself makes one only when the objects that reached the
    oldest generation since the last one exceed a quarter of those it held then; Python does not
    say how many those are, so the same rule is kept in memory blocks (``sys.getallocatedblocks``,
    which costs nothing): a full collection is due when its generation count has passed its
    threshold *and* the heap has grown by :data:`FULL_GROWTH` since the last full collection.
    Garbage that reaches the oldest generation grows the heap, so it is never left for long: the
    heap stays within a quarter of what it held after the last full collection.

    While another thread makes objects in bulk (the worker reading a layout, or loading the
    login's modules: :func:`tws_companion.layout.bulk.collector_paused`, the one way to hold the
    collector off), a collection waits: it would walk the half-made objects (10-30 ms of the GUI
    thread), which the build files away itself when it ends. At most :data:`BULK_WAITS` checks in
    a row wait, so that memory never grows unchecked for long.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        #: The heap (allocated memory blocks) above which a full collection is due.
        self.full_above = 0
        #: Checks in a row that waited for a bulk build.
        self.waited = 0
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._set_full_above()
        self.timer.start()

    def stop(self) -> None:
        """Stop collecting; automatic collection comes back only if it was on before."""
        self.timer.stop()
        if self._was_enabled:
            gc.enable()

    def _set_full_above(self) -> None:
        self.full_above = int(sys.getallocatedblocks() * (1 + FULL_GROWTH))

    @Slot()
    def check(self) -> None:
        """Collect the oldest generation whose count has passed its threshold, if any (the
        oldest only once the heap has grown enough; nothing while a bulk build runs elsewhere,
        a few checks at most: see the class)."""
        if bulk.under_way() and self.waited < BULK_WAITS:
            self.waited += 1
            return
        self.waited = 0
        counts = gc.get_count()
        if counts[2] > self.thresholds[2] and sys.getallocatedblocks() > self.full_above:
            gc.collect(2)
            self._set_full_above()
            return
        for generation in (1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return
