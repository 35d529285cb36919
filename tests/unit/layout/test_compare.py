"""Two layouts side by side: what the settings conflict shows of this computer's settings and the
server's (which workspaces, panels, watchlist rows and settings differ)."""

from __future__ import annotations

import copy

from tws_companion.layout import xml_format
from tws_companion.layout.compare import (
    Aspect,
    Change,
    LayoutComparison,
    Presence,
    Row,
    compare,
    describe,
)
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import (
    Chart,
    DockArea,
    Extra,
    Layout,
    Mode,
    Notes,
    OrderEntry,
    OrderType,
    Panel,
    PanelKind,
    Theme,
    Watchlist,
    WatchlistRow,
    Workspace,
)


def desk() -> Layout:
    """The default layout, its workspace named "Trading"."""
    layout = default_layout()
    layout.workstation.workspaces[0].name = "Trading"
    return layout


def panel(layout: Layout, title: str) -> Panel:
    return next(each for each in layout.panels() if each.title == title)


def rows(layout: Layout, title: str = "Watchlist") -> list[WatchlistRow]:
    state = panel(layout, title).state
    assert isinstance(state, Watchlist)
    return state.rows


def only_workspace(comparison: LayoutComparison) -> tuple[str, ...]:
    return tuple(space.name for space in comparison.workspaces)


def test_a_layout_compared_with_a_copy_of_itself_has_no_differences() -> None:
    layout = desk()
    comparison = compare(layout, copy.deepcopy(layout))
    assert comparison.same
    assert comparison == LayoutComparison()
    assert describe(comparison) == "No differences"


def test_the_server_copy_read_back_from_its_xml_is_the_same() -> None:
    written = desk()
    written.workstation.workspaces[0].panels[0].extra = Extra({"future": "1"}, ["<x/>"])
    local = xml_format.loads(xml_format.dumps(written))  # as read from the settings file
    assert local.panels()[0].extra
    assert compare(local, xml_format.loads(xml_format.dumps(local))).same


def test_two_computers_that_started_from_their_own_default_layout_are_matched_by_name() -> None:
    # Every id differs (workspaces, panels, color groups), the content does not.
    first, second = desk(), desk()
    assert first.panels()[0].id != second.panels()[0].id
    assert compare(first, second).same


def test_compare_changes_neither_layout() -> None:
    local, server = desk(), desk()
    server.workstation.workspaces.append(Workspace("Futures", [Panel(Notes("ES"), title="N")]))
    rows(server).append(WatchlistRow("GOOG"))
    before = (xml_format.dumps(local), xml_format.dumps(server))
    compare(local, server)
    assert (xml_format.dumps(local), xml_format.dumps(server)) == before


def test_a_workspace_on_one_side_only_lists_its_panels_and_rows() -> None:
    local, server = desk(), desk()
    server.workstation.workspaces.append(
        Workspace(
            "Futures",
            [
                Panel(Watchlist(rows=[WatchlistRow("ES", "CME"), WatchlistRow("NQ", "CME")])),
                Panel(Chart("ES"), title="ES chart"),
            ],
        )
    )
    comparison = compare(local, server)
    (space,) = comparison.workspaces
    assert (space.left_name, space.right_name, space.presence) == (
        None,
        "Futures",
        Presence.RIGHT_ONLY,
    )
    assert (space.left_panel_count, space.right_panel_count) == (0, 2)
    assert [(p.kind, p.right_title, p.presence) for p in space.panels] == [
        (PanelKind.WATCHLIST, "", Presence.RIGHT_ONLY),
        (PanelKind.CHART, "ES chart", Presence.RIGHT_ONLY),
    ]
    (watchlist,) = comparison.watchlists
    assert watchlist.workspace == "Futures"
    assert watchlist.presence is Presence.RIGHT_ONLY
    assert watchlist.only_right == (Row("ES", "CME"), Row("NQ", "CME"))
    assert (comparison.workspace_count, comparison.panel_count, comparison.row_count) == (1, 2, 2)
    assert describe(comparison) == "1 workspace, 2 panels and 2 watchlist rows differ"

    mirrored = compare(server, local).workspaces[0]
    assert (mirrored.left_name, mirrored.right_name) == ("Futures", None)
    assert mirrored.presence is Presence.LEFT_ONLY


