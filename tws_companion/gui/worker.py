"""The one way the GUI runs slow work: a thread pool, with results back as queued signals.

Network calls and disk-heavy work never run on the GUI thread. A caller submits a plain function;
the :class:`Task` it gets back emits ``succeeded(result)`` or ``failed(exception)`` on the GUI
thread, then ``finished()``. A cancelled task still runs to its end in the pool (a blocking call
cannot be interrupted safely) but its result is dropped, so a late answer never reaches a window
that moved on.

Signals of Task: succeeded(object), failed(object), finished().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class Task(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()
    #: Internal: emitted from the pool thread, delivered (queued) on the task's own thread.
    _done = Signal(bool, object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.cancelled = False
        self.running = True
        self._done.connect(self._relay)

    def cancel(self) -> None:
        """Drop the result when it comes; ``finished`` is still emitted."""
        self.cancelled = True

    @Slot(bool, object)
    def _relay(self, ok: bool, payload: object) -> None:
        self.running = False
        if not self.cancelled:
            (self.succeeded if ok else self.failed).emit(payload)
        self.finished.emit()


class _Job(QRunnable):
    def __init__(self, task: Task, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
        super().__init__()
        self._task = task
        self._func = func
        self._args = args

    def run(self) -> None:
        try:
            result = self._func(*self._args)
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the GUI as a value
            self._task._done.emit(False, exc)
        else:
            self._task._done.emit(True, result)


class Worker(QObject):
    """Runs functions off the GUI thread; keeps each task alive until it has finished."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: set[Task] = set()

    def submit(self, name: str, func: Callable[..., Any], *args: Any) -> Task:
        task = Task(name, self)
        self._tasks.add(task)
        task.finished.connect(lambda: self._forget(task))
        self._pool.start(_Job(task, func, args))
        return task

    def _forget(self, task: Task) -> None:
        self._tasks.discard(task)
        task.deleteLater()  # a child of the worker: without this, every task would stay alive

    @property
    def busy(self) -> bool:
        return any(task.running for task in self._tasks)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait for the pool; ``False`` if work was still running."""
        for task in self._tasks:
            task.cancel()
        return bool(self._pool.waitForDone(timeout_ms))
