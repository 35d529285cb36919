"""Window geometry per screen arrangement: fitting onto fake screen sets, recall, gather, JSON."""

from __future__ import annotations

import itertools
import json

import hypothesis.strategies as st
import pytest
from hypothesis import given

from tws_companion.layout.geometry import (
    CASCADE_STEP,
    MAX_ARRANGEMENTS,
    MAX_JSON_BYTES,
    MAX_NAME_LENGTH,
    MAX_SCREENS,
    MAX_WINDOWS_PER_ARRANGEMENT,
    MIN_VISIBLE_TITLE_WIDTH,
    TITLE_BAR_HEIGHT,
    GeometryBook,
    Rect,
    Screen,
    WindowGeometry,
    arrangement_key,
    fit_onto,
    gather,
)


def screen(
    name: str, x: int, y: int, width: int, height: int, *, primary: bool = False, taskbar: int = 40
) -> Screen:
    """A monitor with a task bar of ``taskbar`` pixels along its bottom edge."""
    return Screen(
        name=name,
        geometry=Rect(x, y, width, height),
        available=Rect(x, y, width, height - taskbar),
        primary=primary,
    )


LEFT = screen("DP-1", 0, 0, 1920, 1080, primary=True)
RIGHT = screen("HDMI-1", 1920, 0, 1920, 1080)
FAR_LEFT = screen("DP-2", -1920, 0, 1920, 1080)
ABOVE = screen("DP-3", 0, -1080, 1920, 1080, taskbar=0)
LAPTOP = screen("eDP-1", 0, 0, 1280, 1024, primary=True)

TWO_SIDE_BY_SIDE = [LEFT, RIGHT]
ONLY_LEFT = [LEFT]


def grabbable(rect: Rect, screens: list[Screen]) -> bool:
    """Checked independently of the module: the title bar strip (full height, and at least
    MIN_VISIBLE_TITLE_WIDTH pixels or the window's width of it) inside one available area."""
    strip_height = min(TITLE_BAR_HEIGHT, rect.height)
    needed = min(MIN_VISIBLE_TITLE_WIDTH, rect.width)
    for s in screens:
        a = s.available
        visible_width = min(rect.x + rect.width, a.x + a.width) - max(rect.x, a.x)
        vertically_inside = a.y <= rect.y and rect.y + strip_height <= a.y + a.height
        if vertically_inside and visible_width >= needed:
            return True
    return False


def inside(rect: Rect, area: Rect) -> bool:
    return (
        area.x <= rect.x
        and area.y <= rect.y
        and rect.x + rect.width <= area.x + area.width
        and rect.y + rect.height <= area.y + area.height
    )


# --- Rect ------------------------------------------------------------------------------------


def test_rect_basics_with_negative_coordinates() -> None:
    r = Rect(-100, -50, 200, 100)
    assert r.area == 20_000
    assert r.center == (0, 0)
    assert r.moved_to(10, 20) == Rect(10, 20, 200, 100)
    assert r.intersection(Rect(0, 0, 500, 500)) == Rect(0, 0, 100, 50)
    assert r.intersection(Rect(100, 0, 10, 10)) is None  # only touching


def test_rect_refuses_empty_size() -> None:
    with pytest.raises(ValueError, match="positive width and height"):
        Rect(0, 0, 0, 10)


# --- fit_onto --------------------------------------------------------------------------------


def test_window_entirely_off_screen_is_brought_onto_the_screen() -> None:
    # The demo's Phone window opened at x=1600 on a 1280-wide screen.
    phone = Rect(1600, 100, 360, 640)
    fitted = fit_onto(phone, [LAPTOP])
    assert inside(fitted, LAPTOP.available)
    assert (fitted.width, fitted.height) == (360, 640)
    assert fitted == Rect(1280 - 360, 100, 360, 640)  # moved no further than needed


