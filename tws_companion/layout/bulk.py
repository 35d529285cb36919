"""Making model objects in bulk: the cyclic garbage collector held off meanwhile.

Reading a large layout (or importing part of one) makes tens of thousands of objects, none of
them in a reference cycle. A collection meanwhile walks the growing heap over and over, for
nothing; and in the GUI, whose collector runs on the GUI thread (``gui.garbage``) while the
worker reads a file, each young collection walks the half-made tree and model: 10-20 ms of the
GUI thread. :func:`collector_paused` keeps automatic collection off, and :func:`under_way` tells
a collector running on another thread to wait.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "under_way"]

_lock = threading.Lock()
#: How many bulk builds run now (one per thread at most, usually).
_running = [0]


def under_way() -> bool:
    """Whether some thread is making objects in bulk now (a collection had better wait)."""
    return _running[0] > 0


@contextmanager
def collector_paused(*, file_away: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while objects are made in bulk.

    ``file_away``: then file what was made with the old objects. Back on, the collector's first
    collection would walk everything made meanwhile (a fifth of a large load, or a stall of the
    GUI thread, which collects for the whole app): so what was made moves straight to the oldest
    generation, in constant time (``gc.freeze`` then ``gc.unfreeze``), when nothing else is
    frozen. It is then walked only by full collections, like the rest of a long-lived heap.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    with _lock:
        _running[0] += 1
    try:
        yield
    finally:
        if file_away and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        with _lock:
            _running[0] -= 1
        if was_enabled:
            gc.enable()
