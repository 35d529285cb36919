"""Two layouts side by side: which workspaces, panels (windows), watchlist rows and settings differ.

When two computers saved a user's settings to the server in between, the user chooses which to
keep and may first compare them. :func:`compare` gives the facts, as typed data a GUI shows in
two columns (``left`` | ``right``: this computer | the server) and words in the user's language;
:func:`describe` words the totals in English on one line for the command line ("2 workspaces,
5 panels and 12 watchlist rows differ").

How the two sides are matched:

* **Workspaces** by id (the same workspace on both computers, even renamed), then what is left by
  name (ignoring case): two computers that started from their own default layout have other ids
  for the same workspace.
* **Panels** (windows) within a matched workspace, the same way: by id, then by kind and title.
  A panel moved to another workspace is one removed there and one added here.
* **Watchlist rows** by symbol and exchange; a row on one side only is listed under its
  watchlist (also for a watchlist on one side only: all its rows are on that side only).
* **Color groups** by id, then by name; a panel's color group is compared by the group's name.

Ids, and the order of color groups, are no difference a user sees. What this version does not
know (``extra``, written by a newer version) is compared as a whole: it shows as ``other``.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from tws_companion.layout.model import (
    ColorGroup,
    Display,
    Layout,
    LockAndExit,
    Panel,
    PanelKind,
    PanelState,
    Watchlist,
    WatchlistRow,
    Workspace,
    Workstation,
)

__all__ = [
    "PLACEMENT",
    "Aspect",
    "Change",
    "ColorGroupDifference",
    "LayoutComparison",
    "PanelDifference",
    "Presence",
    "Row",
    "Value",
    "WatchlistDifference",
    "WorkspaceDifference",
    "compare",
    "describe",
]

#: A setting's value on one side: text (enum values among them), a number, a yes/no, a list of
#: identifiers (columns, news sources), or ``None`` (never, none).
Value = str | int | bool | tuple[str, ...] | None


class Presence(StrEnum):
    """Where something is: on both sides, or on one side only."""

    BOTH = "both"
    LEFT_ONLY = "left_only"
    RIGHT_ONLY = "right_only"


class Aspect(StrEnum):
    """What differs: a setting of the workstation or the Global Configuration, or one property
    of a workspace, a panel or a color group (named as in :mod:`tws_companion.layout.model`)."""

    # The workstation
    MODE = "mode"
    #: The name of the workspace whose tab is shown.
    ACTIVE_WORKSPACE = "active_workspace"
    # Global Configuration > Lock and Exit
    AUTO_LOGOFF_TIME = "auto_logoff_time"
    LOGOFF_WARNING_MINUTES = "logoff_warning_minutes"
    LOCK_AFTER_IDLE_MINUTES = "lock_after_idle_minutes"
    AUTOSAVE_MINUTES = "autosave_minutes"
    SAVE_ON_EXIT = "save_on_exit"
    USE_SERVER_SETTINGS = "use_server_settings"
    # Global Configuration > Display
    THEME = "theme"
    FONT_SIZE = "font_size"
    LANGUAGE = "language"
    # A workspace or a color group
    NAME = "name"
    COLOR = "color"
    # A panel
    TITLE = "title"
    #: A panel's place in its workspace, or a workspace's among the tabs (1 for the first); only
    #: for those that moved against the others (swapping two moves one of them).
    ORDER = "order"
    #: Where it docks (a :class:`~tws_companion.layout.model.DockArea` value).
    AREA = "area"
    #: The name of its color group, or ``None``.
    COLOR_GROUP = "color_group"
    # A panel's settings (also SYMBOL: a color group's symbol)
    SYMBOL = "symbol"
    ACTION = "action"
    ORDER_TYPE = "order_type"
    QUANTITY = "quantity"
    TIME_IN_FORCE = "time_in_force"
    OUTSIDE_RTH = "outside_rth"
    BAR_SIZE = "bar_size"
    COLUMNS = "columns"
    SHOW_ZERO_POSITIONS = "show_zero_positions"
    SOURCES = "sources"
    KEYWORD = "keyword"
    TEXT = "text"
    #: A watchlist's rows: the values are the numbers of rows (the rows themselves are in
    #: :attr:`LayoutComparison.watchlists`).
    ROWS = "rows"


#: Where a panel sits: what "moved" means for a panel (its size is this machine's geometry).
PLACEMENT = frozenset({Aspect.AREA, Aspect.ORDER})


@dataclass(frozen=True)
class Change:
    """One aspect with another value on each side."""

    aspect: Aspect
    left: Value
    right: Value


@dataclass(frozen=True)
class PanelDifference:
    """A panel on one side only, or on both with ``changes``."""

    kind: PanelKind
    #: Its title on each side (``None`` on a side without it).
    left_title: str | None
    right_title: str | None
    presence: Presence
    changes: tuple[Change, ...] = ()
    #: What this version does not know of the panel differs.
    other: bool = False

    @property
    def title(self) -> str:
        """The title to name it by: the left side's, else the right side's."""
        return self.left_title if self.left_title is not None else self.right_title or ""

    @property
    def moved_only(self) -> bool:
        """Only where it sits differs (its dock area or its place in the workspace)."""
        aspects = {change.aspect for change in self.changes}
        return bool(aspects) and aspects <= PLACEMENT and not self.other

    @property
    def changed_aspects(self) -> tuple[Aspect, ...]:
        return tuple(change.aspect for change in self.changes)


@dataclass(frozen=True)
class WorkspaceDifference:
    """A workspace on one side only, or on both with changes of its own or of its panels."""

    left_name: str | None
    right_name: str | None
    presence: Presence
    #: Its own changes (NAME, ORDER).
    changes: tuple[Change, ...] = ()
    #: Its panels that differ; for a workspace on one side only, all its panels.
    panels: tuple[PanelDifference, ...] = ()
    left_panel_count: int = 0
    right_panel_count: int = 0
    other: bool = False

    @property
    def name(self) -> str:
        return self.left_name if self.left_name is not None else self.right_name or ""

    @property
    def differs_itself(self) -> bool:
        """On one side only, renamed, moved, or changed beyond its panels."""
        return self.presence is not Presence.BOTH or bool(self.changes) or self.other


@dataclass(frozen=True)
class Row:
    """A watchlist row as the user sees it."""

    symbol: str
    exchange: str


@dataclass(frozen=True)
class WatchlistDifference:
    """A watchlist whose rows differ (or that is on one side only, with rows)."""

    #: The workspace it is in (its name on the left side, else on the right).
    workspace: str
    title: str
    presence: Presence
    left_rows: int
    right_rows: int
    #: Rows on one side only, in their order there.
    only_left: tuple[Row, ...] = ()
    only_right: tuple[Row, ...] = ()
    #: The same rows on both sides, in another order.
    order_differs: bool = False

    @property
    def row_count(self) -> int:
        """How many rows differ."""
        return len(self.only_left) + len(self.only_right)


@dataclass(frozen=True)
class ColorGroupDifference:
    name: str
    presence: Presence
    #: Its changes (NAME, COLOR, SYMBOL).
    changes: tuple[Change, ...] = ()
    #: Its color and symbol on each side (``None`` on a side without it).
    left: ColorGroup | None = None
    right: ColorGroup | None = None
    other: bool = False


@dataclass(frozen=True)
class LayoutComparison:
    """Everything that differs between two layouts, ``left`` and ``right``."""

    #: MODE and ACTIVE_WORKSPACE.
    workstation: tuple[Change, ...] = ()
    #: The entries of the Global Configuration (Lock and Exit, Display).
    global_config: tuple[Change, ...] = ()
    workspaces: tuple[WorkspaceDifference, ...] = ()
    watchlists: tuple[WatchlistDifference, ...] = ()
    color_groups: tuple[ColorGroupDifference, ...] = ()
    #: What this version does not know of the layout, its workstation or its Global
    #: Configuration differs.
    other: bool = False

    @property
    def same(self) -> bool:
        """Nothing differs that this comparison can tell."""
        return not (
            self.workstation
            or self.global_config
            or self.workspaces
            or self.watchlists
            or self.color_groups
            or self.other
        )

    @property
    def mode(self) -> Change | None:
        return next((c for c in self.workstation if c.aspect is Aspect.MODE), None)

    @property
    def workspace_count(self) -> int:
        """Workspaces on one side only, renamed or moved (not counting those whose panels
        alone differ)."""
        return sum(1 for space in self.workspaces if space.differs_itself)

    @property
    def panel_count(self) -> int:
        """Panels added, removed or changed (those of a workspace on one side only included)."""
        return sum(len(space.panels) for space in self.workspaces)

    @property
    def row_count(self) -> int:
        """Watchlist rows on one side only."""
        return sum(watchlist.row_count for watchlist in self.watchlists)

    @property
    def setting_count(self) -> int:
        """Settings that differ: the mode, the workspace shown, the Global Configuration."""
        return len(self.workstation) + len(self.global_config)


# --- comparing -------------------------------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True)
class _Pair(Generic[T]):
    left: T | None
    right: T | None
    #: Their places on each side (-1 on a side without it).
    left_index: int = -1
    right_index: int = -1

    @property
    def presence(self) -> Presence:
        if self.left is None:
            return Presence.RIGHT_ONLY
        return Presence.LEFT_ONLY if self.right is None else Presence.BOTH


def _match(
    left: Sequence[T],
    right: Sequence[T],
    ident: Callable[[T], str],
    name: Callable[[T], object],
) -> list[_Pair[T]]:
    """Pair up ``left`` and ``right`` by ``ident``, then what is left by ``name``, in order: the
    left side's items in their order, then those of the right side only."""
    partner: dict[int, int] = {}
    right_by_id: dict[str, int] = {}
    for index, item in enumerate(right):
        right_by_id.setdefault(ident(item), index)
    taken: set[int] = set()
    for index, item in enumerate(left):
        found = right_by_id.get(ident(item))
        if found is not None and found not in taken:
            partner[index] = found
            taken.add(found)
    right_by_name: dict[object, deque[int]] = {}
    for index, item in enumerate(right):
        if index not in taken:
            right_by_name.setdefault(name(item), deque()).append(index)
    for index, item in enumerate(left):
        if index not in partner:
            free = right_by_name.get(name(item))
            if free:
                partner[index] = free.popleft()
                taken.add(partner[index])
    pairs = [
        _Pair(
            item, right[partner[index]] if index in partner else None, index, partner.get(index, -1)
        )
        for index, item in enumerate(left)
    ]
    pairs += [
        _Pair(None, item, -1, index) for index, item in enumerate(right) if index not in taken
    ]
    return pairs