def test_window_partly_off_with_its_title_bar_reachable_stays() -> None:
    partly = Rect(1280 - MIN_VISIBLE_TITLE_WIDTH, 200, 600, 700)  # exactly 100 px on screen
    assert fit_onto(partly, [LAPTOP]) == partly


def test_window_with_too_little_of_its_title_bar_on_screen_moves() -> None:
    barely = Rect(1280 - MIN_VISIBLE_TITLE_WIDTH + 1, 200, 600, 400)  # 99 px on screen
    fitted = fit_onto(barely, [LAPTOP])
    assert fitted != barely
    assert inside(fitted, LAPTOP.available)


def test_window_whose_title_bar_is_under_a_top_panel_moves_down() -> None:
    top_panel = Screen("DP-1", Rect(0, 0, 1920, 1080), Rect(0, 28, 1920, 1052), primary=True)
    hidden_title = Rect(300, 10, 800, 600)
    fitted = fit_onto(hidden_title, [top_panel])
    assert fitted == Rect(300, 28, 800, 600)


def test_window_bigger_than_a_smaller_resolution_is_shrunk_and_reachable() -> None:
    big = Rect(100, 100, 2400, 1300)  # was fine on a 2560x1440 monitor
    fitted = fit_onto(big, [LAPTOP])
    assert (fitted.width, fitted.height) == (1280, 984)
    assert inside(fitted, LAPTOP.available)
    assert grabbable(fitted, [LAPTOP])


def test_monitor_left_of_the_primary_at_negative_x_is_valid() -> None:
    on_left = Rect(-1500, 100, 800, 600)
    assert fit_onto(on_left, [FAR_LEFT, LEFT]) == on_left


def test_monitor_above_the_primary_at_negative_y_is_valid() -> None:
    on_top = Rect(200, -900, 800, 600)
    assert fit_onto(on_top, [LEFT, ABOVE]) == on_top


def test_window_on_a_gone_left_monitor_comes_onto_the_primary() -> None:
    fitted = fit_onto(Rect(-1500, 100, 800, 600), ONLY_LEFT)
    assert inside(fitted, LEFT.available)
    assert (fitted.width, fitted.height) == (800, 600)


def test_window_goes_to_the_screen_it_overlaps_most() -> None:
    # Mostly on the right monitor, title bar under nothing reachable (above both screens).
    rect = Rect(2000, -20, 800, 600)
    fitted = fit_onto(rect, TWO_SIDE_BY_SIDE)
    assert inside(fitted, RIGHT.available)


def test_with_an_origin_the_relative_position_is_kept() -> None:
    # At the right edge of a gone 1920-wide monitor: lands at the right edge of the laptop.
    fitted = fit_onto(Rect(1920 + 1920 - 800, 0, 800, 600), [LAPTOP], origin=RIGHT)
    assert fitted.x + fitted.width == 1280
    assert fitted.y == 0


def test_fit_onto_needs_a_screen() -> None:
    with pytest.raises(ValueError, match="at least one screen"):
        fit_onto(Rect(0, 0, 10, 10), [])


coordinates = st.integers(min_value=-20_000, max_value=20_000)
sizes = st.integers(min_value=1, max_value=8_000)
rects = st.builds(Rect, coordinates, coordinates, sizes, sizes)


@st.composite
def screens_strategy(draw: st.DrawFn) -> Screen:
    geometry = draw(rects)
    left = draw(st.integers(0, geometry.width - 1))
    top = draw(st.integers(0, geometry.height - 1))
    width = draw(st.integers(1, geometry.width - left))
    height = draw(st.integers(1, geometry.height - top))
    available = Rect(geometry.x + left, geometry.y + top, width, height)
    name = draw(st.text(max_size=8))
    return Screen(name, geometry, available, draw(st.booleans()))


screen_sets = st.lists(screens_strategy(), min_size=1, max_size=4)