def test_a_renamed_workspace_is_the_same_workspace_with_another_name() -> None:
    local = desk()
    server = copy.deepcopy(local)
    server.workstation.workspaces[0].name = "Stocks"
    (space,) = compare(local, server).workspaces
    assert space.presence is Presence.BOTH
    assert space.changes == (Change(Aspect.NAME, "Trading", "Stocks"),)
    assert space.panels == ()
    assert describe(compare(local, server)) == "1 workspace and 1 setting differ"


def test_added_removed_and_changed_panels_of_a_workspace() -> None:
    local = desk()
    server = copy.deepcopy(local)
    local.workstation.workspaces[0].panels.append(Panel(Notes("earnings"), title="Earnings"))
    server.workstation.workspaces[0].panels = [
        each for each in server.workstation.workspaces[0].panels if each.title != "News"
    ]
    chart = panel(server, "Chart").state
    assert isinstance(chart, Chart)
    chart.symbol, chart.bar_size = "MSFT", "1 day"
    order = panel(server, "Order Entry").state
    assert isinstance(order, OrderEntry)
    order.order_type = OrderType.MARKET

    (space,) = compare(local, server).workspaces
    found = {(p.title, p.presence): p for p in space.panels}
    assert set(found) == {
        ("Chart", Presence.BOTH),
        ("Order Entry", Presence.BOTH),
        ("News", Presence.LEFT_ONLY),
        ("Earnings", Presence.LEFT_ONLY),
    }
    assert found["Chart", Presence.BOTH].changes == (
        Change(Aspect.SYMBOL, "AAPL", "MSFT"),
        Change(Aspect.BAR_SIZE, "5 mins", "1 day"),
    )
    assert found["Order Entry", Presence.BOTH].changes == (Change(Aspect.ORDER_TYPE, "LMT", "MKT"),)
    assert not found["Chart", Presence.BOTH].moved_only


def test_a_panel_docked_elsewhere_has_moved_only() -> None:
    local = desk()
    server = copy.deepcopy(local)
    panel(server, "Portfolio").area = DockArea.FLOATING
    (space,) = compare(local, server).workspaces
    (moved,) = space.panels
    assert moved.title == "Portfolio"
    assert moved.changes == (Change(Aspect.AREA, "bottom", "floating"),)
    assert moved.moved_only


def test_swapping_two_panels_moves_one_of_them() -> None:
    local = desk()
    server = copy.deepcopy(local)
    panels = server.workstation.workspaces[0].panels
    panels[3], panels[4] = panels[4], panels[3]  # Portfolio and News
    (space,) = compare(local, server).workspaces
    (moved,) = space.panels
    assert moved.title in ("Portfolio", "News")
    (change,) = moved.changes
    assert change.aspect is Aspect.ORDER
    assert {change.left, change.right} == {4, 5}
    assert moved.moved_only


def test_a_panel_following_another_color_group() -> None:
    local = desk()
    server = copy.deepcopy(local)
    green = server.workstation.color_groups[1].id
    panel(server, "Chart").color_group = green
    (space,) = compare(local, server).workspaces
    assert space.panels[0].changes == (Change(Aspect.COLOR_GROUP, "Red", "Green"),)


def test_watchlist_rows_on_one_side_only() -> None:
    local = desk()
    server = copy.deepcopy(local)
    rows(local).extend([WatchlistRow("GOOG"), WatchlistRow("META")])
    rows(server).pop(0)  # AAPL
    rows(server).append(WatchlistRow("ES", "CME"))
    comparison = compare(local, server)
    (watchlist,) = comparison.watchlists
    assert (watchlist.workspace, watchlist.title) == ("Trading", "Watchlist")
    assert watchlist.only_left == (Row("AAPL", "SMART"), Row("GOOG", "SMART"), Row("META", "SMART"))
    assert watchlist.only_right == (Row("ES", "CME"),)
    assert (watchlist.left_rows, watchlist.right_rows) == (10, 8)
    assert not watchlist.order_differs
    # The watchlist panel itself differs by its rows.
    (space,) = comparison.workspaces
    assert space.panels[0].changes == (Change(Aspect.ROWS, 10, 8),)
    assert describe(comparison) == "1 panel and 4 watchlist rows differ"