def _moved(pairs: Sequence[_Pair[T]]) -> set[int]:
    """The left indexes of the pairs that changed places: those outside a longest run of pairs
    in the same order on both sides."""
    both = [pair for pair in pairs if pair.left is not None and pair.right is not None]
    # Longest increasing subsequence of the right indexes, in left order (patience sorting).
    tails: list[int] = []
    tail_at: list[int] = []
    before: list[int] = []
    for position, pair in enumerate(both):
        spot = bisect_left(tails, pair.right_index)
        before.append(tail_at[spot - 1] if spot else -1)
        if spot == len(tails):
            tails.append(pair.right_index)
            tail_at.append(position)
        else:
            tails[spot] = pair.right_index
            tail_at[spot] = position
    kept: set[int] = set()
    position = tail_at[-1] if tail_at else -1
    while position >= 0:
        kept.add(position)
        position = before[position]
    return {pair.left_index for position, pair in enumerate(both) if position not in kept}


def _value(value: object) -> Value:
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def _changes(pairs: Iterable[tuple[Aspect, object, object]]) -> tuple[Change, ...]:
    return tuple(
        Change(aspect, _value(left), _value(right))
        for aspect, left, right in pairs
        if _value(left) != _value(right)
    )


#: A watchlist row's (symbol, exchange): what rows are compared by.
_RowKey = tuple[str, str]


