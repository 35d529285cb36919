"""The queue of write transactions in one server process: first come, first served.

SQLite lets one writer in at a time. Left to itself, a writer that finds the database locked
sleeps in SQLite's busy handler in growing steps (up to 100 ms), so under concurrent writes some
wait far longer than the work ahead of them. Queued here instead, each writer is woken the moment
the one before it finishes, in the order they arrived. The queue is per process: several server
processes on one SQLite file still exclude each other through SQLite's own lock (its busy
timeout stays the guard between processes).

A thread that opens a write transaction inside another would wait for itself forever; it is
refused at once with :class:`NestedWriteError`, whether or not writers are queued.

:class:`WriterThread` runs the steps that only write to the database (``respond``) on one thread
of their own, in arrival order, so a request goes from the event loop to that thread and back:
it neither wakes a pool thread nor waits to be handed the queue's turn by another one (each
such hand-over costs a thread switch, 0.2-0.4 ms of CPU on a small machine). The writer thread
takes the queue's turn for each step like any other writer, so the order holds for all writers.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

T = TypeVar("T")


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
        #: Told (under ``_mutex``) each time a writer starts to wait.
        self._queued = threading.Condition(self._mutex)
        self._held = False
        #: Waiting writers in arrival order; each blocks on its own lock until handed the turn.
        self._waiters: deque[threading.Lock] = deque()
        self._inside = threading.local()

    @property
    def waiting(self) -> int:
        """How many writers are waiting for their turn now."""
        with self._mutex:
            return len(self._waiters)

    def wait_for_waiters(self, count: int, timeout: float) -> bool:
        """Block until at least ``count`` writers wait for their turn, or ``timeout`` seconds
        pass; whether they do."""
        with self._queued:
            return self._queued.wait_for(lambda: len(self._waiters) >= count, timeout)

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
            self._queued.notify_all()
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


_Job = tuple[
    contextvars.Context, Callable[..., Any], tuple[Any, ...], asyncio.AbstractEventLoop, Any
]


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    """Hand a step's outcome to its awaiting request (gone if it was cancelled meanwhile)."""
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class WriterThread:
    """One thread running blocking write steps for the event loop, first come, first served.

    ``await writer.run(step, *args)`` queues ``step(*args)`` and returns what it returns (or
    raises what it raised). The thread starts with the first step and stops at :meth:`close`. A
    step whose request is cancelled still runs to its end (a write is never cut in half); only
    its answer is dropped, as with the thread pool.
    """

    def __init__(self, name: str = "db-writer") -> None:
        self.name = name
        self._jobs: deque[_Job] = deque()
        self._wake = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self._closed = False

    async def run(self, step: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        job: _Job = (contextvars.copy_context(), step, args, loop, future)
        with self._wake:
            if self._closed:
                raise RuntimeError("the database writer is closed")
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
                self._thread.start()
            self._wake.notify()  # no system call unless the thread is idle, waiting
        return await future

    def _serve(self) -> None:
        while True:
            with self._wake:
                while not self._jobs and not self._closed:
                    self._wake.wait()
                if not self._jobs:
                    return
                context, step, args, loop, future = self._jobs.popleft()
            result: Any = None
            error: BaseException | None = None
            try:
                result = context.run(step, *args)
            except Exception as exc:  # noqa: BLE001 (handed to the request that asked)
                error = exc
            with suppress(RuntimeError):  # a closed event loop: nobody waits for the answer
                loop.call_soon_threadsafe(_settle, future, result, error)
            del result, error, future  # keep no reference to the last answer while idle

    def close(self, timeout: float = 10.0) -> None:
        """Run the steps already queued, then stop the thread (and refuse new ones)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
