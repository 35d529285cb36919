"""Objects made in bulk: the garbage collector held off while any thread builds, and back on
only when the last build ends (and only if it was on before)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator

import pytest

from tws_companion.layout import bulk

WAIT_S = 10


@pytest.fixture
def automatic_collection() -> Iterator[None]:
    """Automatic collection on for the test, as it was before afterwards."""
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was_enabled else gc.disable)()


class _Build:
    """A build on a thread of its own: it begins, then waits to be told to end."""

    def __init__(self) -> None:
        self.begun = threading.Event()
        self.end = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        with bulk.collector_paused():
            self.begun.set()
            assert self.end.wait(WAIT_S)

    def start(self) -> None:
        self.thread.start()
        assert self.begun.wait(WAIT_S)

    def finish(self) -> None:
        self.end.set()
        self.thread.join(WAIT_S)
        assert not self.thread.is_alive()


def _overlapping(first: _Build, second: _Build, between: Callable[[], None]) -> None:
    first.start()
    second.start()
    first.finish()  # the first to begin ends first; the other still builds
    between()
    second.finish()


@pytest.mark.usefixtures("automatic_collection")
def test_collection_stays_off_until_the_last_of_two_overlapping_builds_ends() -> None:
    seen: list[tuple[bool, bool]] = []
    _overlapping(_Build(), _Build(), lambda: seen.append((gc.isenabled(), bulk.under_way())))
    assert seen == [(False, True)]  # one build ended, the other goes on: still held off
    assert gc.isenabled()  # the last one ended: back on, as it was
    assert not bulk.under_way()


def test_collection_off_before_the_builds_stays_off_after_them() -> None:
    """As in the GUI, whose collector switched automatic collection off for good."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        seen: list[bool] = []
        _overlapping(_Build(), _Build(), lambda: seen.append(gc.isenabled()))
        assert seen == [False]
        assert not gc.isenabled()
        assert not bulk.under_way()
    finally:
        (gc.enable if was_enabled else gc.disable)()


@pytest.mark.usefixtures("automatic_collection")
def test_what_a_build_made_is_filed_with_the_old_objects() -> None:
    """No young collection walks it again: it is in the oldest generation."""
    with bulk.collector_paused(file_away=True):
        assert not gc.isenabled()
        made = [[n] for n in range(1_000)]
    assert gc.isenabled()
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    assert id(made) in oldest
    assert all(id(item) in oldest for item in made)
    young = {id(item) for item in gc.get_objects(generation=0)}
    assert id(made) not in young