def _key(row: WatchlistRow) -> _RowKey:
    return row.symbol, row.exchange


def _settings(node: PanelState | LockAndExit | Display) -> list[tuple[Aspect, object]]:
    """A panel's settings, or a page of the Global Configuration, as (aspect, value): every
    field of the model but ``extra`` (and a watchlist's rows, compared on their own)."""
    return [
        (Aspect(field.name), getattr(node, field.name))
        for field in dataclasses.fields(node)
        if field.name not in ("kind", "extra", "rows")
    ]


def _paired(
    left: PanelState | LockAndExit | Display, right: PanelState | LockAndExit | Display
) -> list[tuple[Aspect, object, object]]:
    """The settings of two nodes of the same type, side by side."""
    right_values = dict(_settings(right))
    return [(aspect, value, right_values[aspect]) for aspect, value in _settings(left)]


def _rows(panel: Panel | None) -> list[_RowKey]:
    state = panel.state if panel is not None else None
    return [_key(row) for row in state.rows] if isinstance(state, Watchlist) else []


def _state_other(left: PanelState, right: PanelState) -> bool:
    """What this version does not know of two panels' settings differs (of their watchlist
    rows: of the rows on both sides)."""
    if left.extra != right.extra:
        return True
    if not isinstance(left, Watchlist) or not isinstance(right, Watchlist):
        return False
    if not any(row.extra for row in left.rows) and not any(row.extra for row in right.rows):
        return False
    right_extras = {_key(row): row.extra for row in right.rows}
    return any(
        _key(row) in right_extras and row.extra != right_extras[_key(row)] for row in left.rows
    )


