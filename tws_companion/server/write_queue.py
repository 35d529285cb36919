"""The queue of write transactions in one server process: first come, first served.

SQLite lets one writer in at a time. Left to itself, a writer that finds the database locked
sleeps in SQLite's busy handler in growing steps (up to 100 ms), so under concurrent writes some
wait far longer than the work ahead of them. Queued here instead, each writer is woken the moment
the one before it finishes, in the order they arrived. The queue is per process: several server
processes on one SQLite file still exclude each other through SQLite's own lock (its busy
timeout stays the guard between processes).

A thread that opens a write transaction inside another would wait for itself forever; it is
refused at once with :class:`NestedWriteError`, whether or not writers are queued.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class NestedWriteError(RuntimeError):
    """A write transaction was opened on a thread that is already inside one."""


class WriteQueueTimeoutError(TimeoutError):
    """A writer waited longer than the queue's timeout for its turn."""


class WriteQueue:
    """Writers one at a time, in arrival order (``exclusive``), or only the nesting check.

    ``with queue.turn():`` waits until every writer that asked earlier has finished, then holds
    the turn until the block ends, however it ends. The turn is handed straight to the next
    waiter, so a writer arriving just as the turn is released cannot overtake those already
    waiting (``threading.Lock`` promises no order). Without ``exclusive`` (PostgreSQL, whose row
    locks order writers) nobody waits, and only nesting is refused.
    """

    def __init__(self, *, exclusive: bool = True, timeout: float | None = None) -> None:
        self.exclusive = exclusive
        self.timeout = timeout
        self._mutex = threading.Lock()
        self._held = False
        #: Waiting writers in arrival order; each blocks on its own lock until handed the turn.
        self._waiters: deque[threading.Lock] = deque()
        self._inside = threading.local()

    @property
    def waiting(self) -> int:
        """How many writers are waiting for their turn now."""
        with self._mutex:
            return len(self._waiters)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the turn for the block; :class:`NestedWriteError` if this thread holds one."""
        if getattr(self._inside, "active", False):
            raise NestedWriteError(
                "a write transaction was opened inside another on the same thread; "
                "finish the first one before opening the next"
            )
        if self.exclusive:
            self._acquire()
        self._inside.active = True
        try:
            yield
        finally:
            self._inside.active = False
            if self.exclusive:
                self._release()

    def _acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        try:
            handed = waiter.acquire(timeout=-1 if self.timeout is None else self.timeout)
        except BaseException:
            if not self._leave(waiter):
                self._release()  # handed the turn while interrupted: pass it on
            raise
        if handed or not self._leave(waiter):
            return  # handed the turn (perhaps just as the wait timed out)
        raise WriteQueueTimeoutError(f"waited more than {self.timeout:g} s for the write queue")

    def _leave(self, waiter: threading.Lock) -> bool:
        """Take ``waiter`` out of the queue; False if it was handed the turn already."""
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return True
            return False

    def _release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # the turn passes on; _held stays True
            else:
                self._held = False
