"""Where each window sits on this machine's screens, remembered per screen arrangement.

Window geometry belongs to one machine and never roams with the layout: the layout files a window
under a stable id (a panel's ``id``; the workstation main window is :data:`MAIN_WINDOW_ID`), and
this module keeps, per *screen arrangement* (a set of monitors with their names and geometries,
as KDE does), where each window was. When a monitor is gone its windows move onto a visible
screen; when it comes back, they go back where they were on it.

Plain Python, no Qt: the GUI converts ``QScreen`` and ``QRect`` into :class:`Screen` and
:class:`Rect`. A window's :class:`Rect` is its outer (frame) rectangle, title bar included: its
top :data:`TITLE_BAR_HEIGHT` pixels are what the user grabs to move it.

- :func:`fit_onto` makes a rectangle reachable on the current screens (a window counts as
  reachable when at least :data:`MIN_VISIBLE_TITLE_WIDTH` pixels of its title bar strip lie within
  one screen's available area).
- :class:`GeometryBook` remembers geometries per arrangement and recalls them, fitted; it is
  saved as JSON (:meth:`GeometryBook.to_json`, written by the caller with
  :func:`tws_companion.storage.atomic.atomic_write_bytes`) and read back with
  :meth:`GeometryBook.from_json`, which refuses anything malformed or oversized with
  :class:`ValueError` (the caller then starts with an empty book).
- :func:`gather` is Window > Gather Windows: every window onto one screen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NoReturn

__all__ = [
    "CASCADE_STEP",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAIN_WINDOW_ID",
    "MAX_ARRANGEMENTS",
    "MAX_COORDINATE",
    "MAX_JSON_BYTES",
    "MAX_NAME_LENGTH",
    "MAX_SCREENS",
    "MAX_WINDOWS_PER_ARRANGEMENT",
    "MIN_VISIBLE_TITLE_WIDTH",
    "TITLE_BAR_HEIGHT",
    "GeometryBook",
    "Rect",
    "Screen",
    "WindowGeometry",
    "arrangement_key",
    "clamped_into",
    "fit_onto",
    "gather",
    "is_reachable",
    "screen_of",
    "title_bar",
]

#: Height of the strip at the top of a window that holds its title bar, in pixels.
TITLE_BAR_HEIGHT: Final = 30
#: How much of the title bar strip must lie on one screen for the user to grab it (or the whole
#: width, for a narrower window).
MIN_VISIBLE_TITLE_WIDTH: Final = 100
#: Offset between windows that :func:`gather` cascades, in pixels.
CASCADE_STEP: Final = 30
#: The id the workstation main window is filed under (panels use their own ``id``).
MAIN_WINDOW_ID: Final = "main"

#: ``format`` field of the JSON file, and its version.
FORMAT_NAME: Final = "tws-companion-window-geometry"
FORMAT_VERSION: Final = 1
#: A book keeps the most recently used arrangements only.
MAX_ARRANGEMENTS: Final = 10
#: ...and in each, the most recently remembered windows only.
MAX_WINDOWS_PER_ARRANGEMENT: Final = 5_000
#: Screens in one arrangement.
MAX_SCREENS: Final = 32
#: Longest window id or screen name, in characters.
MAX_NAME_LENGTH: Final = 64
#: Largest absolute coordinate, width or height accepted, in pixels.
MAX_COORDINATE: Final = 1_000_000
#: Largest JSON document :meth:`GeometryBook.from_json` reads (a full book is well below it).
MAX_JSON_BYTES: Final = 64 * 1024 * 1024


# --- Values ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in virtual-desktop pixels: ``x``/``y`` are its top-left corner (negative on a
    monitor left of or above the primary one); ``width`` and ``height`` are positive."""

    x: int
    y: int
    width: int
    height: int

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(
                f"a rectangle needs a positive width and height, not {self.width}x{self.height}"
            )

    @property
    def right(self) -> int:
        """The first column to the right of the rectangle (``x + width``)."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        """The first row below the rectangle (``y + height``)."""
        return self.y + self.height

    @property
    def area(self) -> int:
        return self.width * self.height

    @property
    def center(self) -> tuple[int, int]:
        return (self.x + self.width // 2, self.y + self.height // 2)

    def intersection(self, other: Rect) -> Rect | None:
        """The part both rectangles cover, or ``None`` when they do not overlap."""
        left, top = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        if right <= left or bottom <= top:
            return None
        return Rect(left, top, right - left, bottom - top)

    def contains(self, other: Rect) -> bool:
        """Whether ``other`` lies entirely within this rectangle."""
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def moved_to(self, x: int, y: int) -> Rect:
        """The same size with its top-left corner at ``(x, y)``."""
        return Rect(x, y, self.width, self.height)


@dataclass(frozen=True, slots=True)
class Screen:
    """One monitor: its name (``QScreen.name()``), its geometry and its available area (the
    geometry without task bars and panels)."""

    name: str
    geometry: Rect
    available: Rect
    primary: bool = False


@dataclass(frozen=True, slots=True)
class WindowGeometry:
    """Where a window sits: its normal (not maximized) rectangle, whether it is shown maximized,
    and the name of the screen it is on (``None`` when not known)."""

    rect: Rect
    maximized: bool = False
    screen: str | None = None


# --- Fitting onto the screens ----------------------------------------------------------------


def title_bar(rect: Rect) -> Rect:
    """The strip at the top of a window that holds its title bar."""
    return Rect(rect.x, rect.y, rect.width, min(TITLE_BAR_HEIGHT, rect.height))


def _title_bar_on(rect: Rect, screen: Screen) -> bool:
    strip = title_bar(rect)
    seen = strip.intersection(screen.available)
    return (
        seen is not None
        and seen.height == strip.height
        and seen.width >= min(MIN_VISIBLE_TITLE_WIDTH, rect.width)
    )


def is_reachable(rect: Rect, screens: Sequence[Screen]) -> bool:
    """Whether the user can grab the window: its title bar strip, in its full height and at
    least :data:`MIN_VISIBLE_TITLE_WIDTH` pixels (or the window's width) of it, lies within the
    available area of one screen."""
    return any(_title_bar_on(rect, screen) for screen in screens)


def screen_of(rect: Rect, screens: Sequence[Screen]) -> Screen | None:
    """The screen whose geometry ``rect`` overlaps most (the primary one on a tie), or ``None``
    when it overlaps none."""
    best: Screen | None = None
    best_rank = (0, False)
    for screen in screens:
        overlap = rect.intersection(screen.geometry)
        if overlap is None:
            continue
        rank = (overlap.area, screen.primary)
        if rank > best_rank:
            best, best_rank = screen, rank
    return best


def _fallback_screen(screens: Sequence[Screen]) -> Screen:
    return next((screen for screen in screens if screen.primary), screens[0])


def _named(screens: Sequence[Screen], name: str | None) -> Screen | None:
    if name is None:
        return None
    return next((screen for screen in screens if screen.name == name), None)


def _fits(rect: Rect, area: Rect) -> bool:
    return rect.width <= area.width and rect.height <= area.height


def clamped_into(rect: Rect, area: Rect) -> Rect:
    """``rect`` shrunk to fit ``area`` if needed, then moved as little as possible into it."""
    width, height = min(rect.width, area.width), min(rect.height, area.height)
    x = min(max(rect.x, area.x), area.right - width)
    y = min(max(rect.y, area.y), area.bottom - height)
    return Rect(x, y, width, height)


def _same_share(position: int, size: int, old_start: int, old_length: int) -> tuple[int, int]:
    """How far along the free room of an old area a window was: (offset, room), offset clamped."""
    room = old_length - size
    if room <= 0:
        return 0, 0
    return min(max(position - old_start, 0), room), room


def _mapped_into(rect: Rect, old: Rect, area: Rect) -> Rect:
    """``rect``, placed in ``old``, moved into ``area`` at the same relative position: a window
    in the middle of its old screen lands in the middle, one at the right edge at the right."""
    width, height = min(rect.width, area.width), min(rect.height, area.height)
    placed = []
    for position, size, new_size, old_start, old_length, start, length in (
        (rect.x, rect.width, width, old.x, old.width, area.x, area.width),
        (rect.y, rect.height, height, old.y, old.height, area.y, area.height),
    ):
        offset, room = _same_share(position, size, old_start, old_length)
        new_room = length - new_size
        placed.append(start + ((offset * new_room + room // 2) // room if room else 0))
    return Rect(placed[0], placed[1], width, height)


def fit_onto(rect: Rect, screens: Sequence[Screen], *, origin: Screen | None = None) -> Rect:
    """``rect`` made reachable on ``screens`` (see :func:`is_reachable`), and no bigger than
    the available area of the screen it ends up on.

    A reachable rectangle that fits the available area of a screen holding its title bar comes
    back unchanged (even if partly off-screen). One that is reachable but bigger (a lower
    resolution) is shrunk to that screen's available area, moving as little as possible; a
    window stretched across two monitors is therefore shrunk to one. Otherwise it goes onto one
    screen: the one named as ``origin`` (the screen it was placed on, if known) when that is
    still there, else the screen it overlaps most, else the primary one (else the first). It
    keeps its size if that fits the screen's available area and is shrunk to it if not. If it
    still overlaps that screen it moves as little as possible to lie inside; if not, it keeps
    its relative position on ``origin``'s available area (given), else it is clamped to the
    nearest place inside.
    """
    if not screens:
        raise ValueError("there must be at least one screen")
    holding = [screen for screen in screens if _title_bar_on(rect, screen)]
    if any(_fits(rect, screen.available) for screen in holding):
        return rect
    if holding:
        return clamped_into(rect, (screen_of(rect, holding) or holding[0]).available)
    target = (
        (_named(screens, origin.name) if origin is not None else None)
        or screen_of(rect, screens)
        or _fallback_screen(screens)
    )
    area = target.available
    if origin is None or rect.intersection(target.geometry) is not None:
        return clamped_into(rect, area)
    return _mapped_into(rect, origin.available, area)


def gather(rects: Mapping[str, Rect], screen: Screen) -> dict[str, Rect]:
    """Window > Gather Windows: every window brought onto ``screen``'s available area.

    Windows already entirely on it stay; those partly on it move in as little as possible; those
    off it are cascaded from its top-left corner, :data:`CASCADE_STEP` apart. Windows bigger
    than the available area are shrunk to it. The result has the same keys in the same order.
    """
    area = screen.available
    gathered: dict[str, Rect] = {}
    cascaded = 0
    for window_id, rect in rects.items():
        if area.contains(rect):
            gathered[window_id] = rect
        elif rect.intersection(area) is not None:
            gathered[window_id] = clamped_into(rect, area)
        else:
            width, height = min(rect.width, area.width), min(rect.height, area.height)
            steps = min(area.width - width, area.height - height) // CASCADE_STEP + 1
            offset = (cascaded % steps) * CASCADE_STEP
            gathered[window_id] = Rect(area.x + offset, area.y + offset, width, height)
            cascaded += 1
    return gathered


# --- Arrangements ----------------------------------------------------------------------------


def _sorted_screens(screens: Sequence[Screen]) -> tuple[Screen, ...]:
    def order(screen: Screen) -> tuple[str, int, int, int, int]:
        g = screen.geometry
        return (screen.name, g.x, g.y, g.width, g.height)

    return tuple(sorted(screens, key=order))


def arrangement_key(screens: Sequence[Screen]) -> str:
    """A stable key for a set of screens: their names and geometries, sorted, so the same
    monitors give the same key in whatever order they are listed. Available areas (task bars)
    and which screen is primary are not part of it.

    Example: ``"DP-1":1920x1080+0+0;"HDMI-1":1920x1080+1920+0``.
    """
    if not screens:
        raise ValueError("there must be at least one screen")
    return ";".join(
        f"{json.dumps(s.name, ensure_ascii=False)}:"
        f"{s.geometry.width}x{s.geometry.height}{s.geometry.x:+d}{s.geometry.y:+d}"
        for s in _sorted_screens(screens)
    )


def _name_problem(name: object, what: str, *, allow_empty: bool) -> str | None:
    if not isinstance(name, str):
        return f"{what} must be a string"
    if not name and not allow_empty:
        return f"{what} must not be empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"{what} is longer than {MAX_NAME_LENGTH} characters"
    if not name.isprintable():
        return f"{what} holds control characters"
    return None


def _rect_problem(rect: Rect, what: str) -> str | None:
    if max(abs(rect.x), abs(rect.y), rect.width, rect.height) > MAX_COORDINATE:
        return f"{what} has a coordinate or size beyond {MAX_COORDINATE:,} pixels"
    return None


def _check(*problems: str | None) -> None:
    for problem in problems:
        if problem is not None:
            raise ValueError(problem)


def _screen_problems(screens: Sequence[Screen]) -> list[str | None]:
    if len(screens) > MAX_SCREENS:
        return [f"more than {MAX_SCREENS} screens"]
    problems: list[str | None] = []
    for screen in screens:
        problems.append(_name_problem(screen.name, "a screen name", allow_empty=True))
        problems.append(_rect_problem(screen.geometry, f"screen {screen.name!r}"))
        problems.append(_rect_problem(screen.available, f"screen {screen.name!r}"))
    return problems


@dataclass
class _Arrangement:
    screens: tuple[Screen, ...]
    #: Least recently remembered first.
    windows: dict[str, WindowGeometry]


class GeometryBook:
    """Window geometries per screen arrangement, and which arrangement was used last.

    At most :data:`MAX_ARRANGEMENTS` arrangements are kept (the most recently used) and in each
    at most :data:`MAX_WINDOWS_PER_ARRANGEMENT` windows (the most recently remembered).
    """

    def __init__(self) -> None:
        #: Least recently used first.
        self._arrangements: dict[str, _Arrangement] = {}

    @property
    def last_arrangement(self) -> str | None:
        """The key of the arrangement used last (``None`` for an empty book)."""
        return next(reversed(self._arrangements), None)

    def arrangement_keys(self) -> list[str]:
        """The keys of the arrangements kept, most recently used first."""
        return list(reversed(self._arrangements))

    def remember(self, screens: Sequence[Screen], window_id: str, geometry: WindowGeometry) -> None:
        """File ``geometry`` for ``window_id`` under the arrangement of ``screens``, which
        becomes the one used last. Raises ValueError for an id or value it could not save."""
        key = arrangement_key(screens)
        _check(
            _name_problem(window_id, "a window id", allow_empty=False),
            _rect_problem(geometry.rect, f"the geometry of window {window_id!r}"),
            None
            if geometry.screen is None
            else _name_problem(geometry.screen, "a screen name", allow_empty=True),
            *_screen_problems(screens),
        )
        arrangement = self._arrangements.pop(key, None)
        if arrangement is None:
            arrangement = _Arrangement(screens=(), windows={})
        # Same names and geometries, but the task bars or the primary screen may have changed.
        arrangement.screens = _sorted_screens(screens)
        arrangement.windows.pop(window_id, None)
        arrangement.windows[window_id] = geometry
        while len(arrangement.windows) > MAX_WINDOWS_PER_ARRANGEMENT:
            del arrangement.windows[next(iter(arrangement.windows))]
        self._arrangements[key] = arrangement
        while len(self._arrangements) > MAX_ARRANGEMENTS:
            del self._arrangements[next(iter(self._arrangements))]

    def recall(self, screens: Sequence[Screen], window_id: str) -> WindowGeometry | None:
        """Where ``window_id`` goes on ``screens``, or ``None`` if it was never remembered.

        The geometry saved for this very arrangement if there is one (so windows go back when a
        monitor returns), else the one of the most recently used arrangement that has the
        window; either way fitted onto the current screens (:func:`fit_onto`). A maximized
        window stays maximized, on the screen it was on if a screen of that name is still
        there, else on the primary one.
        """
        key = arrangement_key(screens)
        source = self._arrangements.get(key)
        if source is None or window_id not in source.windows:
            source = next(
                (a for a in reversed(self._arrangements.values()) if window_id in a.windows),
                None,
            )
            if source is None:
                return None
        return _placed(source.windows[window_id], source.screens, screens)

    def forget(self, window_id: str) -> None:
        """Drop ``window_id`` from every arrangement (a closed panel); empty ones go too."""
        for key in list(self._arrangements):
            windows = self._arrangements[key].windows
            windows.pop(window_id, None)
            if not windows:
                del self._arrangements[key]

    # --- JSON ---------------------------------------------------------------------------------

    def to_json(self) -> bytes:
        """The book as UTF-8 JSON with a format name and version, arrangements most recently
        used first."""
        document = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "arrangements": [
                {
                    "screens": [
                        {
                            "name": screen.name,
                            "geometry": _rect_to_json(screen.geometry),
                            "available": _rect_to_json(screen.available),
                            "primary": screen.primary,
                        }
                        for screen in arrangement.screens
                    ],
                    "windows": {
                        window_id: {
                            "rect": _rect_to_json(geometry.rect),
                            "maximized": geometry.maximized,
                            "screen": geometry.screen,
                        }
                        for window_id, geometry in arrangement.windows.items()
                    },
                }
                for arrangement in reversed(self._arrangements.values())
            ],
        }
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> GeometryBook:
        """A book read from :meth:`to_json`'s output.

        Raises ValueError, saying what is wrong and where, for anything else: not UTF-8 JSON,
        another format or a newer version, a missing or mistyped value, more arrangements,
        screens or windows than a book keeps, or more than :data:`MAX_JSON_BYTES`.
        """
        if len(data) > MAX_JSON_BYTES:
            raise ValueError(
                f"window geometry data is too large ({len(data):,} bytes; "
                f"the limit is {MAX_JSON_BYTES:,})"
            )
        try:
            document: object = json.loads(
                data.decode("utf-8"),
                object_pairs_hook=_object_without_duplicates,
                parse_constant=_refuse_constant,
            )
        except (ValueError, RecursionError) as error:
            raise ValueError(f"window geometry data is not valid JSON: {error}") from None
        return _book_from_document(document)


def _placed(
    geometry: WindowGeometry, old_screens: Sequence[Screen], screens: Sequence[Screen]
) -> WindowGeometry:
    """A remembered geometry, filed with ``old_screens``, fitted onto ``screens``."""
    old = _named(old_screens, geometry.screen) or screen_of(geometry.rect, old_screens)
    if geometry.maximized:
        target = (_named(screens, old.name) if old is not None else None) or _fallback_screen(
            screens
        )
        rect = fit_onto(geometry.rect, [target], origin=old)
        return WindowGeometry(rect, maximized=True, screen=target.name)
    rect = fit_onto(geometry.rect, screens, origin=old)
    on = screen_of(rect, screens)
    return WindowGeometry(rect, maximized=False, screen=on.name if on is not None else None)


# --- JSON reading ----------------------------------------------------------------------------


def _rect_to_json(rect: Rect) -> list[int]:
    return [rect.x, rect.y, rect.width, rect.height]


def _object_without_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key[:MAX_NAME_LENGTH]!r} appears twice in one object")
        result[key] = value
    return result


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number")


def _fail(path: str, problem: str) -> NoReturn:
    raise ValueError(f"window geometry data is not valid at {path}: {problem}")


def _object(value: object, path: str) -> dict[str, object]:
    if not isinstance(value, dict):
        _fail(path, "expected an object")
    return value


def _list(value: object, path: str, limit: int) -> list[object]:
    if not isinstance(value, list):
        _fail(path, "expected a list")
    if len(value) > limit:
        _fail(path, f"more than {limit:,} entries")
    return value


def _field(mapping: dict[str, object], name: str, path: str) -> object:
    if name not in mapping:
        _fail(path, f"{name!r} is missing")
    return mapping[name]


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        _fail(path, "expected true or false")
    return value


def _name(value: object, path: str, *, allow_empty: bool) -> str:
    problem = _name_problem(value, "the name", allow_empty=allow_empty)
    if problem is not None:
        _fail(path, problem)
    assert isinstance(value, str)
    return value


def _rect(value: object, path: str) -> Rect:
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        _fail(path, "expected [x, y, width, height] as four integers")
    x, y, width, height = value
    if max(abs(x), abs(y)) > MAX_COORDINATE or not (
        0 < width <= MAX_COORDINATE and 0 < height <= MAX_COORDINATE
    ):
        _fail(path, f"a coordinate beyond {MAX_COORDINATE:,} or a size that is not positive")
    return Rect(x, y, width, height)


def _screen(value: object, path: str) -> Screen:
    entry = _object(value, path)
    return Screen(
        name=_name(_field(entry, "name", path), f"{path}.name", allow_empty=True),
        geometry=_rect(_field(entry, "geometry", path), f"{path}.geometry"),
        available=_rect(_field(entry, "available", path), f"{path}.available"),
        primary=_bool(entry.get("primary", False), f"{path}.primary"),
    )


def _window(value: object, path: str) -> WindowGeometry:
    entry = _object(value, path)
    screen = entry.get("screen")
    return WindowGeometry(
        rect=_rect(_field(entry, "rect", path), f"{path}.rect"),
        maximized=_bool(entry.get("maximized", False), f"{path}.maximized"),
        screen=None if screen is None else _name(screen, f"{path}.screen", allow_empty=True),
    )


def _book_from_document(document: object) -> GeometryBook:
    top = _object(document, "the top level")
    if top.get("format") != FORMAT_NAME:
        _fail("format", f"this is not window geometry data (expected {FORMAT_NAME!r})")
    version = _field(top, "version", "the top level")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        _fail("version", "expected a positive integer")
    if version > FORMAT_VERSION:
        _fail(
            "version",
            f"written by a newer version (format {version}; this version reads up to "
            f"{FORMAT_VERSION})",
        )
    entries = _list(_field(top, "arrangements", "the top level"), "arrangements", MAX_ARRANGEMENTS)
    book = GeometryBook()
    # The file lists the most recently used first; the book keeps it last.
    for index in reversed(range(len(entries))):
        path = f"arrangements[{index}]"
        entry = _object(entries[index], path)
        screen_list = _list(_field(entry, "screens", path), f"{path}.screens", MAX_SCREENS)
        if not screen_list:
            _fail(f"{path}.screens", "an arrangement needs at least one screen")
        screens = [_screen(s, f"{path}.screens[{i}]") for i, s in enumerate(screen_list)]
        window_map = _object(_field(entry, "windows", path), f"{path}.windows")
        if len(window_map) > MAX_WINDOWS_PER_ARRANGEMENT:
            _fail(f"{path}.windows", f"more than {MAX_WINDOWS_PER_ARRANGEMENT:,} windows")
        windows: dict[str, WindowGeometry] = {}
        for window_id, window in window_map.items():
            window_path = f"{path}.windows[{window_id[:MAX_NAME_LENGTH]!r}]"
            windows[_name(window_id, window_path, allow_empty=False)] = _window(window, window_path)
        key = arrangement_key(screens)
        if key in book._arrangements:
            _fail(path, "the same screen arrangement is listed twice")
        book._arrangements[key] = _Arrangement(screens=_sorted_screens(screens), windows=windows)
    return book
