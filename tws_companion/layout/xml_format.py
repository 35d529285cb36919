"""The plain layout settings file: a :class:`~tws_companion.layout.model.Layout` as UTF-8 XML.

Format 2, the one written (one element a line, two spaces an indent level; wrapped here)::

    <?xml version="1.0" encoding="UTF-8"?>
    <tws-companion-settings format="2">
      <global-configuration>
        <lock-and-exit auto-logoff-time="23:45" logoff-warning-minutes="5"
                       lock-after-idle-minutes="never" autosave-minutes="10"
                       save-on-exit="true" use-server-settings="false"/>
        <display theme="light" font-size="10" language="en"/>
      </global-configuration>
      <workstation mode="mosaic" active-workspace="0">
        <color-group id="…" name="Red" color="#d9534f" symbol="AAPL"/>
        <workspace id="…" name="Mosaic">
          <panel id="…" kind="watchlist" title="Watchlist" area="left" color-group="…">
            <watchlist columns="last change change_pct bid">
              <row symbol="AAPL" exchange="SMART"/>
            </watchlist>
          </panel>
          <panel id="…" kind="order_entry" title="Order Entry" area="left">
            <order-entry symbol="AAPL" action="BUY" order-type="LMT" quantity="100"
                         time-in-force="DAY" outside-rth="false"/>
          </panel>
          <!-- kind="chart": <chart symbol bar-size/>; kind="portfolio": <portfolio columns
               show-zero-positions/>; kind="news": <news sources keyword/>;
               kind="notes": <notes>the text itself</notes> -->
        </workspace>
      </workstation>
    </tws-companion-settings>

Every element is one node of the model. Lists of names (``columns``, ``sources``) are
space-separated; "never" stands for no idle lock or no auto-save; booleans are ``true``/``false``.
The attributes the reader needs are ``format`` (root), ``kind`` (panel), ``name`` (workspace,
color group), ``color`` (color group) and ``symbol`` (row); any other attribute or known element
that is missing takes the model's default (a missing id gets a new one). Text is content only in
``<notes>``; elsewhere it is layout whitespace. Color group references are kept as written. An
``active-workspace`` that names no workspace is read, and written, as the last one. The same
layout is always written as the same bytes.

What this version does not know survives a read and a write: unknown attributes of every node go
to its ``extra.attributes`` (namespaced ones as ``{uri}name``), unknown child elements to
``extra.children`` as their XML text (their inner text and whitespace kept; the whitespace after
them is layout). They are written back inside the same node, after its known children (in
``<notes>`` right after the text). Comments and processing instructions are not kept.

Refusals (see :mod:`tws_companion.layout.errors`): a file larger than :data:`MAX_FILE_BYTES`
(checked before parsing); not XML, a document type declaration (so no entity expansion and no
external reference, ever), UTF-16 or UTF-32, or another root element → ``NotASettingsFile``;
our root element but broken XML (cut short by a crash or a full disk), a declared encoding other
than UTF-8 (or US-ASCII), elements nested deeper than :data:`MAX_DEPTH`, more than
:data:`MAX_ELEMENTS` elements, or a value that does not fit its field → ``CorruptSettingsFile``
naming the element; a format newer than :data:`FORMAT_VERSION` →
``NewerVersionFile``, whatever its shape: a newer format is never read in part, even when it only
adds what this version would keep as unknown (that needs no new format number).

How a file is parsed (:func:`parse_untrusted`): defusedxml's parser, which is pure Python and slow,
reads only the prolog, up to the root element's start tag, and refuses a document type
declaration there, the only place one can be (so nothing after the root start tag can declare an
entity); the C-accelerated ElementTree parser then reads the same bytes, in the same encoding, and
the depth limit is checked on the tree it built.

Older formats are migrated on the element tree, one step per version (:data:`MIGRATIONS`).
Format 1, the earlier shape, differed in three ways:

* no color groups (no ``<color-group>`` elements, no ``color-group`` attribute on windows);
* a window was ``<window type="chart">`` instead of ``<panel kind="chart">``;
* a watchlist held its rows as one attribute, ``<watchlist symbols="AAPL,MSFT">`` (every row on
  exchange SMART), instead of ``<row>`` elements.

Writing refuses (``ValueError`` naming the field) what an XML 1.0 file cannot hold: control
characters other than tab, line feed and carriage return (say ``\\x00`` or ``\\x01`` in a note)
and unpaired surrogates. Nothing is stripped or escaped away silently, and no unreadable file is
ever written. Also refused: a name list entry (a column, a news source) that is empty or holds
whitespace, and values that reading would refuse (a time that is not "HH:MM", a color that is not
"#rrggbb", a negative number, an unknown enum value).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from itertools import chain
from operator import attrgetter, itemgetter
from typing import TypeVar, cast
from xml.etree.ElementTree import (
    Element,
    ParseError,
    SubElement,
    TreeBuilder,
    XMLParser,
    tostring,
)
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from tws_companion.layout import bulk
from tws_companion.layout.errors import (
    CorruptSettingsFile,
    NewerVersionFile,
    NotASettingsFile,
    SettingsFileTooLarge,
)
from tws_companion.layout.model import (
    Chart,
    ColorGroup,
    Display,
    DockArea,
    Extra,
    GlobalConfig,
    Layout,
    LockAndExit,
    Mode,
    News,
    Notes,
    OrderAction,
    OrderEntry,
    OrderType,
    Panel,
    PanelKind,
    PanelState,
    Portfolio,
    Theme,
    TimeInForce,
    Watchlist,
    WatchlistRow,
    Workspace,
    Workstation,
    new_id,
    new_state,
    plain_rows,
)

__all__ = [
    "FORMAT_VERSION",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_FILE_BYTES",
    "MIGRATIONS",
    "ROOT_TAG",
    "begins_like",
    "dumps",
    "loads",
    "parse_untrusted",
    "peek_root",
]

FORMAT_VERSION = 2
#: A settings file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Elements nested deeper than this (the format itself uses 6 levels) are refused.
MAX_DEPTH = 32
#: More elements than this are refused (a large layout has some 25,000).
MAX_ELEMENTS = 1_000_000
ROOT_TAG = "tws-companion-settings"

_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
_NEVER = "never"
_MAX_INT = 1_000_000_000

E = TypeVar("E", bound=StrEnum)


#: How long reading or writing runs Python at most before it lets a thread waiting for the GIL
#: take it (see :func:`_let_others_run`).
_GIL_TURN_S = 0.001
#: When the GIL was last offered (shared by the threads: a hint, not a count).
_offered = [0.0]


def _let_others_run() -> None:
    """Hand the GIL to a thread waiting for it, if any, once :data:`_GIL_TURN_S` has passed.

    Reading or writing a large layout runs on the GUI's worker; every Python call the GUI
    thread makes meanwhile (a timer's slot, a table cell painted) must take the GIL, and a
    thread asking for it waits for the switch interval (5 ms) while another runs Python, each
    time. Called between panels (and the parser's slices), this lets go every millisecond
    (``time.sleep(0)`` releases the GIL): a wait of a millisecond instead of five. Not more
    often: each release costs some microseconds, which at every panel were a third of a load.
    """
    now = time.perf_counter()
    if now - _offered[0] >= _GIL_TURN_S:
        time.sleep(0)
        _offered[0] = time.perf_counter()


# --- Parsing untrusted bytes -------------------------------------------------------------------


class _LimitExceededError(Exception):
    pass


class _RootFound(Exception):  # noqa: N818  (not an error: it ends the check of the prolog)
    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self.tag = tag


class _EncodingRefusedError(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _RootSpotter:
    """The target of the prolog check: it stops the parser at the root element's start tag."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        raise _RootFound(tag)

    def close(self) -> None:
        return None


class _LimitedBuilder:
    """An ElementTree builder that stops at :data:`MAX_DEPTH` levels and :data:`MAX_ELEMENTS`.

    Only for documents that might hold more elements than the limit (see :func:`parse_untrusted`):
    it costs a Python call per element, which the plain C builder does not.
    """

    def __init__(self) -> None:
        self._builder = TreeBuilder()
        self.data: Callable[[str], None] = self._builder.data
        self.depth = 0
        self.count = 0

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.depth += 1
        self.count += 1
        if self.depth > MAX_DEPTH:
            raise _LimitExceededError(_TOO_DEEP)
        if self.count > MAX_ELEMENTS:
            raise _LimitExceededError(_TOO_MANY)
        return self._builder.start(tag, attrs)

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return self._builder.end(tag)

    def close(self) -> Element:
        return self._builder.close()


_TOO_DEEP = f"elements are nested more than {MAX_DEPTH} levels deep"
_TOO_MANY = f"it holds more than {MAX_ELEMENTS:,} elements"
#: The smallest element, ``<a/>``, takes 4 bytes: a shorter document cannot exceed the count.
_MIN_ELEMENT_BYTES = 4
#: The parser is fed this many bytes at a time (the GIL can pass to other threads in between):
#: one feed of 16 KB holds the GIL for 1-3 ms of C on the development VM (64 KB: 4-14 ms).
_FEED_BYTES = 16 * 1024
#: The prolog check feeds defusedxml this many bytes first, then 16 times more each round.
_PROLOG_CHUNK = 4096
#: Encodings read (as named in an XML declaration, casefolded); undeclared is UTF-8.
_ENCODINGS = frozenset({"utf-8", "us-ascii"})
_PROLOG = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--(?:[^-]|-(?!->)){0,1000}-->\s*)*"
)
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
#: What may follow an element's name in its start tag.
_AFTER_NAME = (b" ", b"\t", b"\r", b"\n", b"/", b">")


