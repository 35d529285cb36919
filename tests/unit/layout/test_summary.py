"""The preview of a layout: what Layout/Settings Recovery and ``settings show`` tell the user."""

from __future__ import annotations

import pytest

from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import (
    Chart,
    ColorGroup,
    Display,
    GlobalConfig,
    Layout,
    LockAndExit,
    Mode,
    Notes,
    Panel,
    PanelKind,
    Theme,
    Watchlist,
    WatchlistRow,
    Workspace,
    Workstation,
)
from tws_companion.layout.summary import LayoutSummary, describe, summarize


def trading_layout() -> Layout:
    return Layout(
        global_config=GlobalConfig(
            lock_and_exit=LockAndExit(
                auto_logoff_time="05:30",
                logoff_warning_minutes=1,
                lock_after_idle_minutes=15,
                autosave_minutes=None,
                save_on_exit=False,
                use_server_settings=True,
            ),
            display=Display(theme=Theme.DARK, font_size=13, language="zh_CN"),
        ),
        workstation=Workstation(
            mode=Mode.CLASSIC,
            workspaces=[
                Workspace(
                    "股票",
                    [
                        Panel(Watchlist(rows=[WatchlistRow(s) for s in ("A", "B", "C")])),
                        Panel(Watchlist(rows=[WatchlistRow("D")])),
                        Panel(Chart()),
                    ],
                ),
                Workspace("Line\nbreak", [Panel(Notes("x"))]),
                Workspace("Empty"),
            ],
            active_workspace=1,
            color_groups=[ColorGroup("Red", "#ff0000"), ColorGroup("蓝", "#0000ff")],
        ),
    )


def test_summarize_counts_what_the_layout_holds() -> None:
    summary = summarize(trading_layout())
    assert summary == LayoutSummary(
        mode=Mode.CLASSIC,
        workspaces=("股票", "Line\nbreak", "Empty"),
        active_workspace=1,
        panel_counts=((PanelKind.WATCHLIST, 2), (PanelKind.CHART, 1), (PanelKind.NOTES, 1)),
        watchlist_rows=4,
        color_groups=("Red", "蓝"),
        auto_logoff_time="05:30",
        logoff_warning_minutes=1,
        lock_after_idle_minutes=15,
        autosave_minutes=None,
        save_on_exit=False,
        use_server_settings=True,
        theme=Theme.DARK,
        font_size=13,
        language="zh_CN",
    )
    assert summary.panel_total == 4
    assert summary.count(PanelKind.WATCHLIST) == 2
    assert summary.count(PanelKind.PORTFOLIO) == 0


def test_a_summary_cannot_be_changed_by_accident() -> None:
    summary = summarize(default_layout())
    with pytest.raises(AttributeError):
        summary.font_size = 20  # type: ignore[misc]
    assert hash(summary) == hash(summarize(default_layout()))


def test_describe_words_the_default_layout() -> None:
    assert describe(summarize(default_layout())) == [
        "Mode: Mosaic",
        "Workspaces (1): Mosaic (active)",
        "Panels (6): 1 watchlist, 1 order entry panel, 1 chart, 1 portfolio panel, 1 news panel, "
        "1 notes panel",
        "Watchlist rows: 8",
        "Color groups (3): Red, Green, Blue",
        "Lock and Exit: auto log-off at 23:45 (warning 5 minutes before), lock when idle: never, "
        "auto-save: every 10 minutes, save on exit: yes, use/store settings on server: no",
        "Display: theme light, font size 10, language en",
    ]


def test_describe_words_plurals_none_and_names_on_one_line() -> None:
    lines = describe(summarize(trading_layout()))
    assert lines == [
        "Mode: Classic",
        "Workspaces (3): 股票, Line break (active), Empty",
        "Panels (4): 2 watchlists, 1 chart, 1 notes panel",
        "Watchlist rows: 4",
        "Color groups (2): Red, 蓝",
        "Lock and Exit: auto log-off at 05:30 (warning 1 minute before), lock when idle: after "
        "15 minutes, auto-save: never, save on exit: no, use/store settings on server: yes",
        "Display: theme dark, font size 13, language zh_CN",
    ]


def test_describe_an_empty_layout() -> None:
    lines = describe(summarize(Layout()))
    assert lines[1:5] == [
        "Workspaces (0): none",
        "Panels (0): none",
        "Watchlist rows: 0",
        "Color groups (0): none",
    ]


def test_large_counts_are_grouped() -> None:
    layout = Layout(
        workstation=Workstation(
            workspaces=[
                Workspace("Big", [Panel(Watchlist(rows=[WatchlistRow("X")] * 20_000))] * 1_000)
            ]
        )
    )
    lines = describe(summarize(layout))
    assert "Panels (1,000): 1,000 watchlists" in lines
    assert "Watchlist rows: 20,000,000" in lines
