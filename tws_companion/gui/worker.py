"""The one way the GUI runs slow work: a thread pool, with results back as queued signals.

Network calls and disk-heavy work never run on the GUI thread. A caller submits a plain function;
the :class:`Task` it gets back emits ``succeeded(result)`` or ``failed(exception)`` on the GUI
thread, then ``finished()``. A cancelled task still runs to its end in the pool (a blocking call
cannot be interrupted safely) but its result is dropped, so a late answer never reaches a window
that moved on.

Work that can say how far it has come (an upload, a download) is submitted with
:meth:`Worker.submit_with_progress`: the function gets a ``report(done, total)`` callable as its
first argument, callable from the pool thread as often as it likes, and the task emits
``progress(done, total)`` on the GUI thread (only when the figure moved on, and never after the
task was cancelled).

**The owner rule.** A task submitted with ``owner=`` (a QObject: the window or controller whose
callbacks its signals call) belongs to that owner, as a Qt connection belongs to its context
object: ``succeeded``, ``failed``, ``progress`` and ``finished`` are emitted only while the owner
lives. Should the owner be destroyed before the job ends, the task is cancelled on the spot
(``cancelled`` and ``orphaned`` become true), none of those four signals is emitted again, and
when the job ends the task emits ``abandoned(ok, result or exception)`` instead: the one way
for a caller that must hear how the job ended although the owner is gone (a save someone waits
for). Its receivers must not touch the owner. Either way the worker lets go of the task when
the job ends.

Signals of Task: succeeded(object), failed(object), finished(), progress(int, int) — the
owner's; abandoned(bool, object) — the job of a task whose owner is gone ended: (ok, result or
exception).
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

#: ``report(done, total)``: how far a job has come (bytes, items...), from any thread.
Report = Callable[[int, int], None]

#: The largest figure a progress signal carries (a C++ int); larger ones are scaled down.
_PROGRESS_MAX = 2**31 - 1
#: A report moves the figure shown on by at least this fraction of the total (or finishes it).
_PROGRESS_STEP = 1 / 200


class Task(QObject):
    """One job submitted to the :class:`Worker`; lives on the GUI thread (the pool never
    touches it: a task may be deleted as soon as it has finished). With an owner, the owner
    rule of the module applies."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()
    progress = Signal(int, int)
    abandoned = Signal(bool, object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.cancelled = False
        self.running = True
        #: The owner was destroyed before the job ended: only ``abandoned`` comes.
        self.orphaned = False

    def cancel(self) -> None:
        """Drop the result when it comes; ``finished`` is still emitted (if the owner lives)."""
        self.cancelled = True

    def _own(self, owner: QObject) -> None:
        # A bound slot of the task: Qt drops the connection when the task goes first.
        owner.destroyed.connect(self._owner_destroyed)

    @Slot()
    def _owner_destroyed(self) -> None:
        if self.running:
            self.orphaned = True
            self.cancelled = True

    def _end(self, ok: bool, payload: object) -> None:
        self.running = False
        if self.orphaned:
            self.abandoned.emit(ok, payload)
            return
        if not self.cancelled:
            (self.succeeded if ok else self.failed).emit(payload)
        self.finished.emit()

    def _progressed(self, done: int, total: int) -> None:
        if self.running and not self.cancelled:
            self.progress.emit(done, total)


class _Reports:
    """The ``report(done, total)`` of one job (called from its pool thread): drops the reports
    that would not move the figure shown on, scales figures beyond a C++ int."""

    def __init__(self, send: Callable[[int, int], None]) -> None:
        self._send = send
        self._last: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        done, total = max(0, done), max(0, total)
        while total > _PROGRESS_MAX:
            done, total = done >> 1, total >> 1
        done = min(done, total) if total else done
        with self._lock:
            last = self._last
            if last is not None and last[1] == total:
                step = max(1, int(total * _PROGRESS_STEP))
                if done == last[0] or (done - last[0] < step and done != total):
                    return
            self._last = (done, total)
        self._send(done, total)


class _Job(QRunnable):
    """Runs in the pool; tells the worker (never the task) how it went, by the task's key."""

    def __init__(
        self, worker: Worker, key: int, func: Callable[..., Any], args: tuple[Any, ...]
    ) -> None:
        super().__init__()
        self._worker = worker
        self._key = key
        self._func = func
        self._args = args

    def run(self) -> None:
        try:
            result = self._func(*self._args)
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the GUI as a value
            self._worker._ended.emit(self._key, False, exc)
        else:
            self._worker._ended.emit(self._key, True, result)


class Worker(QObject):
    """Runs functions off the GUI thread; keeps each task alive until it has finished.

    The pool's threads only emit the worker's own signals (queued to the GUI thread), with the
    task's key: the worker outlives every job (:meth:`shutdown` waits for them), a task need
    not.
    """

    #: Internal, emitted from the pool: (key, ok, result or exception) and (key, done, total).
    _ended = Signal(int, bool, object)
    _reported = Signal(int, int, int)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: dict[int, Task] = {}
        self._keys = itertools.count(1)
        self._ended.connect(self._end)
        self._reported.connect(self._report)

    def submit(
        self, name: str, func: Callable[..., Any], *args: Any, owner: QObject | None = None
    ) -> Task:
        """Run ``func(*args)`` in the pool; the task's signals are ``owner``'s (the owner rule
        of the module): give the object whose callbacks they call."""
        return self._start(name, func, args, progress=False, owner=owner)

    def submit_with_progress(
        self, name: str, func: Callable[..., Any], *args: Any, owner: QObject | None = None
    ) -> Task:
        """Run ``func(report, *args)`` in the pool; the task emits ``progress(done, total)`` on
        the GUI thread as the job calls ``report(done, total)``. ``owner`` as for
        :meth:`submit`."""
        return self._start(name, func, args, progress=True, owner=owner)

    def _start(
        self,
        name: str,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        *,
        progress: bool,
        owner: QObject | None,
    ) -> Task:
        key = next(self._keys)
        task = Task(name, self)
        if owner is not None:
            task._own(owner)
        self._tasks[key] = task
        if progress:
            args = (_Reports(functools.partial(self._reported.emit, key)), *args)
        self._pool.start(_Job(self, key, func, args))
        return task

    @Slot(int, bool, object)
    def _end(self, key: int, ok: bool, payload: object) -> None:
        task = self._tasks.pop(key, None)
        if task is not None:
            task._end(ok, payload)
            task.deleteLater()  # a child of the worker: without this, every task would stay

    @Slot(int, int, int)
    def _report(self, key: int, done: int, total: int) -> None:
        task = self._tasks.get(key)
        if task is not None:
            task._progressed(done, total)

    @property
    def busy(self) -> bool:
        return any(task.running for task in self._tasks.values())

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait for the pool; ``False`` if work was still running."""
        for task in self._tasks.values():
            task.cancel()
        return bool(self._pool.waitForDone(timeout_ms))
