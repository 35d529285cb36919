"""Importing only parts of a settings file (beyond TWS), replacing or merging.

:func:`import_parts` never changes its inputs: it returns a new :class:`Layout` that shares
nothing with them, so Undo is going back to the previous ``Layout`` object.

The parts (:class:`Part`) and what each does:

* **Workspaces** (with their panels). Replace: the workspaces become the file's, and so does the
  active tab. Merge: the file's workspaces are added after the current ones; a name that exists
  gets a suffix (``"Trading (2)"``). Watchlists travel with their workspaces, so choosing
  Watchlists as well changes nothing more.
* **Watchlists**, matched by title (ignoring case). Replace: a current watchlist with a
  counterpart in the file takes its columns and rows (and keeps its place, id and color group);
  one without a counterpart is removed; a watchlist of the file without a counterpart is added to
  the active workspace. Merge: the rows of the file's watchlist are appended to the current
  one's, skipping symbols already there (same symbol and exchange, ignoring case), in their
  order; a watchlist without a counterpart is added to the active workspace.
* **Color groups**, matched by name (ignoring case). Replace: the color groups become the file's;
  current panels follow the group of the same name, or none. Merge: a group of the file whose
  name exists is the existing one (its color and symbol stay); the others are added.
* **Global Configuration** (Lock and Exit, Display): merging is replacing, the same as in TWS; a
  configuration is one set of choices, not a list.

Panels that come from the file keep their color group: the group they named in the file, as it
is in the result (by id, or by name when the groups were not imported or were merged); a panel
whose group is not in the result has none. Ids stay unique in the result: what comes from the
file gets a new id only when its id is taken. The mode (Mosaic or Classic) and what this version
does not know of the layout and the workstation (``extra``) stay as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from enum import StrEnum
from typing import Any, TypeVar

from tws_companion.layout import bulk
from tws_companion.layout.model import (
    Extra,
    Layout,
    Panel,
    Watchlist,
    WatchlistRow,
    Workspace,
    Workstation,
    new_id,
)

__all__ = ["Part", "import_parts"]

T = TypeVar("T")


class Part(StrEnum):
    WORKSPACES = "workspaces"
    WATCHLISTS = "watchlists"
    COLOR_GROUPS = "color_groups"
    GLOBAL_CONFIG = "global_config"


def import_parts(
    current: Layout, incoming: Layout, parts: Collection[Part], *, merge: bool
) -> Layout:
    """A new layout: ``current`` with the chosen ``parts`` of ``incoming`` replaced or merged."""
    chosen = {Part(part) for part in parts}
    with bulk.collector_paused():
        result = _clone(current)
        source = _taken_from(incoming, chosen)
        groups = _GroupMap(result, source, Part.COLOR_GROUPS in chosen, merge)
        if Part.WORKSPACES in chosen:
            _import_workspaces(result, source, groups, merge)
        elif Part.WATCHLISTS in chosen:
            _import_watchlists(result, source, groups, merge)
        if Part.GLOBAL_CONFIG in chosen:
            result.global_config = source.global_config
        _tidy(result)
    return result


def _taken_from(incoming: Layout, chosen: set[Part]) -> Layout:
    """A copy of what the import takes from ``incoming`` (the rest of it left out)."""
    station = incoming.workstation
    if Part.WORKSPACES in chosen:
        spaces = _clone(station.workspaces)
    elif Part.WATCHLISTS in chosen:
        spaces = [
            Workspace(space.name, [_clone(panel) for panel in space.panels if _is_watchlist(panel)])
            for space in station.workspaces
        ]
    else:
        spaces = []
    return Layout(
        global_config=_clone(incoming.global_config),
        workstation=Workstation(
            workspaces=spaces,
            active_workspace=station.active_workspace,
            color_groups=_clone(station.color_groups),
        ),
    )


def _is_watchlist(panel: Panel) -> bool:
    return isinstance(panel.state, Watchlist)


_ROW_FIELDS = tuple(field.name for field in dataclasses.fields(WatchlistRow))
_EXTRA_FIELDS = tuple(field.name for field in dataclasses.fields(Extra))


def _clone(value: T) -> T:
    """A deep copy of a model value (dataclasses, lists, dicts; the rest is immutable)."""
    kind = type(value)
    # Fast paths for the many small objects of a large layout, while the model is as known.
    if kind is WatchlistRow and _ROW_FIELDS == ("symbol", "exchange", "extra"):
        row: WatchlistRow = value  # type: ignore[assignment]
        return WatchlistRow(row.symbol, row.exchange, _clone(row.extra))  # type: ignore[return-value]
    if kind is Extra and _EXTRA_FIELDS == ("attributes", "children"):
        extra: Extra = value  # type: ignore[assignment]
        if not extra.attributes and not extra.children:
            return Extra()  # type: ignore[return-value]
        return Extra(dict(extra.attributes), list(extra.children))  # type: ignore[return-value]
    if isinstance(value, list):
        return [_clone(item) for item in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {key: _clone(item) for key, item in value.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Field by field (slotted model classes have no ``__dict__``).
        copy: Any = object.__new__(type(value))
        for field in dataclasses.fields(value):
            setattr(copy, field.name, _clone(getattr(value, field.name)))
        return copy  # type: ignore[no-any-return]
    return value


def _all_ids(layout: Layout) -> set[str]:
    station = layout.workstation
    ids = {group.id for group in station.color_groups}
    ids.update(space.id for space in station.workspaces)
    ids.update(panel.id for panel in layout.panels())
    return ids


def _claim(wanted: str, taken: set[str]) -> str:
    """``wanted`` if it is free, else a new id; either way it is taken from now on."""
    chosen = wanted
    while chosen in taken:
        chosen = new_id()
    taken.add(chosen)
    return chosen


class _GroupMap:
    """Imports the color groups (when chosen) and says which result group a file's panel follows."""

    def __init__(self, result: Layout, source: Layout, chosen: bool, merge: bool) -> None:
        station = result.workstation
        incoming = source.workstation.color_groups
        #: The file's group id → the result's group id (or None).
        self._map: dict[str, str | None] = {}
        if chosen and not merge:
            old = {group.id: group for group in station.color_groups}
            taken = _all_ids(result) - set(old)
            for group in incoming:
                claimed = _claim(group.id, taken)
                self._map[group.id] = claimed
                group.id = claimed
            station.color_groups = list(incoming)
            by_name = {group.name.casefold(): group.id for group in reversed(incoming)}
            for panel in result.panels():
                if panel.color_group is not None:
                    was = old.get(panel.color_group)
                    panel.color_group = None if was is None else by_name.get(was.name.casefold())
        elif chosen:
            by_name = {g.name.casefold(): g.id for g in reversed(station.color_groups)}
            taken = _all_ids(result)
            for group in incoming:
                same = by_name.get(group.name.casefold())
                if same is None:
                    same = _claim(group.id, taken)
                    by_name[group.name.casefold()] = same
                    station.color_groups.append(group)
                self._map[group.id] = same
                group.id = same
        else:
            by_name = {g.name.casefold(): g.id for g in reversed(station.color_groups)}
            ids = {group.id for group in station.color_groups}
            for group in incoming:
                self._map[group.id] = (
                    group.id if group.id in ids else by_name.get(group.name.casefold())
                )
        self._ids = {group.id for group in station.color_groups}

    def follow(self, panel: Panel) -> None:
        """Point a panel that comes from the file at its group in the result (or at none)."""
        if panel.color_group is None:
            return
        if panel.color_group in self._map:
            panel.color_group = self._map[panel.color_group]
        elif panel.color_group not in self._ids:
            panel.color_group = None