def peek_root(data: bytes) -> str | None:
    """The name of the first element of ``data`` as written, without parsing it (cheap, safe).

    ``None`` when the bytes do not start like XML (after a byte order mark, white space, an XML
    declaration and comments).
    """
    head = data[:4096]
    rest = head[_PROLOG.match(head).end() :]  # type: ignore[union-attr]  # always matches
    found = re.match(rb"<([^\s/>!?]{1,200})[\s/>]", rest)
    return found.group(1).decode("utf-8", "replace") if found else None


def begins_like(data: bytes, root_tag: str) -> bool:
    """Whether ``data`` is the start of a document with ``root_tag`` (maybe cut short)."""
    head = data[:4096]
    rest = head[_PROLOG.match(head).end() :]  # type: ignore[union-attr]  # always matches
    tag = b"<" + root_tag.encode()
    if tag.startswith(rest) or _DECLARATION.startswith(head.strip()):
        return True
    return rest.startswith(tag) and rest[len(tag) : len(tag) + 1] in (b"", *_AFTER_NAME)


def _shown(text: str, limit: int = 40) -> str:
    """``text`` for an error detail: quoted, and cut short if long."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _check_declared_encoding(version: str | None, encoding: str | None, standalone: int) -> None:
    """The XML declaration handler of the prolog check: only UTF-8 (or its ASCII subset)."""
    if encoding is not None and encoding.casefold() not in _ENCODINGS:
        raise _EncodingRefusedError(encoding)


def _root_after_safe_prolog(data: bytes) -> str | None:
    """The root element's tag, once defusedxml has read everything before its start tag.

    A document type declaration (the only place entities can be declared) can come only before
    the root element: defusedxml refuses one (``DefusedXmlException``), and once it has seen the
    root element start, the rest of the document cannot declare one. Also raises
    ``_EncodingRefusedError`` for a declared encoding other than UTF-8 or US-ASCII, and
    ``ParseError`` for what is not XML before or in the root start tag. ``None``: the document
    ended without an element (the parser says so first).
    """
    parser = DefusedXMLParser(
        target=_RootSpotter(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    parser.parser.XmlDeclHandler = _check_declared_encoding
    start, size = 0, _PROLOG_CHUNK
    try:
        while start < len(data):
            parser.feed(data[start : start + size])
            start += size
            size *= 16
        parser.close()
    except _RootFound as found:
        return found.tag
    return None


def _check_depth(root: Element) -> None:
    """Refuse a tree deeper than :data:`MAX_DEPTH`.

    One level at a time, keeping only the elements that have children, each level a list made
    in C: a few milliseconds for a large layout, and at most :data:`MAX_DEPTH` levels are made.
    """
    parents = [root] if len(root) else []
    depth = 1
    while parents:
        depth += 1  # the children of ``parents`` are this deep
        if depth > MAX_DEPTH:
            raise _LimitExceededError(_TOO_DEEP)
        parents = list(filter(len, chain.from_iterable(parents)))


def parse_untrusted(data: bytes, root_tag: str, *, limit: int = MAX_FILE_BYTES) -> Element:
    """Parse ``data`` safely (defusedxml, no DTD, depth and size limits) and check its root.

    Only UTF-8 (or US-ASCII) is read: a UTF-16 or UTF-32 file (a byte order mark or a zero byte
    at the start) and another declared encoding are refused. Raises ``SettingsFileTooLarge``
    above ``limit`` bytes, ``NotASettingsFile`` for what is not XML, has another root element or
    a document type declaration, ``CorruptSettingsFile`` for a broken document that begins with
    ``root_tag`` (a file cut short) or exceeds :data:`MAX_DEPTH` or :data:`MAX_ELEMENTS`.

    How: defusedxml (the pure-Python parser, slow) reads only the prolog, up to the root start
    tag (:func:`_root_after_safe_prolog`); the C-accelerated parser then reads the whole
    document, the same bytes in the same encoding, which can no longer declare an entity.
    """
    if len(data) > limit:
        raise SettingsFileTooLarge(len(data), limit)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        raise NotASettingsFile("it is not UTF-8 text: settings files are UTF-8")
    try:
        tag = _root_after_safe_prolog(data)
    except DefusedXmlException:
        raise NotASettingsFile(
            "it has a document type declaration, which settings files never have"
        ) from None
    except _EncodingRefusedError as refused:
        problem = f"its declared encoding {_shown(refused.name)} is not UTF-8"
        if begins_like(data, root_tag):
            raise CorruptSettingsFile(problem) from None
        raise NotASettingsFile(problem) from None
    except (ParseError, LookupError, ValueError) as exc:
        if begins_like(data, root_tag):
            raise CorruptSettingsFile(_parse_problem(data, exc)) from None
        raise NotASettingsFile("it is not XML") from None
    if tag != root_tag:
        raise NotASettingsFile(
            "it is not XML" if tag is None else f"its root element is <{_shown(tag)[1:-1]}>"
        )
    # Counting elements as they are made costs a Python call each: only where the size allows
    # more than the limit and the "<" do not rule it out.
    limited = len(data) > _MIN_ELEMENT_BYTES * MAX_ELEMENTS and data.count(b"<") > MAX_ELEMENTS
    # The prolog has passed defusedxml: no DTD, so no entity can be declared from here on.
    parser = XMLParser(target=_LimitedBuilder() if limited else TreeBuilder())  # noqa: S314
    try:
        # In slices: the C parser holds the GIL for as long as one feed takes, and a large file
        # read in one go would stall every other thread (the GUI's) for tens of milliseconds.
        view = memoryview(data)
        for start in range(0, len(data), _FEED_BYTES):
            parser.feed(view[start : start + _FEED_BYTES])
            _let_others_run()
        root: Element = parser.close()
        if not limited:  # then the size rules out more elements than the limit
            _check_depth(root)
    except _LimitExceededError as exc:
        raise CorruptSettingsFile(str(exc)) from None
    except (ParseError, LookupError, ValueError) as exc:
        raise CorruptSettingsFile(_parse_problem(data, exc)) from None
    return root


def _parse_problem(data: bytes, exc: Exception) -> str:
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        return "the file is empty"
    if not isinstance(exc, ParseError):
        return "its declared encoding cannot be read"
    line, column = exc.position
    if exc.code == expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]:
        return f"the file ends before the settings do (cut short at line {line})"
    return f"malformed XML at line {line}, column {column}: {expat.ErrorString(exc.code)}"


# --- Reading -----------------------------------------------------------------------------------


def loads(data: bytes) -> Layout:
    """The layout held by a plain settings file (format 1 or 2). See the module for refusals."""
    # Nothing made here forms a cycle; without the pause, the collector would walk the growing
    # heap over and over and take about half the time of a large load. The element tree is gone
    # when _layout_in returns: the collector, back on, never walks it, only what the layout is
    # made of (filed with the old objects).
    with bulk.collector_paused(file_away=True):
        return _layout_in(data)


def _layout_in(data: bytes) -> Layout:
    root = parse_untrusted(data, ROOT_TAG)
    version = _format_version(root)
    while version < FORMAT_VERSION:
        MIGRATIONS[version](root)
        version += 1
    return _read_layout(root)


def _format_version(root: Element) -> int:
    text = root.get("format")
    if text is None:
        raise CorruptSettingsFile(f"<{ROOT_TAG}> has no format attribute")
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise CorruptSettingsFile(f"<{ROOT_TAG}> format={_shown(text)} is not a format number")
    version = int(text)
    if version > FORMAT_VERSION:
        raise NewerVersionFile(version, FORMAT_VERSION)
    if version not in MIGRATIONS and version != FORMAT_VERSION:
        raise CorruptSettingsFile(f"<{ROOT_TAG}> format={version} is not a known format")
    return version


def _from_1_to_2(root: Element) -> None:
    """Format 1 → 2: ``<window type>`` → ``<panel kind>``; watchlist ``symbols`` → ``<row>``."""
    for workstation in root.iterfind("workstation"):
        for workspace in workstation.iterfind("workspace"):
            for window in workspace.iterfind("window"):
                window.tag = "panel"
                kind = window.attrib.pop("type", None)
                if kind is None:
                    raise CorruptSettingsFile("<window> has no type attribute")
                window.attrib = {"kind": kind, **window.attrib}
                if kind != PanelKind.WATCHLIST:
                    continue
                for watchlist in window.iterfind("watchlist"):
                    for symbol in watchlist.attrib.pop("symbols", "").split(","):
                        if symbol.strip():
                            SubElement(watchlist, "row", symbol=symbol.strip(), exchange="SMART")
    root.set("format", "2")


#: One step per older format: ``MIGRATIONS[n]`` turns a format-n tree into format n + 1.
MIGRATIONS: dict[int, Callable[[Element], None]] = {1: _from_1_to_2}


def _fragment(child: Element) -> str:
    """An unknown element as XML text: how it is kept, and written back."""
    child.tail = None
    # ElementTree escapes a carriage return in attributes but not in text, where reading the text
    # back would turn it into a line feed.
    return tostring(child, encoding="unicode").replace("\r", "&#13;")


def _unknown_attributes(el: Element, known: frozenset[str]) -> dict[str, str]:
    attrib = el.attrib
    if attrib.keys() <= known:
        return {}
    return {name: value for name, value in attrib.items() if name not in known}


def _corrupt(el: Element, where: str, problem: str) -> CorruptSettingsFile:
    return CorruptSettingsFile(f"<{el.tag}>{where}: {problem}")


def _required(el: Element, name: str, where: str) -> str:
    value = el.get(name)
    if value is None:
        raise _corrupt(el, where, f"the {name} attribute is missing")
    return value


def _int(el: Element, name: str, default: int, where: str, *, minimum: int = 0) -> int:
    text = el.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 10) or not (
        minimum <= int(text) <= _MAX_INT
    ):
        expected = f"a whole number from {minimum} to {_MAX_INT:,}"
        raise _corrupt(el, where, f"{name}={_shown(text)} is not {expected}")
    return int(text)


def _optional_int(el: Element, name: str, default: int | None, where: str) -> int | None:
    if el.get(name) == _NEVER:
        return None
    return _int(el, name, 0, where) if name in el.attrib else default


def _bool(el: Element, name: str, default: bool, where: str) -> bool:
    text = el.get(name)
    if text is None:
        return default
    if text not in ("true", "false"):
        raise _corrupt(el, where, f"{name}={_shown(text)} is neither true nor false")
    return text == "true"


def _enum(el: Element, name: str, kind: type[E], default: E | None, where: str) -> E:
    text = el.get(name)
    if text is None:
        if default is None:
            raise _corrupt(el, where, f"the {name} attribute is missing")
        return default
    member = kind._value2member_map_.get(text)  # what kind(text) looks up first, without a call
    if member is not None:
        return cast(E, member)
    try:
        return kind(text)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise _corrupt(el, where, f"{name}={_shown(text)} is not one of {choices}") from None


def _names(el: Element, name: str, default: list[str]) -> list[str]:
    text = el.get(name)
    return list(default) if text is None else text.split()


_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]\Z")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}\Z")


def _matching(el: Element, name: str, pattern: re.Pattern[str], default: str, where: str) -> str:
    text = el.get(name, default)
    if not pattern.match(text):
        expected = '"HH:MM"' if pattern is _TIME else '"#rrggbb"'
        raise _corrupt(el, where, f"{name}={_shown(text)} is not {expected}")
    return text


def _single(found: dict[str, Element], child: Element, where: str, parent: Element) -> None:
    if child.tag in found:
        raise _corrupt(parent, where, f"there is more than one <{child.tag}>")
    found[str(child.tag)] = child


_ROOT_ATTRS = frozenset({"format"})
_LOCK_ATTRS = frozenset(
    {
        "auto-logoff-time",
        "logoff-warning-minutes",
        "lock-after-idle-minutes",
        "autosave-minutes",
        "save-on-exit",
        "use-server-settings",
    }
)
_DISPLAY_ATTRS = frozenset({"theme", "font-size", "language"})
_WORKSTATION_ATTRS = frozenset({"mode", "active-workspace"})
_GROUP_ATTRS = frozenset({"id", "name", "color", "symbol"})
_WORKSPACE_ATTRS = frozenset({"id", "name"})
_PANEL_ATTRS = frozenset({"id", "kind", "title", "area", "color-group"})
_WATCHLIST_ATTRS = frozenset({"columns"})
_ROW_ATTRS = frozenset({"symbol", "exchange"})
_ORDER_ATTRS = frozenset(
    {"symbol", "action", "order-type", "quantity", "time-in-force", "outside-rth"}
)
_CHART_ATTRS = frozenset({"symbol", "bar-size"})
_PORTFOLIO_ATTRS = frozenset({"columns", "show-zero-positions"})
_NEWS_ATTRS = frozenset({"sources", "keyword"})
_NO_ATTRS: frozenset[str] = frozenset()

# The defaults of missing attributes, made once (read, never changed; lists are copied).
_DEFAULT_LOCK = LockAndExit()
_DEFAULT_DISPLAY = Display()
_DEFAULT_ORDER = OrderEntry()
_DEFAULT_CHART = Chart()
_DEFAULT_PORTFOLIO = Portfolio()
_DEFAULT_NEWS = News()


def _read_layout(root: Element) -> Layout:
    found: dict[str, Element] = {}
    children: list[str] = []
    for child in root:
        if child.tag in ("global-configuration", "workstation"):
            _single(found, child, "", root)
        else:
            children.append(_fragment(child))
    config = found.get("global-configuration")
    workstation = found.get("workstation")
    return Layout(
        global_config=GlobalConfig() if config is None else _read_global(config),
        workstation=Workstation() if workstation is None else _read_workstation(workstation),
        extra=Extra(_unknown_attributes(root, _ROOT_ATTRS), children),
    )


def _read_global(el: Element) -> GlobalConfig:
    found: dict[str, Element] = {}
    children: list[str] = []
    for child in el:
        if child.tag in ("lock-and-exit", "display"):
            _single(found, child, "", el)
        else:
            children.append(_fragment(child))
    lock = found.get("lock-and-exit")
    display = found.get("display")
    return GlobalConfig(
        lock_and_exit=LockAndExit() if lock is None else _read_lock(lock),
        display=Display() if display is None else _read_display(display),
        extra=Extra(_unknown_attributes(el, _NO_ATTRS), children),
    )


def _read_lock(el: Element) -> LockAndExit:
    default = _DEFAULT_LOCK
    return LockAndExit(
        auto_logoff_time=_matching(el, "auto-logoff-time", _TIME, default.auto_logoff_time, ""),
        logoff_warning_minutes=_int(
            el, "logoff-warning-minutes", default.logoff_warning_minutes, ""
        ),
        lock_after_idle_minutes=_optional_int(
            el, "lock-after-idle-minutes", default.lock_after_idle_minutes, ""
        ),
        autosave_minutes=_optional_int(el, "autosave-minutes", default.autosave_minutes, ""),
        save_on_exit=_bool(el, "save-on-exit", default.save_on_exit, ""),
        use_server_settings=_bool(el, "use-server-settings", default.use_server_settings, ""),
        extra=Extra(_unknown_attributes(el, _LOCK_ATTRS), [_fragment(c) for c in el]),
    )


def _read_display(el: Element) -> Display:
    default = _DEFAULT_DISPLAY
    return Display(
        theme=_enum(el, "theme", Theme, default.theme, ""),
        font_size=_int(el, "font-size", default.font_size, "", minimum=1),
        language=el.get("language", default.language),
        extra=Extra(_unknown_attributes(el, _DISPLAY_ATTRS), [_fragment(c) for c in el]),
    )


def _read_workstation(el: Element) -> Workstation:
    groups: list[ColorGroup] = []
    spaces: list[Workspace] = []
    children: list[str] = []
    for child in el:
        if child.tag == "workspace":
            spaces.append(_read_workspace(child, len(spaces) + 1))
        elif child.tag == "color-group":
            groups.append(_read_group(child))
        else:
            children.append(_fragment(child))
    active = _int(el, "active-workspace", 0, "")
    return Workstation(
        mode=_enum(el, "mode", Mode, Mode.MOSAIC, ""),
        workspaces=spaces,
        # A tab that is not there: show the last one rather than refuse the file.
        active_workspace=min(active, max(len(spaces) - 1, 0)),
        color_groups=groups,
        extra=Extra(_unknown_attributes(el, _WORKSTATION_ATTRS), children),
    )


def _read_group(el: Element) -> ColorGroup:
    name = _required(el, "name", "")
    where = f" {_shown(name)}"
    return ColorGroup(
        name=name,
        color=_matching(el, "color", _COLOR, _required(el, "color", where), where),
        id=el.get("id") or new_id(),
        symbol=el.get("symbol", ""),
        extra=Extra(_unknown_attributes(el, _GROUP_ATTRS), [_fragment(c) for c in el]),
    )


def _read_workspace(el: Element, number: int) -> Workspace:
    name = _required(el, "name", f" number {number}")
    where = f"workspace {_shown(name)}"
    panels: list[Panel] = []
    children: list[str] = []
    for child in el:
        if child.tag == "panel":
            panels.append(_read_panel(child, f" number {len(panels) + 1} in {where}"))
            _let_others_run()
        else:
            children.append(_fragment(child))
    return Workspace(
        name=name,
        panels=panels,
        id=el.get("id") or new_id(),
        extra=Extra(_unknown_attributes(el, _WORKSPACE_ATTRS), children),
    )


def _read_panel(el: Element, where: str) -> Panel:
    title = el.get("title", "")
    if title:
        where = f" {_shown(title)}{where}"
    kind = _enum(el, "kind", PanelKind, None, where)
    state_tag = _STATE_TAGS[kind]
    state: PanelState | None = None
    children: list[str] = []
    for child in el:
        if child.tag != state_tag:
            children.append(_fragment(child))
        elif state is None:
            state = _STATE_READERS[kind](child, f" in panel{where}")
        else:
            raise _corrupt(el, where, f"there is more than one <{state_tag}>")
    return Panel(
        state=new_state(kind) if state is None else state,
        title=title,
        id=el.get("id") or new_id(),
        area=_enum(el, "area", DockArea, DockArea.LEFT, where),
        color_group=el.get("color-group"),
        extra=Extra(_unknown_attributes(el, _PANEL_ATTRS), children),
    )


def _read_watchlist(el: Element, where: str) -> Watchlist:
    found = el[:]
    rows = _plain_rows(found)
    children: list[str] = []
    if rows is None:
        rows = []
        append = rows.append
        known = _ROW_ATTRS
        for child in found:
            if child.tag != "row":
                children.append(_fragment(child))
                continue
            attrib = child.attrib
            symbol = attrib.get("symbol")
            if symbol is None:
                raise _corrupt(child, f" number {len(rows) + 1}{where}", "the symbol is missing")
            extra = Extra(_unknown_attributes(child, known), [_fragment(c) for c in child])
            append(WatchlistRow(symbol, attrib.get("exchange", "SMART"), extra))
    columns = el.get("columns")
    return Watchlist(
        columns=Watchlist().columns if columns is None else columns.split(),
        rows=rows,
        extra=Extra(_unknown_attributes(el, _WATCHLIST_ATTRS), children),
    )


_TAG = attrgetter("tag")
_ATTRIB = attrgetter("attrib")
_SYMBOL = itemgetter("symbol")
_EXCHANGE = itemgetter("exchange")


def _plain_rows(elements: list[Element]) -> list[WatchlistRow] | None:
    """The rows of a watchlist whose elements are all ``<row symbol="…" exchange="…"/>`` (what
    this version writes), checked a whole watchlist at a time; ``None`` for any other content."""
    attribs = list(map(_ATTRIB, elements))
    if (
        set(map(_TAG, elements)) - {"row"}
        or any(map(len, elements))  # a row with elements inside
        or set(map(len, attribs)) - {2}
    ):
        return None
    try:
        # Two attributes, both of these: no unknown one.
        return plain_rows(map(_SYMBOL, attribs), map(_EXCHANGE, attribs))
    except KeyError:
        return None


def _read_order_entry(el: Element, where: str) -> OrderEntry:
    default = _DEFAULT_ORDER
    return OrderEntry(
        symbol=el.get("symbol", default.symbol),
        action=_enum(el, "action", OrderAction, default.action, where),
        order_type=_enum(el, "order-type", OrderType, default.order_type, where),
        quantity=_int(el, "quantity", default.quantity, where),
        time_in_force=_enum(el, "time-in-force", TimeInForce, default.time_in_force, where),
        outside_rth=_bool(el, "outside-rth", default.outside_rth, where),
        extra=Extra(_unknown_attributes(el, _ORDER_ATTRS), [_fragment(c) for c in el]),
    )


def _read_chart(el: Element, where: str) -> Chart:
    default = _DEFAULT_CHART
    return Chart(
        symbol=el.get("symbol", default.symbol),
        bar_size=el.get("bar-size", default.bar_size),
        extra=Extra(_unknown_attributes(el, _CHART_ATTRS), [_fragment(c) for c in el]),
    )


def _read_portfolio(el: Element, where: str) -> Portfolio:
    default = _DEFAULT_PORTFOLIO
    return Portfolio(
        columns=_names(el, "columns", default.columns),
        show_zero_positions=_bool(el, "show-zero-positions", default.show_zero_positions, where),
        extra=Extra(_unknown_attributes(el, _PORTFOLIO_ATTRS), [_fragment(c) for c in el]),
    )


def _read_news(el: Element, where: str) -> News:
    default = _DEFAULT_NEWS
    return News(
        sources=_names(el, "sources", default.sources),
        keyword=el.get("keyword", default.keyword),
        extra=Extra(_unknown_attributes(el, _NEWS_ATTRS), [_fragment(c) for c in el]),
    )


def _read_notes(el: Element, where: str) -> Notes:
    return Notes(
        text=el.text or "",
        extra=Extra(_unknown_attributes(el, _NO_ATTRS), [_fragment(c) for c in el]),
    )


_STATE_TAGS: dict[PanelKind, str] = {
    PanelKind.WATCHLIST: "watchlist",
    PanelKind.ORDER_ENTRY: "order-entry",
    PanelKind.CHART: "chart",
    PanelKind.PORTFOLIO: "portfolio",
    PanelKind.NEWS: "news",
    PanelKind.NOTES: "notes",
}
_STATE_READERS: dict[PanelKind, Callable[[Element, str], PanelState]] = {
    PanelKind.WATCHLIST: _read_watchlist,
    PanelKind.ORDER_ENTRY: _read_order_entry,
    PanelKind.CHART: _read_chart,
    PanelKind.PORTFOLIO: _read_portfolio,
    PanelKind.NEWS: _read_news,
    PanelKind.NOTES: _read_notes,
}


# --- Writing -----------------------------------------------------------------------------------

_ATTR_SPECIAL = re.compile(r'[&<>"\n\r\t]')
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;"}
    | {"\t": "&#9;"}
)
_TEXT_SPECIAL = re.compile(r"[&<>\r]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
#: What an XML 1.0 document cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_C0_NOT_XML = bytes(c for c in range(32) if chr(c) not in "\t\n\r")
_BAD_NAME = re.compile(r"[\s<>&\"'=/!?{}:\x00-\x1f]|\A[-.0-9]|\A(?i:xmlns)|\A\Z")
_INDENT = ["  " * level for level in range(MAX_DEPTH + 1)]


def _attr(value: str) -> str:
    if value.isalnum() or not _ATTR_SPECIAL.search(value):
        return value
    return value.translate(_ATTR_ESCAPES)


def _text(value: str) -> str:
    return value.translate(_TEXT_ESCAPES) if _TEXT_SPECIAL.search(value) else value


def dumps(layout: Layout) -> bytes:
    """``layout`` as a format-2 settings file: UTF-8, indented, the same bytes for the same layout.

    Raises ``ValueError`` naming the field for what XML 1.0 cannot hold (see the module).
    """
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<{ROOT_TAG} format="{FORMAT_VERSION}"{_extra_attributes(layout.extra, _ROOT_ATTRS)}>\n',
    ]
    _write_global(out, layout.global_config)
    _write_workstation(out, layout.workstation)
    _write_children(out, layout.extra, 1)
    out.append(f"</{ROOT_TAG}>\n")
    try:
        # Part by part: most parts are ASCII (a copy each), and no twice-as-wide text of the
        # whole file is made because a note holds Chinese.
        data = b"".join([part.encode("utf-8") for part in out])
    except UnicodeEncodeError:  # an unpaired surrogate
        raise ValueError(_locate_unwritable(layout)) from None
    # C0 controls: faster on the bytes than a search of the text. U+FFFE and U+FFFF: only in
    # the parts that are not ASCII.
    if len(data.translate(None, _C0_NOT_XML)) != len(data) or any(
        "\ufffe" in part or "\uffff" in part for part in out if not part.isascii()
    ):
        raise ValueError(_locate_unwritable(layout))
    return data


def _extra_attributes(extra: Extra, known: frozenset[str]) -> str:
    if not extra.attributes:
        return ""
    prefixes: dict[str, str] = {}
    parts: list[str] = []
    for name, value in extra.attributes.items():
        local = name
        if name.startswith("{"):
            uri, _, local = name[1:].partition("}")
            if uri == _XML_NAMESPACE:
                qualified = f"xml:{local}"
            else:
                qualified = f"{prefixes.setdefault(uri, f'ns{len(prefixes)}')}:{local}"
        elif name in known:
            raise ValueError(f"the unknown attribute {name!r} has the name of a known one")
        else:
            qualified = name
        if _BAD_NAME.search(local):
            raise ValueError(f"{name!r} is not an XML attribute name")
        parts.append(f' {qualified}="{_attr(value)}"')
    declarations = [f' xmlns:{prefix}="{_attr(uri)}"' for uri, prefix in prefixes.items()]
    return "".join(declarations + parts)


def _write_children(out: list[str], extra: Extra, level: int) -> None:
    indent = _INDENT[level]
    for child in extra.children:
        out.append(f"{indent}{child}\n")


def _write_leaf(
    out: list[str], level: int, start: str, extra: Extra, known: frozenset[str]
) -> None:
    """One element without known children: ``start`` is ``<tag attr="…"``."""
    attributes = _extra_attributes(extra, known)
    if not extra.children:
        out.append(f"{_INDENT[level]}{start}{attributes}/>\n")
        return
    out.append(f"{_INDENT[level]}{start}{attributes}>\n")
    _write_children(out, extra, level + 1)
    tag = start[1:].split(" ", 1)[0]
    out.append(f"{_INDENT[level]}</{tag}>\n")


def _minutes(value: int | None, field: str) -> str:
    return _NEVER if value is None else _number(value, field)


# The field names below are templates, formatted with ``args`` only for an error message: a large
# layout is written without making the messages it does not need.


def _number(value: int, field: str, *args: object, minimum: int = 0) -> str:
    if value.__class__ is int and minimum <= value <= _MAX_INT:
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= _MAX_INT:
        raise ValueError(
            f"{field.format(*args)} must be a whole number from {minimum} to {_MAX_INT:,}"
        )
    return str(value)


def _checked(value: str, pattern: re.Pattern[str], field: str, *args: object) -> str:
    if not pattern.match(value):
        expected = "HH:MM" if pattern is _TIME else "#rrggbb"
        raise ValueError(f"{field.format(*args)} {value!r} is not {expected}")
    return value


def _member(value: E, kind: type[E], field: str, *args: object) -> str:
    if value.__class__ is kind:
        return value  # a member of a StrEnum is the text of its value
    try:
        return kind(value).value
    except ValueError:
        choices = [m.value for m in kind]
        raise ValueError(f"{field.format(*args)} {value!r} is not one of {choices}") from None


def _name_list(values: list[str], field: str, *args: object) -> str:
    joined = " ".join(values)
    # Split back into the same list exactly when no entry is empty or holds white space.
    if joined.split() != values:
        for value in values:
            if value.split() != [value]:
                raise ValueError(
                    f"{field.format(*args)} entry {value!r} is empty or holds white space"
                )
    return _attr(joined)


def _write_global(out: list[str], config: GlobalConfig) -> None:
    lock, display = config.lock_and_exit, config.display
    out.append(f"  <global-configuration{_extra_attributes(config.extra, _NO_ATTRS)}>\n")
    logoff = _checked(lock.auto_logoff_time, _TIME, "Lock and Exit: auto log-off time")
    warning = _number(lock.logoff_warning_minutes, "Lock and Exit: warning minutes")
    idle = _minutes(lock.lock_after_idle_minutes, "Lock and Exit: idle minutes")
    autosave = _minutes(lock.autosave_minutes, "Lock and Exit: auto-save minutes")
    _write_leaf(
        out,
        2,
        f'<lock-and-exit auto-logoff-time="{logoff}" logoff-warning-minutes="{warning}"'
        f' lock-after-idle-minutes="{idle}" autosave-minutes="{autosave}"'
        f' save-on-exit="{_flag(lock.save_on_exit)}"'
        f' use-server-settings="{_flag(lock.use_server_settings)}"',
        lock.extra,
        _LOCK_ATTRS,
    )
    theme = _member(display.theme, Theme, "Display: theme")
    font_size = _number(display.font_size, "Display: font size", minimum=1)
    _write_leaf(
        out,
        2,
        f'<display theme="{theme}" font-size="{font_size}" language="{_attr(display.language)}"',
        display.extra,
        _DISPLAY_ATTRS,
    )
    _write_children(out, config.extra, 2)
    out.append("  </global-configuration>\n")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _write_workstation(out: list[str], station: Workstation) -> None:
    # As reading does: a tab that is not there is the last one.
    active = min(max(station.active_workspace, 0), max(len(station.workspaces) - 1, 0))
    out.append(
        f'  <workstation mode="{_member(station.mode, Mode, "the mode")}"'
        f' active-workspace="{active}"'
        f"{_extra_attributes(station.extra, _WORKSTATION_ATTRS)}>\n"
    )
    for group in station.color_groups:
        color = _checked(group.color, _COLOR, "the color of color group {!r}", group.name)
        _write_leaf(
            out,
            2,
            f'<color-group id="{_attr(group.id)}" name="{_attr(group.name)}" color="{color}"'
            f' symbol="{_attr(group.symbol)}"',
            group.extra,
            _GROUP_ATTRS,
        )
    for space in station.workspaces:
        start = f'    <workspace id="{_attr(space.id)}" name="{_attr(space.name)}"'
        attributes = _extra_attributes(space.extra, _WORKSPACE_ATTRS)
        if not space.panels and not space.extra.children:
            out.append(f"{start}{attributes}/>\n")
            continue
        out.append(f"{start}{attributes}>\n")
        for panel in space.panels:
            _write_panel(out, panel)
            _let_others_run()
        _write_children(out, space.extra, 3)
        out.append("    </workspace>\n")
    _write_children(out, station.extra, 2)
    out.append("  </workstation>\n")


def _write_panel(out: list[str], panel: Panel) -> None:
    state, title, extra = panel.state, panel.title, panel.extra
    kind = _member(state.kind, PanelKind, "the kind of panel {!r}", title)
    area = _member(panel.area, DockArea, "the area of panel {!r}", title)
    group = "" if panel.color_group is None else f' color-group="{_attr(panel.color_group)}"'
    out.append(
        f'      <panel id="{_attr(panel.id)}" kind="{kind}" title="{_attr(title)}"'
        f' area="{area}"{group}{_extra_attributes(extra, _PANEL_ATTRS)}>\n'
    )
    if isinstance(state, Watchlist):
        _write_watchlist(out, state, title)
    elif isinstance(state, OrderEntry):
        action = _member(state.action, OrderAction, "panel {!r}: action", title)
        order_type = _member(state.order_type, OrderType, "panel {!r}: order type", title)
        quantity = _number(state.quantity, "panel {!r}: quantity", title)
        tif = _member(state.time_in_force, TimeInForce, "panel {!r}: TIF", title)
        _write_leaf(
            out,
            4,
            f'<order-entry symbol="{_attr(state.symbol)}" action="{action}"'
            f' order-type="{order_type}" quantity="{quantity}" time-in-force="{tif}"'
            f' outside-rth="{_flag(state.outside_rth)}"',
            state.extra,
            _ORDER_ATTRS,
        )
    elif isinstance(state, Chart):
        _write_leaf(
            out,
            4,
            f'<chart symbol="{_attr(state.symbol)}" bar-size="{_attr(state.bar_size)}"',
            state.extra,
            _CHART_ATTRS,
        )
    elif isinstance(state, Portfolio):
        _write_leaf(
            out,
            4,
            f'<portfolio columns="{_name_list(state.columns, "panel {!r}: column", title)}"'
            f' show-zero-positions="{_flag(state.show_zero_positions)}"',
            state.extra,
            _PORTFOLIO_ATTRS,
        )
    elif isinstance(state, News):
        _write_leaf(
            out,
            4,
            f'<news sources="{_name_list(state.sources, "panel {!r}: news source", title)}"'
            f' keyword="{_attr(state.keyword)}"',
            state.extra,
            _NEWS_ATTRS,
        )
    else:
        notes_attributes = _extra_attributes(state.extra, _NO_ATTRS)
        if not state.text and not state.extra.children:
            out.append(f"        <notes{notes_attributes}/>\n")
        else:
            out.append(f"        <notes{notes_attributes}>{_text(state.text)}")
            out.extend(state.extra.children)
            out.append("</notes>\n")
    _write_children(out, extra, 4)
    out.append("      </panel>\n")


#: The characters a row's values would need escaped, and how many a row without them holds.
_ROW_MARKUP = b'&<>"\n\r\t'
_ROW_MARKUP_COUNT = 7  # 4 quotes, "<", ">", and the line feed


def _write_watchlist(out: list[str], state: Watchlist, title: str) -> None:
    columns = _name_list(state.columns, "panel {!r}: column", title)
    start = f'        <watchlist columns="{columns}"'
    attributes = _extra_attributes(state.extra, _WATCHLIST_ATTRS)
    rows = state.rows
    if not rows and not state.extra.children:
        out.append(f"{start}{attributes}/>\n")
        return
    out.append(f"{start}{attributes}>\n")
    # The hot loop of a large layout. Most rows have no unknown data and nothing to escape:
    # write them all at once, then check that the markup is only the rows' own (each of
    # "&<>\"\n\r\t" in a value would add one); otherwise, row by row.
    lines = [
        f'          <row symbol="{row.symbol}" exchange="{row.exchange}"/>\n'
        for row in rows
        if not ((extra := row.extra).attributes or extra.children)
    ]
    block = "".join(lines)
    encoded = block.encode("utf-8", "surrogatepass")
    if len(lines) == len(rows) and len(encoded) - len(
        encoded.translate(None, _ROW_MARKUP)
    ) == _ROW_MARKUP_COUNT * len(rows):
        out.append(block)
    else:
        _write_rows(out, rows)
    _write_children(out, state.extra, 5)
    out.append("        </watchlist>\n")


def _write_rows(out: list[str], rows: list[WatchlistRow]) -> None:
    for row in rows:
        symbol, exchange, extra = _attr(row.symbol), _attr(row.exchange), row.extra
        if extra.attributes or extra.children:
            _write_leaf(out, 5, f'<row symbol="{symbol}" exchange="{exchange}"', extra, _ROW_ATTRS)
        else:
            out.append(f'          <row symbol="{symbol}" exchange="{exchange}"/>\n')


def _locate_unwritable(layout: Layout) -> str:
    for field, value in _labelled_strings(layout):
        found = _NOT_XML.search(value)
        if found:
            return (
                f"{field} holds the character U+{ord(found.group()):04X}, which a settings file "
                "cannot hold; remove it and save again"
            )
    return "the layout holds a character that a settings file cannot hold"


def _extra_strings(extra: Extra, where: str) -> Iterator[tuple[str, str]]:
    for name, value in extra.attributes.items():
        yield f"{where}: the name of the unknown attribute {name!r}", name
        yield f"{where}: the unknown attribute {name!r}", value
    for child in extra.children:
        yield f"{where}: an unknown element kept from the file", child


def _labelled_strings(layout: Layout) -> Iterator[tuple[str, str]]:
    """Every string of ``layout`` with a label a user can find it by (only for error messages)."""
    config = layout.global_config
    yield from _extra_strings(layout.extra, "the settings")
    yield from _extra_strings(config.extra, "Global Configuration")
    yield from _extra_strings(config.lock_and_exit.extra, "Lock and Exit")
    yield "Lock and Exit: auto log-off time", config.lock_and_exit.auto_logoff_time
    yield from _extra_strings(config.display.extra, "Display")
    yield "Display: language", config.display.language
    station = layout.workstation
    yield from _extra_strings(station.extra, "the workstation")
    for group in station.color_groups:
        where = f"color group {group.name!r}"
        yield f"{where}: name", group.name
        yield f"{where}: id", group.id
        yield f"{where}: symbol", group.symbol
        yield f"{where}: color", group.color
        yield from _extra_strings(group.extra, where)
    for space in station.workspaces:
        where = f"workspace {space.name!r}"
        yield f"{where}: name", space.name
        yield f"{where}: id", space.id
        yield from _extra_strings(space.extra, where)
        for panel in space.panels:
            yield from _panel_strings(panel, f"{where}, panel {panel.title!r}")


def _panel_strings(panel: Panel, where: str) -> Iterator[tuple[str, str]]:
    yield f"{where}: title", panel.title
    yield f"{where}: id", panel.id
    yield f"{where}: color group", panel.color_group or ""
    yield from _extra_strings(panel.extra, where)
    state = panel.state
    yield from _extra_strings(state.extra, where)
    if isinstance(state, Watchlist):
        yield from ((f"{where}: column", column) for column in state.columns)
        for row in state.rows:
            yield f"{where}: symbol", row.symbol
            yield f"{where}: exchange of {row.symbol!r}", row.exchange
            yield from _extra_strings(row.extra, f"{where}, row {row.symbol!r}")
    elif isinstance(state, OrderEntry | Chart):
        yield f"{where}: symbol", state.symbol
        if isinstance(state, Chart):
            yield f"{where}: bar size", state.bar_size
    elif isinstance(state, Portfolio):
        yield from ((f"{where}: column", column) for column in state.columns)
    elif isinstance(state, News):
        yield from ((f"{where}: news source", source) for source in state.sources)
        yield f"{where}: keyword", state.keyword
    else:
        yield f"{where}: note text", state.text
