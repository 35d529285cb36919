"""Importing parts of a settings file: replace or merge each part, with Undo by the old layout."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import random
from collections.abc import Iterator

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from tws_companion.layout.defaults import default_layout
from tws_companion.layout.model import (
    Chart,
    ColorGroup,
    Display,
    Extra,
    GlobalConfig,
    Layout,
    News,
    Notes,
    OrderEntry,
    Panel,
    Theme,
    Watchlist,
    WatchlistRow,
    Workspace,
    Workstation,
)
from tws_companion.layout.partial import Part, import_parts


def watchlist(title: str, *rows: str, id: str, group: str | None = None) -> Panel:
    """A watchlist panel; a row "SYM@EXCH" is on that exchange, else on SMART."""
    parsed = [WatchlistRow(row.partition("@")[0], row.partition("@")[2] or "SMART") for row in rows]
    return Panel(Watchlist(rows=parsed), title=title, id=id, color_group=group)


def current_layout() -> Layout:
    return Layout(
        workstation=Workstation(
            color_groups=[
                ColorGroup("Red", "#ff0000", id="c-red", symbol="AAPL"),
                ColorGroup("Green", "#00ff00", id="c-green"),
            ],
            workspaces=[
                Workspace(
                    "Main",
                    [
                        watchlist("Tech", "AAPL", "MSFT", id="p-tech", group="c-red"),
                        Panel(Chart("AAPL"), title="Chart", id="p-chart", color_group="c-red"),
                        watchlist("Energy", "XOM", id="p-energy", group="c-green"),
                    ],
                    id="w-main",
                ),
                Workspace("Futures", [Panel(OrderEntry("ES"), title="ES", id="p-es")], id="w-fut"),
            ],
            active_workspace=1,
        )
    )


def incoming_layout() -> Layout:
    return Layout(
        global_config=GlobalConfig(display=Display(theme=Theme.DARK, font_size=14)),
        workstation=Workstation(
            color_groups=[
                ColorGroup("red", "#aa0000", id="i-red", symbol="MSFT"),
                ColorGroup("Blue", "#0000ff", id="i-blue"),
            ],
            workspaces=[
                Workspace(
                    "main",
                    [
                        # Same id as a current panel: a file of this user, say.
                        watchlist(
                            "TECH", "MSFT", "NVDA", "AAPL@NASDAQ", id="p-tech", group="i-red"
                        ),
                        Panel(News(keyword="oil"), title="News", id="p-news", color_group="i-blue"),
                    ],
                    id="i-main",
                ),
                Workspace(
                    "Options",
                    # A group the file does not hold but this layout does.
                    [watchlist("Options", "SPY", id="p-opt", group="c-green")],
                    id="w-main",
                ),
            ],
            active_workspace=1,
        ),
    )


def all_ids(layout: Layout) -> list[str]:
    station = layout.workstation
    return (
        [group.id for group in station.color_groups]
        + [space.id for space in station.workspaces]
        + [panel.id for panel in layout.panels()]
    )


def assert_consistent(layout: Layout) -> None:
    ids = all_ids(layout)
    assert len(ids) == len(set(ids)), "ids are unique"
    groups = {group.id for group in layout.workstation.color_groups}
    for panel in layout.panels():
        assert panel.color_group is None or panel.color_group in groups
    assert 0 <= layout.workstation.active_workspace < max(len(layout.workstation.workspaces), 1)


def mutable_parts(value: object) -> Iterator[object]:
    """Every list, dict and model object inside ``value``."""
    if isinstance(value, list):
        yield value
        for item in value:
            yield from mutable_parts(item)
    elif isinstance(value, dict):
        yield value
        for item in value.values():
            yield from mutable_parts(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for field in dataclasses.fields(value):
            yield from mutable_parts(getattr(value, field.name))


def rows(panel: Panel) -> list[tuple[str, str]]:
    assert isinstance(panel.state, Watchlist)
    return [(row.symbol, row.exchange) for row in panel.state.rows]


def by_title(layout: Layout, title: str) -> Panel:
    (panel,) = [panel for panel in layout.panels() if panel.title == title]
    return panel


ALL_CHOICES = [
    pytest.param(set(parts), merge, id=f"{'+'.join(parts) or 'nothing'}-{'merge' * merge}")
    for count in range(len(Part) + 1)
    for parts in itertools.combinations(Part, count)
    for merge in (False, True)
]


@pytest.mark.parametrize(("parts", "merge"), ALL_CHOICES)
def test_the_inputs_are_untouched_and_the_result_shares_nothing_with_them(
    parts: set[Part], merge: bool
) -> None:
    current, incoming = current_layout(), incoming_layout()
    before = copy.deepcopy((current, incoming))

    result = import_parts(current, incoming, parts, merge=merge)

    assert (current, incoming) == before
    assert_consistent(result)
    inputs = {id(part) for part in mutable_parts(current)} | {
        id(part) for part in mutable_parts(incoming)
    }
    assert not [part for part in mutable_parts(result) if id(part) in inputs]
    # Undo is the previous layout: changing the result changes nothing of it.
    for panel in result.panels():
        panel.title += " changed"
        if isinstance(panel.state, Watchlist):
            panel.state.rows.clear()
    assert (current, incoming) == before


def test_importing_nothing_gives_an_equal_layout() -> None:
    current = current_layout()
    result = import_parts(current, incoming_layout(), [], merge=True)
    assert result == current
    assert result is not current


def test_replacing_the_workspaces() -> None:
    result = import_parts(current_layout(), incoming_layout(), [Part.WORKSPACES], merge=False)

    station = result.workstation
    assert [space.name for space in station.workspaces] == ["main", "Options"]
    assert station.active_workspace == 1
    # The ids of the file are kept: no current workspace or panel is left to collide with.
    assert [space.id for space in station.workspaces] == ["i-main", "w-main"]
    assert [panel.id for panel in result.panels()] == ["p-tech", "p-news", "p-opt"]
    assert rows(by_title(result, "TECH")) == [
        ("MSFT", "SMART"),
        ("NVDA", "SMART"),
        ("AAPL", "NASDAQ"),
    ]
    # Color groups were not imported: the file's "red" is this layout's "Red", "Blue" is not here.
    assert by_title(result, "TECH").color_group == "c-red"
    assert by_title(result, "News").color_group is None
    assert by_title(result, "Options").color_group == "c-green"
    assert [group.id for group in station.color_groups] == ["c-red", "c-green"]
    assert result.global_config == GlobalConfig()


def test_merging_the_workspaces() -> None:
    current = current_layout()
    result = import_parts(current, incoming_layout(), [Part.WORKSPACES], merge=True)

    station = result.workstation
    assert [space.name for space in station.workspaces] == [
        "Main",
        "Futures",
        "main (2)",
        "Options",
    ]
    assert station.active_workspace == 1
    # The current workspaces and panels keep their ids (their window geometry is filed by them).
    assert [space.id for space in station.workspaces[:2]] == ["w-main", "w-fut"]
    assert [p.id for p in result.panels()[:4]] == ["p-tech", "p-chart", "p-energy", "p-es"]
    new_tech = station.workspaces[2].panels[0]
    assert new_tech.title == "TECH"
    assert new_tech.id != "p-tech"
    assert station.workspaces[3].id != "w-main"
    assert station.workspaces[2].id == "i-main"
    assert station.workspaces[2].panels[1].id == "p-news"
    assert new_tech.color_group == "c-red"
    assert_consistent(result)


def test_a_workspace_name_taken_several_times_gets_the_next_number() -> None:
    current = current_layout()
    current.workstation.workspaces[1].name = "Main (2)"
    incoming = incoming_layout()
    incoming.workstation.workspaces[1].name = "MAIN"
    result = import_parts(current, incoming, [Part.WORKSPACES], merge=True)
    names = [space.name for space in result.workstation.workspaces]
    assert names == ["Main", "Main (2)", "main (3)", "MAIN (4)"]


def test_merging_the_watchlists() -> None:
    result = import_parts(current_layout(), incoming_layout(), [Part.WATCHLISTS], merge=True)

    # "TECH" merged into "Tech": new symbols appended in order, AAPL on NASDAQ is another row.
    tech = by_title(result, "Tech")
    assert rows(tech) == [
        ("AAPL", "SMART"),
        ("MSFT", "SMART"),
        ("NVDA", "SMART"),
        ("AAPL", "NASDAQ"),
    ]
    assert (tech.id, tech.color_group) == ("p-tech", "c-red")
    assert rows(by_title(result, "Energy")) == [("XOM", "SMART")]
    # "Options" has no counterpart: it joins the active workspace, with its color group.
    futures = result.workstation.workspaces[1]
    assert [panel.title for panel in futures.panels] == ["ES", "Options"]
    assert futures.panels[1].color_group == "c-green"
    # Only watchlists came: no news panel, no new workspace.
    assert [space.name for space in result.workstation.workspaces] == ["Main", "Futures"]
    assert not [panel for panel in result.panels() if panel.title == "News"]


def test_replacing_the_watchlists() -> None:
    result = import_parts(current_layout(), incoming_layout(), [Part.WATCHLISTS], merge=False)

    tech = by_title(result, "Tech")
    assert rows(tech) == [("MSFT", "SMART"), ("NVDA", "SMART"), ("AAPL", "NASDAQ")]
    # It keeps its place, id and color group.
    assert result.workstation.workspaces[0].panels[0] is tech
    assert (tech.id, tech.color_group) == ("p-tech", "c-red")
    # "Energy" has no counterpart in the file: replaced by nothing.
    assert [panel.title for panel in result.workstation.workspaces[0].panels] == ["Tech", "Chart"]
    assert [panel.title for panel in result.workstation.workspaces[1].panels] == ["ES", "Options"]


def test_watchlists_come_with_their_workspaces_when_both_are_chosen() -> None:
    both = import_parts(
        current_layout(), incoming_layout(), [Part.WORKSPACES, Part.WATCHLISTS], merge=True
    )
    alone = import_parts(current_layout(), incoming_layout(), [Part.WORKSPACES], merge=True)
    assert rows(by_title(both, "Tech")) == [("AAPL", "SMART"), ("MSFT", "SMART")]
    assert [p.title for p in both.panels()] == [p.title for p in alone.panels()]


def test_watchlists_into_a_layout_without_workspaces_get_one() -> None:
    current = Layout()
    result = import_parts(current, incoming_layout(), [Part.WATCHLISTS], merge=True)
    assert [space.name for space in result.workstation.workspaces] == ["Watchlists"]
    assert [panel.title for panel in result.panels()] == ["TECH", "Options"]
    assert all(panel.color_group is None for panel in result.panels())


def test_replacing_the_color_groups() -> None:
    result = import_parts(current_layout(), incoming_layout(), [Part.COLOR_GROUPS], merge=False)

    groups = result.workstation.color_groups
    assert [(g.name, g.color, g.id, g.symbol) for g in groups] == [
        ("red", "#aa0000", "i-red", "MSFT"),
        ("Blue", "#0000ff", "i-blue", ""),
    ]
    # Current panels follow the group of the same name, or none.
    assert by_title(result, "Tech").color_group == "i-red"
    assert by_title(result, "Chart").color_group == "i-red"
    assert by_title(result, "Energy").color_group is None


def test_merging_the_color_groups() -> None:
    result = import_parts(current_layout(), incoming_layout(), [Part.COLOR_GROUPS], merge=True)

    groups = result.workstation.color_groups
    assert [(g.name, g.color, g.id) for g in groups] == [
        ("Red", "#ff0000", "c-red"),
        ("Green", "#00ff00", "c-green"),
        ("Blue", "#0000ff", "i-blue"),
    ]
    assert by_title(result, "Tech").color_group == "c-red"
    assert by_title(result, "Energy").color_group == "c-green"


def test_merged_color_groups_are_followed_by_the_panels_of_the_file() -> None:
    result = import_parts(
        current_layout(), incoming_layout(), [Part.COLOR_GROUPS, Part.WORKSPACES], merge=True
    )
    spaces = result.workstation.workspaces
    assert spaces[2].panels[0].color_group == "c-red"  # the file's "red" is "Red"
    assert spaces[2].panels[1].color_group == "i-blue"  # "Blue" was added
    assert spaces[3].panels[0].color_group == "c-green"


def test_replaced_color_groups_are_followed_by_the_panels_of_the_file() -> None:
    result = import_parts(
        current_layout(), incoming_layout(), [Part.COLOR_GROUPS, Part.WORKSPACES], merge=False
    )
    assert [p.color_group for p in result.panels()] == ["i-red", "i-blue", None]


def test_a_color_group_id_of_the_file_taken_by_another_group_gets_a_new_id() -> None:
    incoming = incoming_layout()
    incoming.workstation.color_groups[1].id = "c-red"  # "Blue", with the id of this "Red"
    incoming.workstation.workspaces[0].panels[1].color_group = "c-red"
    result = import_parts(
        current_layout(), incoming, [Part.COLOR_GROUPS, Part.WORKSPACES], merge=True
    )
    blue = result.workstation.color_groups[2]
    assert blue.name == "Blue"
    assert blue.id not in ("c-red", "c-green")
    news = result.workstation.workspaces[2].panels[1]
    assert news.color_group == blue.id
    assert_consistent(result)


@pytest.mark.parametrize("merge", [False, True])
def test_the_global_configuration_is_replaced_either_way(merge: bool) -> None:
    current = current_layout()
    result = import_parts(current, incoming_layout(), [Part.GLOBAL_CONFIG], merge=merge)
    assert result.global_config == incoming_layout().global_config
    assert result.workstation == current.workstation


def test_unknown_data_of_the_layout_stays() -> None:
    current = current_layout()
    current.extra = Extra({"build": "1"}, ["<a />"])
    incoming = incoming_layout()
    incoming.extra = Extra({"build": "2"}, ["<b />"])
    incoming.workstation.workspaces[0].extra = Extra({"tab": "x"})
    result = import_parts(current, incoming, list(Part), merge=False)
    assert result.extra == current.extra
    assert result.workstation.workspaces[0].extra == Extra({"tab": "x"})


def test_parts_may_be_named_by_their_values() -> None:
    result = import_parts(current_layout(), incoming_layout(), ["global_config"], merge=False)  # type: ignore[list-item]
    assert result.global_config.display.theme == Theme.DARK


def test_a_backup_of_the_same_layout_merged_in_gets_new_ids_for_all_that_collide() -> None:
    current = default_layout()
    backup = copy.deepcopy(current)
    result = import_parts(current, backup, [Part.WORKSPACES, Part.COLOR_GROUPS], merge=True)
    assert len(result.workstation.workspaces) == 2
    assert result.workstation.color_groups == current.workstation.color_groups
    first, second = result.workstation.workspaces
    assert [p.color_group for p in first.panels] == [p.color_group for p in second.panels]
    assert_consistent(result)


def random_layout(rng: random.Random, prefix: str) -> Layout:
    """A layout whose ids, names and titles come from small pools, so that they collide."""
    ids = rng.sample([f"id{n}" for n in range(40)], 40)
    groups = [
        ColorGroup(rng.choice(["Red", "red", "Blue", "Green"]), "#123456", id=ids.pop())
        for _ in range(rng.randrange(4))
    ]
    group_ids = [group.id for group in groups] + [None, "gone"]
    spaces = []
    for _ in range(rng.randrange(4)):
        panels = []
        for _ in range(rng.randrange(5)):
            kind = rng.choice(["watch", "watch", "notes", "chart"])
            group = rng.choice(group_ids)
            if kind == "watch":
                symbols = rng.sample(["A", "B", "C", "D", "a"], rng.randrange(4))
                title = rng.choice(["W1", "w1", "W2"])
                panels.append(watchlist(title, *symbols, id=ids.pop(), group=group))
            else:
                state = Notes(prefix) if kind == "notes" else Chart(prefix)
                panels.append(Panel(state, title=kind, id=ids.pop(), color_group=group))
        spaces.append(Workspace(rng.choice(["Main", "main", "Other"]), panels, id=ids.pop()))
    active = rng.randrange(max(len(spaces), 1))
    station = Workstation(workspaces=spaces, color_groups=groups, active_workspace=active)
    return Layout(workstation=station)


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    parts=st.sets(st.sampled_from(Part)),
    merge=st.booleans(),
)
def test_any_import_leaves_a_consistent_layout_and_its_inputs_untouched(
    seed: int, parts: set[Part], merge: bool
) -> None:
    rng = random.Random(seed)
    current, incoming = random_layout(rng, "current"), random_layout(rng, "incoming")
    for layout in (current, incoming):  # the "gone" group is not there: not a consistent input
        for panel in layout.panels():
            if panel.color_group == "gone":
                panel.color_group = None
    if incoming.workstation.workspaces:
        # A panel of the file that follows a group the file does not hold.
        dangling = watchlist("W1", "Z", id="id-dangling", group="gone")
        incoming.workstation.workspaces[0].panels.append(dangling)
    before = copy.deepcopy((current, incoming))

    result = import_parts(current, incoming, parts, merge=merge)

    assert (current, incoming) == before
    assert_consistent(result)
    # What was not chosen is as it was.
    if Part.GLOBAL_CONFIG not in parts:
        assert result.global_config == current.global_config
    if Part.COLOR_GROUPS not in parts:
        assert result.workstation.color_groups == current.workstation.color_groups
    if not parts & {Part.WORKSPACES, Part.WATCHLISTS, Part.COLOR_GROUPS}:
        assert result.workstation == current.workstation
    if Part.WORKSPACES in parts and merge:
        spaces = result.workstation.workspaces
        assert len(spaces) == len(current.workstation.workspaces) + len(
            incoming.workstation.workspaces
        )
        names = [space.name.casefold() for space in spaces]
        for added in spaces[len(current.workstation.workspaces) :]:
            assert names.count(added.name.casefold()) == 1
    if Part.WATCHLISTS in parts and Part.WORKSPACES not in parts and merge:
        # Every row of the file's watchlists is in the result.
        assert symbols(incoming) <= symbols(result)


def symbols(layout: Layout) -> set[tuple[str, str]]:
    return {
        (symbol.casefold(), exchange) for p in layout.watchlists() for symbol, exchange in rows(p)
    }