@given(rect=rects, screens=screen_sets, origin=st.none() | screens_strategy())
def test_fit_onto_always_gives_a_reachable_window_no_bigger_than_a_screen(
    rect: Rect, screens: list[Screen], origin: Screen | None
) -> None:
    fitted = fit_onto(rect, screens, origin=origin)
    # Grabbable on a screen whose available area it fits (so never bigger than the largest).
    assert any(
        grabbable(fitted, [s])
        and fitted.width <= s.available.width
        and fitted.height <= s.available.height
        for s in screens
    )
    assert fitted.width <= max(s.available.width for s in screens)
    assert fitted.height <= max(s.available.height for s in screens)
    if fitted != rect:
        assert any(inside(fitted, s.available) for s in screens)
        assert fitted.width <= rect.width
        assert fitted.height <= rect.height
    if any(
        grabbable(rect, [s]) and inside(rect.moved_to(s.available.x, s.available.y), s.available)
        for s in screens
    ):
        assert fitted == rect  # already reachable and fits its screen: left alone


# --- arrangement_key -------------------------------------------------------------------------


def test_arrangement_key_does_not_depend_on_the_order_screens_are_listed() -> None:
    screens = [LEFT, RIGHT, FAR_LEFT, ABOVE]
    keys = {arrangement_key(list(order)) for order in itertools.permutations(screens)}
    assert len(keys) == 1


def test_arrangement_key_tells_arrangements_apart() -> None:
    moved_right = screen("HDMI-1", -1920, 0, 1920, 1080)  # same monitor, now on the left
    keys = {
        arrangement_key([LEFT, RIGHT]),
        arrangement_key([LEFT, moved_right]),
        arrangement_key([LEFT]),
        arrangement_key([screen("DP-1", 0, 0, 2560, 1440)]),
    }
    assert len(keys) == 4


def test_arrangement_key_ignores_task_bars() -> None:
    assert arrangement_key([screen("DP-1", 0, 0, 1920, 1080, taskbar=0)]) == arrangement_key(
        [screen("DP-1", 0, 0, 1920, 1080, taskbar=48)]
    )


# --- GeometryBook ----------------------------------------------------------------------------


def test_window_on_a_gone_second_monitor_moves_over_and_returns_with_it() -> None:
    book = GeometryBook()
    on_right = WindowGeometry(Rect(2100, 200, 800, 600), screen="HDMI-1")
    main = WindowGeometry(Rect(100, 100, 1200, 800), screen="DP-1")
    book.remember(TWO_SIDE_BY_SIDE, "watchlist-1", on_right)
    book.remember(TWO_SIDE_BY_SIDE, "main", main)

    # The second monitor is unplugged.
    moved = book.recall(ONLY_LEFT, "watchlist-1")
    assert moved is not None
    assert inside(moved.rect, LEFT.available)
    assert (moved.rect.width, moved.rect.height) == (800, 600)
    assert moved.screen == "DP-1"
    assert not moved.maximized
    assert book.recall(ONLY_LEFT, "main") == main  # it was on the remaining screen
    # The user moves it while the monitor is away: filed under the one-monitor arrangement.
    book.remember(ONLY_LEFT, "watchlist-1", WindowGeometry(Rect(50, 60, 800, 600), screen="DP-1"))

    # The monitor comes back: the window goes back to its place on it.
    assert book.recall(TWO_SIDE_BY_SIDE, "watchlist-1") == on_right
    # ...and away again: where the user put it then.
    assert book.recall(ONLY_LEFT, "watchlist-1") == WindowGeometry(
        Rect(50, 60, 800, 600), screen="DP-1"
    )


def test_recall_in_a_smaller_resolution_shrinks_the_window_on_the_same_monitor() -> None:
    book = GeometryBook()
    big_monitor = [screen("DP-1", 0, 0, 2560, 1440, primary=True)]
    book.remember(big_monitor, "chart", WindowGeometry(Rect(100, 100, 2400, 1300), screen="DP-1"))
    smaller = [screen("DP-1", 0, 0, 1280, 1024, primary=True)]
    recalled = book.recall(smaller, "chart")
    assert recalled is not None
    assert inside(recalled.rect, smaller[0].available)
    assert (recalled.rect.width, recalled.rect.height) == (1280, 984)
    assert grabbable(recalled.rect, smaller)


