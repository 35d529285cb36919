"""The GUI thread's garbage collector: full collections only as the heap grows, and then surely."""

from __future__ import annotations

import gc
import sys

from pytestqt.qtbot import QtBot

from tws_companion.gui.garbage import BULK_WAITS, FULL_GROWTH, GuiThreadCollector
from tws_companion.layout import bulk


class _Cycle:
    """A reference cycle that counts its own collection."""

    collected = 0

    def __init__(self) -> None:
        self.me = self
        self.payload = [None] * 4

    def __del__(self) -> None:
        _Cycle.collected += 1


def _full_collections() -> int:
    return int(gc.get_stats()[2]["collections"])


def _age(collector: GuiThreadCollector) -> None:
    """Until the oldest generation's count has passed its threshold, as the collector's own
    younger collections bring it there."""
    while gc.get_count()[2] <= collector.thresholds[2]:
        gc.collect(1)


def test_no_full_collection_while_the_heap_does_not_grow(qtbot: QtBot) -> None:
    collector = GuiThreadCollector()
    collector.start()
    try:
        _age(collector)
        before = _full_collections()
        for _ in range(50):
            collector.check()
        assert _full_collections() == before
        # The heap grows by more than a quarter: the next check collects it whole.
        grown = [[n] for n in range(int(sys.getallocatedblocks() * FULL_GROWTH) + 10_000)]
        gc.collect(1)  # they survive into the oldest generation
        _age(collector)
        collector.check()
        assert _full_collections() == before + 1
        assert collector.full_above > sys.getallocatedblocks()
        del grown
    finally:
        collector.stop()


def test_cycles_that_reach_the_oldest_generation_never_pile_up(qtbot: QtBot) -> None:
    collector = GuiThreadCollector()
    collector.start()
    try:
        gc.collect()
        baseline = sys.getallocatedblocks()
        collector.full_above = int(baseline * (1 + FULL_GROWTH))
        _Cycle.collected = 0
        made = 0
        highest = baseline
        # Half as many cycles as the heap has blocks (each takes two or three), a batch at a
        # time, each batch old before it dies (as a closed window's objects are): without full
        # collections the heap would double or more.
        batch = 2_000
        while made < baseline // 2:
            cycles = [_Cycle() for _ in range(batch)]
            gc.collect(1)  # they survive into the oldest generation...
            del cycles  # ...and die there, out of reach of the younger collections
            made += batch
            collector.check()
            highest = max(highest, sys.getallocatedblocks())
        assert _Cycle.collected > made // 2
        # Within a quarter of the heap, and the one batch made before a check.
        assert highest < baseline * (1 + FULL_GROWTH) + 4 * batch
    finally:
        collector.stop()


def test_collections_wait_for_a_bulk_build_on_another_thread_a_few_checks_at_most(
    qtbot: QtBot,
) -> None:
    collector = GuiThreadCollector()
    collector.start()
    try:
        young = [[n] for n in range(collector.thresholds[0] * 3)]  # a young collection is due
        assert gc.get_count()[0] > collector.thresholds[0]
        before = _young_collections()
        with bulk.collector_paused():  # as the worker reading a layout holds it
            for _ in range(BULK_WAITS):
                collector.check()
            assert _young_collections() == before  # the half-made objects are not walked
            collector.check()  # waited long enough: memory is not left unchecked
            assert _young_collections() > before
        del young
    finally:
        collector.stop()


def _young_collections() -> int:
    return sum(int(stats["collections"]) for stats in gc.get_stats()[:2])