class _Comparer:
    def __init__(self, left: Layout, right: Layout) -> None:
        self.left, self.right = left, right
        self.left_groups = {group.id: group.name for group in left.workstation.color_groups}
        self.right_groups = {group.id: group.name for group in right.workstation.color_groups}
        self.watchlists: list[WatchlistDifference] = []

    def run(self) -> LayoutComparison:
        left, right = self.left, self.right
        global_config = _changes(
            _paired(left.global_config.lock_and_exit, right.global_config.lock_and_exit)
            + _paired(left.global_config.display, right.global_config.display)
        )
        workstation = _changes(
            [
                (Aspect.MODE, left.workstation.mode, right.workstation.mode),
                (
                    Aspect.ACTIVE_WORKSPACE,
                    _active_name(left.workstation),
                    _active_name(right.workstation),
                ),
            ]
        )
        workspaces = self._workspaces()
        other = (left.extra, left.workstation.extra, _config_extras(left)) != (
            right.extra,
            right.workstation.extra,
            _config_extras(right),
        )
        return LayoutComparison(
            workstation=workstation,
            global_config=global_config,
            workspaces=workspaces,
            watchlists=tuple(self.watchlists),
            color_groups=self._color_groups(),
            other=other,
        )

    def _workspaces(self) -> tuple[WorkspaceDifference, ...]:
        pairs = _match(
            self.left.workstation.workspaces,
            self.right.workstation.workspaces,
            lambda space: space.id,
            lambda space: space.name.casefold(),
        )
        moved = _moved(pairs)
        found: list[WorkspaceDifference] = []
        for pair in pairs:
            difference = self._workspace(pair, pair.left_index in moved)
            if difference is not None:
                found.append(difference)
        return tuple(found)

    def _workspace(self, pair: _Pair[Workspace], moved: bool) -> WorkspaceDifference | None:
        left, right = pair.left, pair.right
        left_panels = left.panels if left is not None else []
        right_panels = right.panels if right is not None else []
        space_name = left.name if left is not None else right.name if right is not None else ""
        panel_pairs = _match(
            left_panels,
            right_panels,
            lambda panel: panel.id,
            lambda panel: (panel.kind, panel.title.casefold()),
        )
        panels_moved = _moved(panel_pairs)
        panels = tuple(
            difference
            for panel_pair in panel_pairs
            if (
                difference := self._panel(
                    panel_pair, panel_pair.left_index in panels_moved, space_name
                )
            )
            is not None
        )
        changes: tuple[Change, ...] = ()
        other = False
        if left is not None and right is not None:
            changes = _changes(
                [
                    (Aspect.NAME, left.name, right.name),
                    (
                        Aspect.ORDER,
                        pair.left_index + 1 if moved else 0,
                        pair.right_index + 1 if moved else 0,
                    ),
                ]
            )
            other = left.extra != right.extra
            if not (changes or other or panels):
                return None
        return WorkspaceDifference(
            left_name=left.name if left is not None else None,
            right_name=right.name if right is not None else None,
            presence=pair.presence,
            changes=changes,
            panels=panels,
            left_panel_count=len(left_panels),
            right_panel_count=len(right_panels),
            other=other,
        )

    def _panel(self, pair: _Pair[Panel], moved: bool, space: str) -> PanelDifference | None:
        left, right = pair.left, pair.right
        left_rows, right_rows = _rows(left), _rows(right)
        if left_rows != right_rows:
            self._watchlist(pair, space, left_rows, right_rows)
        if left is None or right is None:
            present = left if left is not None else right
            assert present is not None
            return PanelDifference(
                kind=present.kind,
                left_title=left.title if left is not None else None,
                right_title=right.title if right is not None else None,
                presence=pair.presence,
            )
        fields: list[tuple[Aspect, object, object]] = [
            (Aspect.TITLE, left.title, right.title),
            (Aspect.AREA, left.area, right.area),
            (
                Aspect.ORDER,
                pair.left_index + 1 if moved else 0,
                pair.right_index + 1 if moved else 0,
            ),
            (
                Aspect.COLOR_GROUP,
                self.left_groups.get(left.color_group or ""),
                self.right_groups.get(right.color_group or ""),
            ),
        ]
        rows: tuple[Change, ...] = ()
        if left.kind is right.kind:
            fields += _paired(left.state, right.state)
            other_state = _state_other(left.state, right.state)
            if left_rows != right_rows:
                rows = (Change(Aspect.ROWS, len(left_rows), len(right_rows)),)
        else:
            other_state = True  # matched by id, but another kind of panel: its settings differ
        changes = _changes(fields) + rows
        other = other_state or left.extra != right.extra
        if not (changes or other):
            return None
        return PanelDifference(
            kind=left.kind,
            left_title=left.title,
            right_title=right.title,
            presence=Presence.BOTH,
            changes=changes,
            other=other,
        )

    def _watchlist(
        self, pair: _Pair[Panel], space: str, left_rows: list[_RowKey], right_rows: list[_RowKey]
    ) -> None:
        """Note the rows of a watchlist that differ (``left_rows != right_rows``)."""
        left, right = pair.left, pair.right
        # Counted, so a row listed twice on one side is one more row there, not "another order".
        left_count, right_count = Counter(left_rows), Counter(right_rows)
        only_left = tuple(
            Row(*key) for key in dict.fromkeys(left_rows) if left_count[key] > right_count[key]
        )
        only_right = tuple(
            Row(*key) for key in dict.fromkeys(right_rows) if right_count[key] > left_count[key]
        )
        present = left if left is not None else right
        assert present is not None
        self.watchlists.append(
            WatchlistDifference(
                workspace=space,
                title=present.title,
                presence=pair.presence,
                left_rows=len(left_rows),
                right_rows=len(right_rows),
                only_left=only_left,
                only_right=only_right,
                order_differs=not (only_left or only_right),
            )
        )

    def _color_groups(self) -> tuple[ColorGroupDifference, ...]:
        pairs = _match(
            self.left.workstation.color_groups,
            self.right.workstation.color_groups,
            lambda group: group.id,
            lambda group: group.name.casefold(),
        )
        found: list[ColorGroupDifference] = []
        for pair in pairs:
            left, right = pair.left, pair.right
            changes: tuple[Change, ...] = ()
            other = False
            if left is not None and right is not None:
                changes = _changes(
                    [
                        (Aspect.NAME, left.name, right.name),
                        (Aspect.COLOR, left.color.casefold(), right.color.casefold()),
                        (Aspect.SYMBOL, left.symbol, right.symbol),
                    ]
                )
                other = left.extra != right.extra
                if not (changes or other):
                    continue
            present = left if left is not None else right
            assert present is not None
            found.append(
                ColorGroupDifference(present.name, pair.presence, changes, left, right, other)
            )
        return tuple(found)