def test_window_on_a_monitor_at_negative_x_stays_while_it_is_present() -> None:
    book = GeometryBook()
    arrangement = [FAR_LEFT, LEFT]
    there = WindowGeometry(Rect(-1500, 100, 800, 600), screen="DP-2")
    book.remember(arrangement, "news", there)
    assert book.recall(list(reversed(arrangement)), "news") == there
    gone = book.recall(ONLY_LEFT, "news")
    assert gone is not None
    assert inside(gone.rect, LEFT.available)


def test_maximized_window_stays_maximized_on_its_screen_or_the_primary() -> None:
    book = GeometryBook()
    book.remember(
        TWO_SIDE_BY_SIDE, "main", WindowGeometry(Rect(2000, 100, 900, 700), True, "HDMI-1")
    )
    # HDMI-1 gone: maximized on the primary screen.
    alone = book.recall(ONLY_LEFT, "main")
    assert alone is not None
    assert alone.maximized
    assert alone.screen == "DP-1"
    assert inside(alone.rect, LEFT.available)
    # HDMI-1 back but now on the left of DP-1: maximized there, its normal rect on it too.
    hdmi_on_left = screen("HDMI-1", -1920, 0, 1920, 1080)
    elsewhere = book.recall([LEFT, hdmi_on_left], "main")
    assert elsewhere is not None
    assert elsewhere.maximized
    assert elsewhere.screen == "HDMI-1"
    assert inside(elsewhere.rect, hdmi_on_left.available)


def test_recall_of_an_unknown_window_is_none_and_forget_drops_a_window() -> None:
    book = GeometryBook()
    assert book.recall(ONLY_LEFT, "main") is None
    book.remember(ONLY_LEFT, "main", WindowGeometry(Rect(0, 0, 800, 600)))
    book.remember(TWO_SIDE_BY_SIDE, "main", WindowGeometry(Rect(0, 0, 800, 600)))
    book.remember(TWO_SIDE_BY_SIDE, "notes", WindowGeometry(Rect(10, 10, 300, 300)))
    book.forget("main")
    assert book.recall(ONLY_LEFT, "main") is None
    assert book.recall(TWO_SIDE_BY_SIDE, "main") is None
    assert book.recall(TWO_SIDE_BY_SIDE, "notes") is not None
    assert book.arrangement_keys() == [arrangement_key(TWO_SIDE_BY_SIDE)]


def test_recall_uses_the_most_recently_used_arrangement_that_has_the_window() -> None:
    book = GeometryBook()
    book.remember([RIGHT], "notes", WindowGeometry(Rect(2000, 100, 400, 300)))
    book.remember([FAR_LEFT], "notes", WindowGeometry(Rect(-1800, 100, 400, 300)))
    book.remember([LAPTOP], "main", WindowGeometry(Rect(0, 0, 800, 600)))
    assert book.last_arrangement == arrangement_key([LAPTOP])
    # On the two-monitor arrangement (never seen), "notes" comes from FAR_LEFT, the later one,
    # at the same place relative to the primary screen as it had on DP-2.
    recalled = book.recall(TWO_SIDE_BY_SIDE, "notes")
    assert recalled is not None
    assert recalled.rect == Rect(120, 100, 400, 300)


def test_remember_refuses_what_it_could_not_save() -> None:
    book = GeometryBook()
    with pytest.raises(ValueError, match="window id"):
        book.remember(ONLY_LEFT, "", WindowGeometry(Rect(0, 0, 10, 10)))
    with pytest.raises(ValueError, match="longer than"):
        book.remember(ONLY_LEFT, "x" * (MAX_NAME_LENGTH + 1), WindowGeometry(Rect(0, 0, 10, 10)))
    with pytest.raises(ValueError, match="beyond"):
        book.remember(ONLY_LEFT, "main", WindowGeometry(Rect(5_000_000, 0, 10, 10)))
    with pytest.raises(ValueError, match="at least one screen"):
        book.remember([], "main", WindowGeometry(Rect(0, 0, 10, 10)))
    assert book.last_arrangement is None


