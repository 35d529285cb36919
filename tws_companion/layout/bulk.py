"""Making objects in bulk: the cyclic garbage collector held off meanwhile.

Reading a large layout (or importing part of one, or the modules of the login on the GUI's
worker) makes tens of thousands of objects, none of them garbage. A collection meanwhile walks
the growing heap over and over, for nothing; and in the GUI, whose collector runs on the GUI
thread (``gui.garbage``) while the worker builds, each young collection walks the half-made
objects: 10-30 ms of the GUI thread. :func:`collector_paused` keeps automatic collection off for
as long as any thread builds, and :func:`under_way` tells a collector running on another thread
to wait. It is the one way to hold the collector off: the GUI's collector respects it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "under_way"]


class _Builds:
    """The builds under way on every thread, and whether automatic collection was on when the
    first of them began (it comes back when the last one ends, and only then)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.enable_after = False


_builds = _Builds()


def under_way() -> bool:
    """Whether some thread is making objects in bulk now (a collection had better wait)."""
    return _builds.running > 0


@contextmanager
def collector_paused(*, file_away: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while objects are made in bulk.

    Builds may overlap on several threads: automatic collection stays off until the last one
    ends, and is switched back on only if it was on when the first one began.

    ``file_away``: then file what was made with the old objects. Back on, the collector's first
    collection would walk everything made meanwhile (a fifth of a large load, or a stall of the
    GUI thread, which collects for the whole app): so what was made moves straight to the oldest
    generation, in constant time (``gc.freeze`` then ``gc.unfreeze``), when nothing else is
    frozen. It is then walked only by full collections, like the rest of a long-lived heap.
    """
    with _builds.lock:
        if _builds.running == 0:
            _builds.enable_after = gc.isenabled()
        _builds.running += 1
        gc.disable()
    try:
        yield
    finally:
        with _builds.lock:
            if file_away and gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            _builds.running -= 1
            if _builds.running == 0 and _builds.enable_after:
                gc.enable()
