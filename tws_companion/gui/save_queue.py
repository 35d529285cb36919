"""Saving on the worker: :class:`SaveQueue` runs one kind of save (the layout settings, the window
geometry) on the :class:`~tws_companion.gui.worker.Worker`, one at a time, debounced.

The queue owns its save tasks (the worker's owner rule): when its window is deleted while a save
runs, the queue hears nothing more, but whoever waits for that save still hears how it ended, and
a save asked for behind it reports that the window closed before it started.

Signals of SaveQueue: saved(), failed(object) — each save's outcome.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from tws_companion.gui.worker import Task, Worker

__all__ = ["SaveCallback", "SaveQueue"]

#: Called when a save has finished, with its error or ``None``.
SaveCallback = Callable[[BaseException | None], None]


class _Waiting:
    """The save asked for while one runs: (forced, callbacks). A plain object, apart from the
    queue, so that its callers still hear of it once the queue is gone."""

    def __init__(self) -> None:
        self.request: tuple[bool, list[SaveCallback]] | None = None

    def add(self, forced: bool, callbacks: list[SaveCallback]) -> None:
        if self.request is None:
            self.request = (forced, callbacks)
        else:
            self.request = (self.request[0] or forced, self.request[1] + callbacks)

    def take(self) -> tuple[bool, list[SaveCallback]] | None:
        request, self.request = self.request, None
        return request


def _as_error(error: object) -> BaseException:
    return error if isinstance(error, BaseException) else RuntimeError(str(error))


def _abandoned(waiting: _Waiting, callbacks: list[SaveCallback], ok: bool, payload: object) -> None:
    """The queue went while its save ran: the save's callers hear how it ended, the save
    waiting behind it never starts."""
    for callback in callbacks:
        callback(None if ok else _as_error(payload))
    request = waiting.take()
    for callback in request[1] if request is not None else []:
        callback(RuntimeError("the window closed before the save started"))


class SaveQueue(QObject):
    """Runs one kind of save on the worker, one at a time.

    :meth:`schedule` notes a change and saves ``delay_ms`` after the last one; :meth:`save_now`
    saves at once (File > Save Settings, exit); :meth:`save_if_changed` saves only if something
    changed since the last save that succeeded (the auto-save every N minutes). ``snapshot()`` is
    taken on the GUI thread when a save starts (``None``: nothing to save) and ``save(snapshot)``
    runs on the worker. A save asked for while one runs starts when it has finished, with a fresh
    snapshot, so the last change is always the one saved.

    Signals: saved() — a save succeeded; failed(object) — a save failed, with its exception.
    """

    saved = Signal()
    failed = Signal(object)

    def __init__(
        self,
        worker: Worker,
        name: str,
        save: Callable[[Any], None],
        snapshot: Callable[[], object | None],
        delay_ms: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.name = name
        self._save = save
        self._snapshot = snapshot
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(delay_ms)
        self._debounce.timeout.connect(self.save_if_changed)
        self._task: Task | None = None
        #: A save asked for during the running one.
        self._waiting = _Waiting()
        #: Changes noted so far, and how many of them the last good save held.
        self.generation = 0
        self.saved_generation = 0

    @property
    def busy(self) -> bool:
        """A save is running or waiting to start."""
        return (
            self._task is not None or self._waiting.request is not None or self._debounce.isActive()
        )

    @property
    def unsaved(self) -> bool:
        """Something changed since the last save that succeeded."""
        return self.generation != self.saved_generation

    def schedule(self) -> None:
        """Something changed: save soon (after the debounce delay)."""
        self.generation += 1
        self._debounce.start()

    def save_now(self, then: SaveCallback | None = None) -> None:
        """Save now (after the running save, if any); ``then(error or None)`` when done."""
        self._debounce.stop()
        self._request(True, [then] if then is not None else [])

    @Slot()
    def save_if_changed(self) -> None:
        """Save if something changed since the last save that succeeded (the auto-save)."""
        self._request(False, [])

    def cancel_scheduled(self) -> None:
        """Drop the save waiting for the debounce delay (a running one goes on)."""
        self._debounce.stop()

    def _request(self, forced: bool, callbacks: list[SaveCallback]) -> None:
        if self._task is not None:
            self._waiting.add(forced, callbacks)
            return
        self._start(forced, callbacks)

    def _start(self, forced: bool, callbacks: list[SaveCallback]) -> None:
        generation = self.generation
        snapshot = self._snapshot() if forced or self.unsaved else None
        if snapshot is None:
            for callback in callbacks:
                callback(None)
            return
        task = self.worker.submit(self.name, self._save, snapshot, owner=self)
        outcome: list[BaseException | None] = [None]

        def failed(error: object) -> None:
            outcome[0] = _as_error(error)

        task.failed.connect(failed)
        task.finished.connect(lambda: self._finished(task, generation, outcome[0], callbacks))
        task.abandoned.connect(functools.partial(_abandoned, self._waiting, callbacks))
        self._task = task

    def _finished(
        self,
        task: Task,
        generation: int,
        error: BaseException | None,
        callbacks: list[SaveCallback],
    ) -> None:
        if task.cancelled:
            error = error or RuntimeError("the save was cancelled")
        if self._task is task:
            self._task = None
        if error is None:
            self.saved_generation = max(self.saved_generation, generation)
            self.saved.emit()
        else:
            self.failed.emit(error)
        for callback in callbacks:
            callback(error)
        request = self._waiting.take()
        if request is not None:
            self._start(*request)