def test_book_keeps_the_most_recently_used_arrangements_only() -> None:
    book = GeometryBook()
    monitors = [
        [screen("DP-1", 0, 0, 1000 + n, 800, primary=True)] for n in range(MAX_ARRANGEMENTS + 1)
    ]
    for n, screens in enumerate(monitors):
        book.remember(screens, f"only-in-{n}", WindowGeometry(Rect(0, 0, 400, 300)))
    assert len(book.arrangement_keys()) == MAX_ARRANGEMENTS
    assert book.recall(monitors[0], "only-in-0") is None
    assert book.recall(monitors[1], "only-in-1") is not None
    assert book.arrangement_keys()[0] == arrangement_key(monitors[-1])


def test_book_keeps_the_most_recently_remembered_windows_only() -> None:
    book = GeometryBook()
    for n in range(MAX_WINDOWS_PER_ARRANGEMENT + 1):
        book.remember(ONLY_LEFT, f"w{n}", WindowGeometry(Rect(n % 1000, 0, 400, 300)))
    assert book.recall(ONLY_LEFT, "w0") is None
    assert book.recall(ONLY_LEFT, "w1") is not None
    assert book.recall(ONLY_LEFT, f"w{MAX_WINDOWS_PER_ARRANGEMENT}") is not None


# --- JSON ------------------------------------------------------------------------------------


def _sample_book() -> GeometryBook:
    book = GeometryBook()
    book.remember(
        [FAR_LEFT, LEFT], "news", WindowGeometry(Rect(-1500, 100, 800, 600), False, "DP-2")
    )
    book.remember(TWO_SIDE_BY_SIDE, "main", WindowGeometry(Rect(2000, 0, 900, 700), True, "HDMI-1"))
    book.remember(TWO_SIDE_BY_SIDE, "notes", WindowGeometry(Rect(10, 20, 300, 200)))
    book.remember(
        [Screen("内建视网膜显示器", Rect(0, 0, 1440, 900), Rect(0, 25, 1440, 875), True)],
        "main",
        WindowGeometry(Rect(0, 25, 1440, 875), False, "内建视网膜显示器"),
    )
    return book


def test_json_round_trip_keeps_everything() -> None:
    book = _sample_book()
    data = book.to_json()
    again = GeometryBook.from_json(data)
    assert again.to_json() == data
    assert again.arrangement_keys() == book.arrangement_keys()
    assert again.last_arrangement == book.last_arrangement
    for screens in ([FAR_LEFT, LEFT], TWO_SIDE_BY_SIDE, ONLY_LEFT, [LAPTOP]):
        for window_id in ("news", "main", "notes"):
            assert again.recall(screens, window_id) == book.recall(screens, window_id)
    recalled = again.recall([RIGHT, LEFT], "main")
    assert recalled == WindowGeometry(Rect(2000, 0, 900, 700), True, "HDMI-1")


def test_a_full_book_stays_well_under_the_json_size_limit_and_loads_back() -> None:
    name = "显" * MAX_NAME_LENGTH  # three UTF-8 bytes each
    screens = [
        Screen(
            f"{n:02d}{name}"[:MAX_NAME_LENGTH],
            Rect(-999_999, -999_999, 999_999, 999_999),
            Rect(-999_999, -999_999, 999_999, 999_999),
        )
        for n in range(MAX_SCREENS)
    ]
    book = GeometryBook()
    geometry = WindowGeometry(Rect(-999_999, -999_999, 999_999, 999_999), True, screens[0].name)
    for n in range(MAX_WINDOWS_PER_ARRANGEMENT):
        book.remember(screens, f"{n:05d}{name}"[:MAX_NAME_LENGTH], geometry)
    data = book.to_json()
    # A full book holds MAX_ARRANGEMENTS arrangements like this one.
    assert len(data) * MAX_ARRANGEMENTS < MAX_JSON_BYTES
    again = GeometryBook.from_json(data)
    assert again.recall(screens, f"{0:05d}{name}"[:MAX_NAME_LENGTH]) == geometry


