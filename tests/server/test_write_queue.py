"""Write transactions queue first come, first served; reads never wait; nesting is refused; the
writer thread runs the routes' write-only steps in order."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.support.databases import BACKENDS, fresh_database
from tws_companion.protocol import ErrorCode
from tws_companion.server.db import Database, SourceFailure
from tws_companion.server.deps import in_writer
from tws_companion.server.errors import ApiError, CommittedApiError
from tws_companion.server.write_queue import (
    NestedWriteError,
    WriteQueue,
    WriteQueueTimeoutError,
    WriterThread,
)

DEADLINE = 10.0  # seconds; only reached when the behaviour under test is broken


def wait_for_waiting(queue: WriteQueue, count: int) -> None:
    """Until ``count`` writers wait in ``queue`` (the queue tells each one that starts to)."""
    assert queue.wait_for_waiters(count, DEADLINE), f"timed out waiting until {count} writers wait"
    assert queue.waiting == count


def take_turn(queue: WriteQueue) -> None:
    with queue.turn():
        pass


class Worker:
    """A thread running ``action``, keeping what it raised for the test to look at."""

    def __init__(self, action: Callable[[], None]) -> None:
        self.error: BaseException | None = None
        self._action = action
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self._action()
        except BaseException as exc:  # noqa: BLE001 (reported by join())
            self.error = exc

    def start(self) -> Worker:
        self._thread.start()
        return self

    def join(self) -> None:
        self._thread.join(DEADLINE)
        assert not self._thread.is_alive(), "the worker is still blocked"
        if self.error is not None:
            raise self.error


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A SQLite database, where writers queue."""
    database = Database(f"sqlite:///{tmp_path / 'sls.db'}")
    yield database
    database.dispose()


def sources(db: Database) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(SourceFailure.source)))


# --- the queue itself -----------------------------------------------------------------------


def test_writers_get_their_turn_in_the_order_they_asked() -> None:
    queue = WriteQueue()
    order: list[int] = []

    def writer(number: int) -> None:
        with queue.turn():
            order.append(number)

    workers = []
    with queue.turn():
        for number in range(8):
            workers.append(Worker(partial(writer, number)).start())
            wait_for_waiting(queue, number + 1)
    for worker in workers:
        worker.join()
    assert order == list(range(8))


def test_waiting_for_waiters_ends_when_none_come() -> None:
    assert not WriteQueue().wait_for_waiters(1, 0.01)


def test_a_writer_asking_again_as_it_finishes_cannot_overtake_one_already_waiting() -> None:
    # threading.Lock lets the releasing thread take it straight back; the queue hands it on.
    queue = WriteQueue()
    order: list[str] = []

    def waiting_writer() -> None:
        with queue.turn():
            order.append("waiting")

    with queue.turn():
        worker = Worker(waiting_writer).start()
        wait_for_waiting(queue, 1)
    with queue.turn():
        order.append("again")
    worker.join()
    assert order == ["waiting", "again"]


def test_a_turn_asked_for_inside_another_on_the_same_thread_is_refused() -> None:
    for queue in (WriteQueue(), WriteQueue(exclusive=False)):
        with queue.turn(), pytest.raises(NestedWriteError, match="inside another"):  # noqa: SIM117
            with queue.turn():
                pass
        with queue.turn():  # the outer turn was given back despite the refusal
            pass


def test_without_exclusive_writers_do_not_wait_for_each_other() -> None:
    queue = WriteQueue(exclusive=False)
    with queue.turn():
        Worker(partial(take_turn, queue)).start().join()


def test_a_writer_that_waits_too_long_leaves_the_queue_and_the_next_one_gets_in() -> None:
    queue = WriteQueue(timeout=0.05)

    def impatient() -> None:
        with queue.turn():
            raise AssertionError("got the turn while it was held")

    with queue.turn():
        worker = Worker(impatient).start()
        with pytest.raises(WriteQueueTimeoutError, match="write queue"):
            worker.join()
        assert queue.waiting == 0
    Worker(partial(take_turn, queue)).start().join()


