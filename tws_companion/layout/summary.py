"""What a layout holds, in brief: the previews of Layout/Settings Recovery and ``settings show``.

:func:`summarize` gives the facts (:class:`LayoutSummary`, for the GUI to word in the user's
language); :func:`describe` words them in English for the command line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tws_companion.layout.model import Layout, Mode, PanelKind, Theme, Watchlist

__all__ = ["LayoutSummary", "describe", "summarize"]


@dataclass(frozen=True)
class LayoutSummary:
    mode: Mode
    #: Workspace names, in tab order.
    workspaces: tuple[str, ...]
    active_workspace: int
    #: How many panels of each kind (kinds with none left out), in the order of PanelKind.
    panel_counts: tuple[tuple[PanelKind, int], ...]
    #: Rows of all watchlists together.
    watchlist_rows: int
    color_groups: tuple[str, ...]
    # Global Configuration > Lock and Exit
    auto_logoff_time: str
    logoff_warning_minutes: int
    lock_after_idle_minutes: int | None
    autosave_minutes: int | None
    save_on_exit: bool
    use_server_settings: bool
    # Global Configuration > Display
    theme: Theme
    font_size: int
    language: str

    @property
    def panel_total(self) -> int:
        return sum(count for _, count in self.panel_counts)

    def count(self, kind: PanelKind) -> int:
        """How many panels of ``kind`` the layout has."""
        return dict(self.panel_counts).get(kind, 0)


def summarize(layout: Layout) -> LayoutSummary:
    panels = layout.panels()
    counts = Counter(panel.kind for panel in panels)
    lock = layout.global_config.lock_and_exit
    display = layout.global_config.display
    station = layout.workstation
    return LayoutSummary(
        mode=station.mode,
        workspaces=tuple(space.name for space in station.workspaces),
        active_workspace=station.active_workspace,
        panel_counts=tuple((kind, counts[kind]) for kind in PanelKind if counts[kind]),
        watchlist_rows=sum(
            len(panel.state.rows) for panel in panels if isinstance(panel.state, Watchlist)
        ),
        color_groups=tuple(group.name for group in station.color_groups),
        auto_logoff_time=lock.auto_logoff_time,
        logoff_warning_minutes=lock.logoff_warning_minutes,
        lock_after_idle_minutes=lock.lock_after_idle_minutes,
        autosave_minutes=lock.autosave_minutes,
        save_on_exit=lock.save_on_exit,
        use_server_settings=lock.use_server_settings,
        theme=display.theme,
        font_size=display.font_size,
        language=display.language,
    )


#: (singular, plural) of each panel kind, for :func:`describe`.
_KIND_NAMES: dict[PanelKind, tuple[str, str]] = {
    PanelKind.WATCHLIST: ("watchlist", "watchlists"),
    PanelKind.ORDER_ENTRY: ("order entry panel", "order entry panels"),
    PanelKind.CHART: ("chart", "charts"),
    PanelKind.PORTFOLIO: ("portfolio panel", "portfolio panels"),
    PanelKind.NEWS: ("news panel", "news panels"),
    PanelKind.NOTES: ("notes panel", "notes panels"),
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def _name(text: str) -> str:
    """A name from the file on one line (control characters, line breaks among them, as spaces)."""
    return _CONTROL.sub(" ", text)


def _counted(count: int, singular: str, plural: str) -> str:
    return f"{count:,} {singular if count == 1 else plural}"


def _minutes(minutes: int | None, what: str) -> str:
    return "never" if minutes is None else f"{what} {_counted(minutes, 'minute', 'minutes')}"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def describe(summary: LayoutSummary) -> list[str]:
    """The summary as English lines for the command line (``settings show``)."""
    names = [_name(name) for name in summary.workspaces]
    if names:
        active = min(summary.active_workspace, len(names) - 1)
        names[active] += " (active)"
    panels = ", ".join(_counted(count, *_KIND_NAMES[kind]) for kind, count in summary.panel_counts)
    groups = ", ".join(_name(name) for name in summary.color_groups)
    idle = _minutes(summary.lock_after_idle_minutes, "after")
    autosave = _minutes(summary.autosave_minutes, "every")
    return [
        f"Mode: {summary.mode.value.capitalize()}",
        f"Workspaces ({len(names):,}): {', '.join(names) if names else 'none'}",
        f"Panels ({summary.panel_total:,}): {panels or 'none'}",
        f"Watchlist rows: {summary.watchlist_rows:,}",
        f"Color groups ({len(summary.color_groups):,}): {groups or 'none'}",
        f"Lock and Exit: auto log-off at {summary.auto_logoff_time} (warning "
        f"{_counted(summary.logoff_warning_minutes, 'minute', 'minutes')} before), "
        f"lock when idle: {idle}, auto-save: {autosave}, "
        f"save on exit: {_yes_no(summary.save_on_exit)}, "
        f"use/store settings on server: {_yes_no(summary.use_server_settings)}",
        f"Display: theme {summary.theme.value}, font size {summary.font_size}, "
        f"language {_name(summary.language)}",
    ]