def _document(**changes: object) -> dict[str, object]:
    document: dict[str, object] = json.loads(_sample_book().to_json())
    document.update(changes)
    return document


def _with_window(window: object) -> bytes:
    document = _document()
    arrangements = document["arrangements"]
    assert isinstance(arrangements, list)
    arrangements[0]["windows"]["main"] = window
    return json.dumps(document).encode()


def _arrangement(n: int) -> dict[str, object]:
    return {
        "screens": [
            {
                "name": "DP-1",
                "geometry": [0, 0, 1000 + n, 800],
                "available": [0, 0, 1000 + n, 800],
                "primary": True,
            }
        ],
        "windows": {"main": {"rect": [0, 0, 400, 300], "maximized": False, "screen": None}},
    }


def _encode(document: object) -> bytes:
    return json.dumps(document).encode()


GOOD_WINDOW = {"rect": [0, 0, 400, 300], "maximized": False, "screen": None}

REFUSED = [
    pytest.param(b"", "not valid JSON", id="empty"),
    pytest.param(b"\x00\x01garbage", "not valid JSON", id="binary"),
    pytest.param(b"\xff\xfe{}", "not valid JSON", id="not-utf8"),
    pytest.param(
        b'{"format": "tws-companion-window-geometry", "version": 1, ',
        "not valid JSON",
        id="cut-short",
    ),
    pytest.param(b"[" * 100_000, "not valid JSON", id="deep-nesting"),
    pytest.param(b"[]", "expected an object", id="a-list"),
    pytest.param(
        _encode({"format": "something-else", "version": 1, "arrangements": []}),
        "not window geometry",
        id="other-format",
    ),
    pytest.param(_encode(_document(version=2)), "newer version", id="newer-version"),
    pytest.param(_encode(_document(version="1")), "positive integer", id="version-string"),
    pytest.param(_encode(_document(version=True)), "positive integer", id="version-bool"),
    pytest.param(
        _encode({k: v for k, v in _document().items() if k != "arrangements"}),
        "'arrangements' is missing",
        id="no-arrangements",
    ),
    pytest.param(_encode(_document(arrangements={})), "expected a list", id="arrangements-dict"),
    pytest.param(
        _encode(_document(arrangements=[_arrangement(n) for n in range(11)])),
        "more than 10",
        id="too-many-arrangements",
    ),
    pytest.param(
        _encode(_document(arrangements=[_arrangement(1), _arrangement(1)])),
        "listed twice",
        id="same-arrangement-twice",
    ),
    pytest.param(
        _encode(_document(arrangements=[{**_arrangement(1), "screens": []}])),
        "at least one screen",
        id="no-screens",
    ),
    pytest.param(
        _encode(
            _document(
                arrangements=[
                    {**_arrangement(1), "windows": {f"w{n}": GOOD_WINDOW for n in range(5_001)}}
                ]
            )
        ),
        "more than 5,000 windows",
        id="too-many-windows",
    ),
    pytest.param(
        _with_window({**GOOD_WINDOW, "rect": [0, 0, 400]}), "four integers", id="rect-three-numbers"
    ),
    pytest.param(
        _with_window({**GOOD_WINDOW, "rect": [0, 0, 400.5, 300]}), "four integers", id="rect-float"
    ),
    pytest.param(
        _with_window({**GOOD_WINDOW, "rect": [0, 0, True, 300]}), "four integers", id="rect-bool"
    ),
    pytest.param(
        _with_window({**GOOD_WINDOW, "rect": [0, 0, -400, 300]}),
        "not positive",
        id="negative-width",
    ),
    pytest.param(
        _with_window({**GOOD_WINDOW, "rect": [10**12, 0, 400, 300]}), "beyond", id="huge-coordinate"
    ),
    pytest.param(
        _with_window({**GOOD_WINDOW, "maximized": "yes"}), "true or false", id="maximized-string"
    ),
    pytest.param(
        _with_window({**GOOD_WINDOW, "screen": 3}), "must be a string", id="screen-number"
    ),
    pytest.param(_with_window({"maximized": False}), "'rect' is missing", id="no-rect"),
    pytest.param(_with_window([0, 0, 400, 300]), "expected an object", id="window-list"),
    pytest.param(
        _with_window({**GOOD_WINDOW, "rect": [0, 0, 400, float("nan")]}), "not valid JSON", id="nan"
    ),
    pytest.param(b'{"format": "a", "format": "b"}', "appears twice", id="duplicate-key"),
]


