"""The layout model's bulk row maker gives the rows the class itself makes."""

from __future__ import annotations

import dataclasses

import pytest

from tws_companion.layout.model import Extra, WatchlistRow, plain_rows


def test_plain_rows_are_the_rows_the_class_makes() -> None:
    symbols, exchanges = ["AAPL", "MSFT", "700"], ["SMART", "NASDAQ", "SEHK"]

    made = plain_rows(symbols, exchanges)

    assert made == [WatchlistRow(s, e) for s, e in zip(symbols, exchanges, strict=True)]
    # Every field is set (a field added to either class without plain_rows setting it fails).
    for row in made:
        for field in dataclasses.fields(WatchlistRow):
            getattr(row, field.name)
        for field in dataclasses.fields(Extra):
            getattr(row.extra, field.name)


def test_plain_rows_own_their_unknown_data() -> None:
    first, second = plain_rows(["AAPL", "MSFT"], ["SMART", "SMART"])

    first.extra.children.append("<mine/>")
    first.extra.attributes["mine"] = "1"

    assert second.extra == Extra()


def test_plain_rows_refuse_lists_of_different_lengths() -> None:
    with pytest.raises(ValueError):
        plain_rows(["AAPL", "MSFT"], ["SMART"])