# --- the queue in the database ------------------------------------------------------------


def test_sqlite_write_transactions_run_in_the_order_they_were_opened(db: Database) -> None:
    order: list[int] = []

    def writer(number: int) -> None:
        with db.transaction() as s:
            s.add(SourceFailure(source=f"writer-{number}", level=1.0))
            order.append(number)

    workers = []
    with db.transaction():
        for number in range(6):
            workers.append(Worker(partial(writer, number)).start())
            wait_for_waiting(db.write_queue, number + 1)
    for worker in workers:
        worker.join()
    assert order == list(range(6))
    assert sources(db) == {f"writer-{number}" for number in range(6)}


def hold_a_write(
    db: Database, source: str, writing: threading.Event, release: threading.Event
) -> None:
    """Write a row and keep the transaction open (with SQLite, its write lock) until released."""
    with db.transaction() as s:
        s.add(SourceFailure(source=source, level=1.0))
        s.flush()
        writing.set()
        release.wait(DEADLINE)


def test_a_read_does_not_wait_for_a_writer_holding_its_turn(database: Database) -> None:
    writing, release = threading.Event(), threading.Event()
    worker = Worker(partial(hold_a_write, database, "uncommitted", writing, release)).start()
    assert writing.wait(DEADLINE)
    seen = sources(database)
    still_writing = not release.is_set()
    release.set()
    worker.join()
    assert still_writing
    assert seen == set()
    assert sources(database) == {"uncommitted"}


@pytest.mark.parametrize("backend", [BACKENDS[1]])
def test_postgresql_writers_do_not_queue_in_the_process(backend: str, tmp_path: Path) -> None:
    # Its row locks order the writers of one row; writers of other rows go at once.
    with fresh_database(backend, tmp_path) as url:
        db = Database(url)
        writing, release = threading.Event(), threading.Event()
        holder = Worker(partial(hold_a_write, db, "held", writing, release)).start()
        assert writing.wait(DEADLINE)
        with db.transaction() as s:
            s.add(SourceFailure(source="alongside", level=1.0))
        committed_alongside = sources(db)
        release.set()
        holder.join()
        db.dispose()
    assert committed_alongside == {"alongside"}


def test_a_transaction_inside_another_is_refused_at_once_and_rolls_back(database: Database) -> None:
    db = database
    with pytest.raises(NestedWriteError), db.transaction() as outer:  # noqa: PT012
        outer.add(SourceFailure(source="outer", level=1.0))
        outer.flush()  # the outer transaction holds its locks (SQLite's write lock)
        with db.transaction() as inner:
            inner.add(SourceFailure(source="inner", level=1.0))
    # One after the other on the same thread (as after a failed SMS) is fine.
    with db.transaction() as s:
        s.add(SourceFailure(source="first", level=1.0))
    with db.transaction() as s:
        s.add(SourceFailure(source="second", level=1.0))
    assert sources(db) == {"first", "second"}


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        ApiError(ErrorCode.WRONG_RESPONSE, "rolled back"),
        CommittedApiError(ErrorCode.WRONG_RESPONSE, "committed"),
    ],
)
def test_the_queue_moves_on_whatever_a_transaction_raises(
    database: Database, error: Exception
) -> None:
    db = database
    with pytest.raises(type(error)), db.transaction() as s:  # noqa: PT012
        s.add(SourceFailure(source="raised", level=1.0))
        raise error

    def next_writer() -> None:
        with db.transaction() as s:
            s.add(SourceFailure(source="next", level=1.0))

    Worker(next_writer).start().join()
    committed = isinstance(error, CommittedApiError)
    assert sources(db) == ({"raised", "next"} if committed else {"next"})