def _active_name(station: Workstation) -> str | None:
    if not station.workspaces:
        return None
    last = len(station.workspaces) - 1
    return station.workspaces[min(max(station.active_workspace, 0), last)].name


def _config_extras(layout: Layout) -> object:
    config = layout.global_config
    return (config.extra, config.lock_and_exit.extra, config.display.extra)


def compare(left: Layout, right: Layout) -> LayoutComparison:
    """What differs between ``left`` (this computer's settings) and ``right`` (the server's);
    neither is changed."""
    return _Comparer(left, right).run()


# --- in English, for the command line --------------------------------------------------------


def _counted(count: int, singular: str, plural: str) -> str:
    return f"{count:,} {singular if count == 1 else plural}"


def describe(comparison: LayoutComparison) -> str:
    """The totals on one line: "2 workspaces, 5 panels and 12 watchlist rows differ"."""
    if comparison.same:
        return "No differences"
    parts = [
        _counted(count, singular, plural)
        for count, singular, plural in (
            (comparison.workspace_count, "workspace", "workspaces"),
            (comparison.panel_count, "panel", "panels"),
            (comparison.row_count, "watchlist row", "watchlist rows"),
            (comparison.setting_count, "setting", "settings"),
            (len(comparison.color_groups), "color group", "color groups"),
        )
        if count
    ]
    if not parts:
        return "Only settings written by a newer version differ"
    if len(parts) == 1:
        text = parts[0]
        single = text.startswith("1 ")
    else:
        text = f"{', '.join(parts[:-1])} and {parts[-1]}"
        single = False
    return f"{text} {'differs' if single else 'differ'}"