@pytest.mark.parametrize(("data", "message"), REFUSED)
def test_from_json_refuses_malformed_data_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match="window geometry data") as caught:
        GeometryBook.from_json(data)
    assert message in str(caught.value)


def test_from_json_refuses_oversized_data_before_parsing_it() -> None:
    with pytest.raises(ValueError, match="too large"):
        GeometryBook.from_json(b" " * (MAX_JSON_BYTES + 1))


def test_from_json_refuses_an_unprintable_window_id() -> None:
    with pytest.raises(ValueError, match="control characters"):
        GeometryBook.from_json(
            _encode(_document(arrangements=[{**_arrangement(1), "windows": {"a\nb": GOOD_WINDOW}}]))
        )


# --- gather ----------------------------------------------------------------------------------


def test_gather_brings_every_window_onto_the_screen() -> None:
    rects = {
        "already-on": Rect(100, 100, 800, 600),
        "partly-on": Rect(1800, 100, 400, 300),
        "off-right": Rect(2500, 100, 800, 600),
        "off-left": Rect(-1500, 50, 800, 600),
        "huge-off": Rect(-6000, -500, 4000, 2000),
        "above": Rect(300, -900, 500, 400),
    }
    gathered = gather(rects, LEFT)
    area = LEFT.available
    assert list(gathered) == list(rects)
    assert all(inside(rect, area) for rect in gathered.values())
    assert gathered["already-on"] == rects["already-on"]
    assert gathered["partly-on"] == Rect(1920 - 400, 100, 400, 300)
    # The windows that were off it are cascaded from the top-left corner, a step apart.
    assert gathered["off-right"] == Rect(area.x, area.y, 800, 600)
    assert gathered["off-left"] == Rect(area.x + CASCADE_STEP, area.y + CASCADE_STEP, 800, 600)
    assert gathered["huge-off"] == area  # shrunk to the available area
    assert gathered["above"] == Rect(area.x + 3 * CASCADE_STEP, area.y + 3 * CASCADE_STEP, 500, 400)


def test_gather_onto_a_monitor_at_negative_coordinates() -> None:
    gathered = gather({"a": Rect(100, 100, 800, 600), "b": Rect(5000, 0, 800, 600)}, FAR_LEFT)
    assert all(inside(rect, FAR_LEFT.available) for rect in gathered.values())
    assert gathered["a"] != gathered["b"]


@given(rects=st.dictionaries(st.text(max_size=4), rects, max_size=30), target=screens_strategy())
def test_gather_always_leaves_every_window_inside_the_available_area(
    rects: dict[str, Rect], target: Screen
) -> None:
    gathered = gather(rects, target)
    assert gathered.keys() == rects.keys()
    for window_id, rect in gathered.items():
        assert inside(rect, target.available)
        assert rect.width <= rects[window_id].width
        assert rect.height <= rects[window_id].height
        if inside(rects[window_id], target.available):
            assert rect == rects[window_id]