def test_two_processes_on_one_file_still_exclude_each_other(tmp_path: Path) -> None:
    # Each process has its own queue; SQLite's lock (and its busy timeout) guards between them.
    url = f"sqlite:///{tmp_path / 'sls.db'}"
    first, second = Database(url), Database(url)
    beginning = threading.Event()

    @event.listens_for(second.engine, "before_cursor_execute")
    def _seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            beginning.set()

    def other_process() -> None:
        with second.transaction() as s:
            row = s.get(SourceFailure, "shared")
            assert row is not None, "began before the first process committed"
            row.level += 1

    try:
        with first.transaction() as s:
            s.add(SourceFailure(source="shared", level=1.0))
            s.flush()
            worker = Worker(other_process).start()
            assert beginning.wait(DEADLINE)
        worker.join()
        with second.read() as s:
            row = s.get(SourceFailure, "shared")
            assert row is not None
            assert row.level == 2.0
    finally:
        first.dispose()
        second.dispose()


# --- the writer thread ----------------------------------------------------------------------


def test_the_writer_thread_runs_steps_one_at_a_time_in_the_order_they_came() -> None:
    writer = WriterThread("test-writer")
    started = threading.Event()
    release = threading.Event()
    ran: list[tuple[int, str]] = []

    def step(number: int) -> int:
        ran.append((number, threading.current_thread().name))
        if number == 0:
            started.set()
            release.wait(DEADLINE)  # the others queue behind this one
        return number * 10

    async def requests() -> list[int]:
        first = asyncio.ensure_future(writer.run(step, 0))
        await asyncio.to_thread(started.wait, DEADLINE)
        rest = [asyncio.ensure_future(writer.run(step, number)) for number in range(1, 5)]
        await asyncio.sleep(0)
        queued_while_busy = len(ran)
        release.set()
        answers = await asyncio.gather(first, *rest)
        assert queued_while_busy == 1
        return answers

    try:
        assert asyncio.run(requests()) == [0, 10, 20, 30, 40]
    finally:
        writer.close()
    assert ran == [(number, "test-writer") for number in range(5)]


def test_the_writer_thread_hands_a_step_s_error_to_its_request_and_goes_on() -> None:
    writer = WriterThread()

    def refuse() -> None:
        raise ApiError(ErrorCode.WRONG_RESPONSE, "refused")

    async def requests() -> tuple[BaseException | None, str]:
        error: BaseException | None = None
        try:
            await writer.run(refuse)
        except ApiError as exc:
            error = exc
        return error, await writer.run(str, "next")

    try:
        error, answer = asyncio.run(requests())
    finally:
        writer.close()
    assert isinstance(error, ApiError)
    assert error.code is ErrorCode.WRONG_RESPONSE
    assert answer == "next"


def test_a_step_whose_request_is_cancelled_still_runs_to_its_end() -> None:
    writer = WriterThread()
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def step() -> None:
        started.set()
        release.wait(DEADLINE)
        finished.set()

    async def cancelled_request() -> bool:
        request = asyncio.ensure_future(writer.run(step))
        await asyncio.to_thread(started.wait, DEADLINE)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request
        release.set()
        return await writer.run(finished.is_set)  # runs after the cancelled step

    try:
        assert asyncio.run(cancelled_request())
    finally:
        writer.close()


def test_a_closed_writer_thread_refuses_new_steps() -> None:
    writer = WriterThread()
    assert asyncio.run(writer.run(int, "7")) == 7
    writer.close()
    with pytest.raises(RuntimeError, match="closed"):
        asyncio.run(writer.run(int, "8"))


def test_in_writer_runs_a_step_on_the_writer_thread_on_sqlite_only(database: Database) -> None:
    ctx = SimpleNamespace(db=database)

    def step() -> str:
        with database.transaction() as s:
            s.add(SourceFailure(source="written", level=1.0))
        return threading.current_thread().name

    thread = asyncio.run(in_writer(ctx, step))  # type: ignore[arg-type]
    assert sources(database) == {"written"}
    if database.url.startswith("sqlite"):
        assert thread == "sqlite-writer"
    else:  # PostgreSQL's writers run at once, on the thread pool
        assert database.writer is None
        assert thread != threading.current_thread().name