def test_the_same_rows_in_another_order() -> None:
    local = desk()
    server = copy.deepcopy(local)
    rows(server).reverse()
    (watchlist,) = compare(local, server).watchlists
    assert watchlist.order_differs
    assert watchlist.row_count == 0
    assert describe(compare(local, server)) == "1 panel differs"


def test_a_row_listed_twice_on_one_side_is_one_more_row_there_not_another_order() -> None:
    local = desk()
    server = copy.deepcopy(local)
    rows(local).append(copy.deepcopy(rows(local)[0]))  # the same symbol added again here
    (watchlist,) = compare(local, server).watchlists
    assert not watchlist.order_differs
    assert [row.symbol for row in watchlist.only_left] == [rows(local)[0].symbol]
    assert watchlist.only_right == ()


def test_mode_workspace_shown_and_global_configuration() -> None:
    local = desk()
    server = copy.deepcopy(local)
    server.workstation.mode = Mode.CLASSIC
    server.workstation.workspaces.append(Workspace("Empty"))
    server.workstation.active_workspace = 1
    server.global_config.lock_and_exit.autosave_minutes = None
    server.global_config.lock_and_exit.use_server_settings = True
    server.global_config.display.theme = Theme.DARK
    comparison = compare(local, server)
    assert comparison.mode == Change(Aspect.MODE, "mosaic", "classic")
    assert comparison.workstation == (
        Change(Aspect.MODE, "mosaic", "classic"),
        Change(Aspect.ACTIVE_WORKSPACE, "Trading", "Empty"),
    )
    assert comparison.global_config == (
        Change(Aspect.AUTOSAVE_MINUTES, 10, None),
        Change(Aspect.USE_SERVER_SETTINGS, False, True),
        Change(Aspect.THEME, "light", "dark"),
    )
    assert describe(comparison) == "1 workspace and 5 settings differ"


def test_color_groups_by_name() -> None:
    local = desk()
    server = copy.deepcopy(local)
    server.workstation.color_groups[0].color = "#000000"
    server.workstation.color_groups[0].symbol = "MSFT"
    del server.workstation.color_groups[2]  # Blue
    comparison = compare(local, server)
    assert [(g.name, g.presence) for g in comparison.color_groups] == [
        ("Red", Presence.BOTH),
        ("Blue", Presence.LEFT_ONLY),
    ]
    assert comparison.color_groups[0].changes == (
        Change(Aspect.COLOR, "#d9534f", "#000000"),
        Change(Aspect.SYMBOL, "AAPL", "MSFT"),
    )
    assert describe(comparison) == "2 color groups differ"


def test_what_a_newer_version_wrote_differs() -> None:
    local = desk()
    server = copy.deepcopy(local)
    server.workstation.extra = Extra({"layers": "3"})
    comparison = compare(local, server)
    assert comparison.other
    assert not comparison.same
    assert describe(comparison) == "Only settings written by a newer version differ"

    server = copy.deepcopy(local)
    rows(server)[0].extra = Extra({"alert": "150"})
    (space,) = compare(local, server).workspaces
    assert space.panels[0].other
    assert space.panels[0].changes == ()


def test_a_large_difference_in_one_line() -> None:
    local = desk()
    server = copy.deepcopy(local)
    for name in ("Futures", "Options"):
        server.workstation.workspaces.append(
            Workspace(name, [Panel(Watchlist(rows=[WatchlistRow(f"{name}{n}") for n in range(5)]))])
        )
    for title in ("Chart", "News", "Notes"):
        panel(server, title).area = DockArea.TOP
    rows(local).extend(WatchlistRow(f"X{n}") for n in range(2))
    assert describe(compare(local, server)) == (
        "2 workspaces, 6 panels and 12 watchlist rows differ"
    )