def _adopt(panel: Panel, groups: _GroupMap, taken: set[str]) -> Panel:
    panel.id = _claim(panel.id, taken)
    groups.follow(panel)
    return panel


def _import_workspaces(result: Layout, source: Layout, groups: _GroupMap, merge: bool) -> None:
    station = result.workstation
    if merge:
        taken = _all_ids(result)
        names = {space.name.casefold() for space in station.workspaces}
        for space in source.workstation.workspaces:
            space.name = _unused_name(space.name, names)
            space.id = _claim(space.id, taken)
            space.panels = [_adopt(panel, groups, taken) for panel in space.panels]
            station.workspaces.append(space)
        return
    taken = {group.id for group in station.color_groups}
    station.workspaces = source.workstation.workspaces
    for space in station.workspaces:
        space.id = _claim(space.id, taken)
        space.panels = [_adopt(panel, groups, taken) for panel in space.panels]
    station.active_workspace = source.workstation.active_workspace


def _unused_name(name: str, names: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… whichever is not in ``names`` (then added)."""
    chosen, number = name, 1
    while chosen.casefold() in names:
        number += 1
        chosen = f"{name} ({number})"
    names.add(chosen.casefold())
    return chosen


def _import_watchlists(result: Layout, source: Layout, groups: _GroupMap, merge: bool) -> None:
    taken = _all_ids(result)
    current: dict[str, list[Panel]] = {}
    for panel in result.watchlists():
        current.setdefault(panel.title.casefold(), []).append(panel)
    unmatched: list[Panel] = []
    if merge:
        for panel in source.watchlists():
            matches = current.get(panel.title.casefold())
            if matches:
                _merge_rows(_state(matches[0]), _state(panel))
            else:
                unmatched.append(panel)
    else:
        replaced: set[int] = set()
        for panel in source.watchlists():
            matches = current.get(panel.title.casefold())
            if matches:
                target = matches.pop(0)
                target.state = panel.state
                replaced.add(id(target))
            else:
                unmatched.append(panel)
        for space in result.workstation.workspaces:
            space.panels = [
                panel
                for panel in space.panels
                if not isinstance(panel.state, Watchlist) or id(panel) in replaced
            ]
    if unmatched:
        _active_workspace(result).panels.extend(_adopt(panel, groups, taken) for panel in unmatched)


def _state(panel: Panel) -> Watchlist:
    assert isinstance(panel.state, Watchlist)
    return panel.state


def _row_key(row: WatchlistRow) -> tuple[str, str]:
    return row.symbol.casefold(), row.exchange.casefold()


def _merge_rows(into: Watchlist, rows_from: Watchlist) -> None:
    present = {_row_key(row) for row in into.rows}
    for row in rows_from.rows:
        key = _row_key(row)
        if key not in present:
            present.add(key)
            into.rows.append(row)


def _active_workspace(result: Layout) -> Workspace:
    station = result.workstation
    if not station.workspaces:
        station.workspaces.append(Workspace(name="Watchlists"))
        station.active_workspace = 0
    return station.workspaces[min(max(station.active_workspace, 0), len(station.workspaces) - 1)]


def _tidy(result: Layout) -> None:
    """No panel follows a group that is not there; the active tab is one that exists."""
    station = result.workstation
    ids = {group.id for group in station.color_groups}
    for panel in result.panels():
        if panel.color_group is not None and panel.color_group not in ids:
            panel.color_group = None
    last = max(len(station.workspaces) - 1, 0)
    station.active_workspace = min(max(station.active_workspace, 0), last)
