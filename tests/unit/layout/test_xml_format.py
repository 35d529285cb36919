"""The plain settings file: nothing lost on a round trip, old formats migrated, bad ones refused."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from xml.etree import ElementTree

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from tws_companion.layout import xml_format
from tws_companion.layout.defaults import default_layout
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
)
from tws_companion.layout.xml_format import dumps, loads

# Unknown elements as a newer version would write them, in the form they are read back in.
PLUGIN = '<ns0:plugin xmlns:ns0="urn:example:plugin" ns0:level="2">x &amp; y</ns0:plugin>'
WIDGET = (
    '<future-widget size="3">Text with <b>bold</b> and   spaces\n    <empty /> </future-widget>'
)


def extra(tag: str) -> Extra:
    return Extra(
        attributes={f"future-{tag}": f"value of {tag}", "{urn:example:plugin}mark": "✓"},
        children=[WIDGET.replace("future-widget", f"future-{tag}"), PLUGIN],
    )


def sample_layout(workspaces: int = 3, panels_per_kind: int = 2, rows: int = 25) -> Layout:
    """A layout with every kind of panel, Unicode everywhere and unknown data at every level."""
    groups = [
        ColorGroup("红色 Red", "#d9534f", id="g-red", symbol="AAPL", extra=extra("group")),
        ColorGroup("Green & <Co>", "#5CB85C", id="g-green"),
    ]
    spaces: list[Workspace] = []
    for w in range(workspaces):
        panels: list[Panel] = []
        for n in range(panels_per_kind):
            tag = f"{w}-{n}"
            states: list[PanelState] = [
                Watchlist(
                    columns=["last", "bid", "future_column"],
                    rows=[
                        WatchlistRow(f"S{w}{n}{r}", "SMART" if r % 3 else "SEHK")
                        for r in range(rows)
                    ]
                    + [WatchlistRow("700", "SEHK", extra=extra("row"))],
                    extra=extra("watchlist"),
                ),
                OrderEntry(
                    symbol="BRK B",
                    action=OrderAction.SELL,
                    order_type=OrderType.STOP_LIMIT,
                    quantity=n * 10,
                    time_in_force=TimeInForce.GTC,
                    outside_rth=True,
                    extra=extra("order"),
                ),
                Chart(symbol="ES\tZ5", bar_size="1 hour", extra=extra("chart")),
                Portfolio(columns=[], show_zero_positions=True, extra=extra("portfolio")),
                News(sources=["reuters"], keyword='"Fed" <rates> & more', extra=extra("news")),
                Notes(
                    text=f"  第{w}页笔记\nline two\r\nwith <tags> & \"quotes\" and 'quotes'  \n",
                    extra=extra("notes") if n else Extra(),
                ),
            ]
            for state in states:
                panels.append(
                    Panel(
                        state,
                        title=f"{state.kind} {tag} 窗口",
                        id=f"p-{state.kind}-{tag}",
                        area=list(DockArea)[(w + n) % len(DockArea)],
                        color_group=["g-red", "g-green", None][n % 3],
                        extra=extra("panel"),
                    )
                )
        spaces.append(Workspace(f"工作区 {w} <&>", panels, id=f"w-{w}", extra=extra("space")))
    return Layout(
        global_config=GlobalConfig(
            lock_and_exit=LockAndExit(
                auto_logoff_time="04:05",
                logoff_warning_minutes=15,
                lock_after_idle_minutes=30,
                autosave_minutes=None,
                save_on_exit=False,
                use_server_settings=True,
                extra=extra("lock"),
            ),
            display=Display(theme=Theme.DARK, font_size=14, language="zh_CN", extra=extra("disp")),
            extra=extra("config"),
        ),
        workstation=Workstation(
            mode=Mode.CLASSIC,
            workspaces=spaces,
            active_workspace=workspaces - 1,
            color_groups=groups,
            extra=extra("station"),
        ),
        extra=extra("root"),
    )


def test_the_default_layout_round_trips() -> None:
    layout = default_layout()
    assert loads(dumps(layout)) == layout


def test_a_large_layout_with_unknown_data_at_every_level_round_trips_with_nothing_lost() -> None:
    layout = sample_layout()
    data = dumps(layout)
    assert loads(data) == layout
    # And the bytes are the same when written again (and when written twice).
    assert dumps(loads(data)) == data == dumps(layout)


def test_the_file_is_utf8_xml_a_person_can_read() -> None:
    text = dumps(default_layout()).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == '<?xml version="1.0" encoding="UTF-8"?>'
    assert lines[1] == '<tws-companion-settings format="2">'
    assert '    <display theme="light" font-size="10" language="en"/>' in lines
    assert '          <row symbol="AAPL" exchange="SMART"/>' in lines
    assert text.endswith("</tws-companion-settings>\n")


def test_chinese_text_is_written_as_utf8_not_escaped() -> None:
    layout = default_layout()
    layout.workstation.workspaces[0].name = "交易"
    assert 'name="交易"'.encode() in dumps(layout)


HAND_WRITTEN_BY_A_NEWER_VERSION = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- written by hand -->
<tws-companion-settings format="2" build="2031.1" xmlns:x="urn:example:x" x:signed="yes">
  <global-configuration future="1">
    <lock-and-exit auto-logoff-time="22:00" sound="chime"><reminder at="21:50"/></lock-and-exit>
    <display theme="dark" font-size="12" language="en" xml:lang="en-GB"/>
    <accessibility high-contrast="true"/>
  </global-configuration>
  <workstation mode="classic" active-workspace="0" layout-engine="v3">
    <color-group id="g1" name="Red" color="#ff0000" blink="true"/>
    <workspace id="w1" name="Main" tab-color="#00ff00">
      <panel id="p1" kind="watchlist" title="Tech" area="left" color-group="g1" pinned="true">
        <watchlist columns="last bid iv" sort="symbol">
          <row symbol="AAPL" exchange="SMART" alert="200"><x:note>  buy   dips </x:note></row>
          <row symbol="MSFT"/>
          <scanner preset="top gainers"/>
        </watchlist>
        <toolbar visible="false"/>
      </panel>
      <panel id="p2" kind="notes" title="Notes" area="bottom">
        <notes format="markdown">Line 1
Line 2<attachment name="a.png"/></notes>
      </panel>
    </workspace>
    <hotkeys><key combo="F5" action="refresh"/></hotkeys>
  </workstation>
  <telemetry enabled="false"/>
</tws-companion-settings>
"""


@pytest.mark.parametrize("shift", [0, 1, 2])
def test_chinese_text_across_the_parser_slices_is_read_whole(shift: int) -> None:
    # The parser is fed 64 KB at a time: some character of a long Chinese note is cut in two
    # by a slice boundary for one of these shifts.
    layout = default_layout()
    text = "a" * shift + "开盘价" * 40_000
    layout.workstation.workspaces[0].panels.append(Panel(Notes(text=text)))
    data = dumps(layout)
    assert len(data) > 3 * 65_536
    assert loads(data) == layout


def test_unknown_elements_and_attributes_of_a_newer_writer_survive_a_read_and_a_write() -> None:
    layout = loads(HAND_WRITTEN_BY_A_NEWER_VERSION)

    assert layout.extra.attributes == {"build": "2031.1", "{urn:example:x}signed": "yes"}
    assert layout.extra.children == ['<telemetry enabled="false" />']
    config = layout.global_config
    assert config.extra == Extra({"future": "1"}, ['<accessibility high-contrast="true" />'])
    assert config.lock_and_exit.auto_logoff_time == "22:00"
    assert config.lock_and_exit.extra == Extra({"sound": "chime"}, ['<reminder at="21:50" />'])
    assert config.display.extra.attributes == {
        "{http://www.w3.org/XML/1998/namespace}lang": "en-GB"
    }
    station = layout.workstation
    assert station.extra.attributes == {"layout-engine": "v3"}
    assert station.extra.children == ['<hotkeys><key combo="F5" action="refresh" /></hotkeys>']
    assert station.color_groups[0].extra.attributes == {"blink": "true"}
    space = station.workspaces[0]
    assert space.extra.attributes == {"tab-color": "#00ff00"}
    tech, notes = space.panels
    assert tech.extra == Extra({"pinned": "true"}, ['<toolbar visible="false" />'])
    assert isinstance(tech.state, Watchlist)
    assert tech.state.columns == ["last", "bid", "iv"]
    assert tech.state.extra == Extra({"sort": "symbol"}, ['<scanner preset="top gainers" />'])
    aapl, msft = tech.state.rows
    assert aapl.extra == Extra(
        {"alert": "200"}, ['<ns0:note xmlns:ns0="urn:example:x">  buy   dips </ns0:note>']
    )
    assert msft == WatchlistRow("MSFT", "SMART")
    assert isinstance(notes.state, Notes)
    assert notes.state.text == "Line 1\nLine 2"
    assert notes.state.extra == Extra({"format": "markdown"}, ['<attachment name="a.png" />'])

    written = dumps(layout)
    assert loads(written) == layout
    assert dumps(loads(written)) == written
    for kept in (
        b'<tws-companion-settings format="2" xmlns:ns0="urn:example:x" build="2031.1"'
        b' ns0:signed="yes">',
        b'<display theme="dark" font-size="12" language="en" xml:lang="en-GB"/>',
        b'<ns0:note xmlns:ns0="urn:example:x">  buy   dips </ns0:note>',
        b'<notes format="markdown">Line 1\nLine 2<attachment name="a.png" /></notes>',
    ):
        assert kept in written


def test_carriage_returns_in_unknown_elements_survive() -> None:
    data = replace_in_default(
        b"</workstation>", b'<macro keys="a&#13;b">line&#13;\r\nend&#13;</macro></workstation>'
    )
    layout = loads(data)
    assert layout.workstation.extra.children == [
        '<macro keys="a&#13;b">line&#13;\nend&#13;</macro>'
    ]
    assert loads(dumps(layout)) == layout


# Text a settings file can hold: anything but the characters XML 1.0 cannot hold.
xml_text = st.text(
    st.characters(
        codec="utf-8",
        blacklist_characters=[chr(c) for c in range(32) if chr(c) not in "\t\n\r"]
        + ["\ufffe", "\uffff"],
    ),
    max_size=40,
)
token = st.text(
    st.characters(codec="utf-8", blacklist_categories=["Zs", "Cc", "Zl", "Zp"]), min_size=1
)


@settings(max_examples=150, deadline=None)
@given(
    note=xml_text,
    title=xml_text,
    name=xml_text,
    symbol=xml_text,
    unknown=xml_text,
    column=token.filter(lambda c: not any(ch.isspace() for ch in c)),
)
def test_any_text_round_trips(
    note: str, title: str, name: str, symbol: str, unknown: str, column: str
) -> None:
    layout = default_layout()
    space = layout.workstation.workspaces[0]
    space.name = name
    space.extra.attributes["comment"] = unknown
    watchlist = space.panels[0]
    assert isinstance(watchlist.state, Watchlist)
    watchlist.title = title
    watchlist.state.rows.append(WatchlistRow(symbol, exchange=unknown))
    watchlist.state.columns.append(column)
    space.panels.append(Panel(Notes(text=note), title=title))

    assert loads(dumps(layout)) == layout


@settings(max_examples=150, deadline=None)
@given(text=xml_text, tail=xml_text, value=xml_text)
def test_any_text_in_unknown_elements_is_kept_from_the_first_read_on(
    text: str, tail: str, value: str
) -> None:
    unknown = ElementTree.Element("future", {"value": value})
    unknown.text = text
    inner = ElementTree.SubElement(unknown, "inner")
    inner.tail = tail
    written_by_a_newer_version = replace_in_default(
        b"<notes/>", b"<notes>note" + ElementTree.tostring(unknown) + b"</notes>"
    )

    first = loads(written_by_a_newer_version)
    notes = first.panels()[-1].state
    assert isinstance(notes, Notes)
    assert notes.text == "note"
    kept = ElementTree.fromstring(notes.extra.children[0])
    assert (kept.text or "", kept.get("value"), kept[0].tail or "") == (
        text.replace("\r\n", "\n").replace("\r", "\n"),
        value,
        tail.replace("\r\n", "\n").replace("\r", "\n"),
    )
    assert loads(dumps(first)) == first


@settings(max_examples=50, deadline=None)
@given(
    bad=st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x1f", "\ufffe", "\ud800"]),
    before=xml_text,
)
def test_a_character_xml_cannot_hold_is_refused_naming_the_field(bad: str, before: str) -> None:
    layout = default_layout()
    notes = layout.workstation.workspaces[0].panels[-1]
    assert isinstance(notes.state, Notes)
    notes.state.text = before + bad + "rest"

    with pytest.raises(ValueError, match=r"panel 'Notes': note text") as refused:
        dumps(layout)
    assert f"U+{ord(bad):04X}" in str(refused.value)


def test_a_control_character_in_a_workspace_name_is_refused_naming_it() -> None:
    layout = default_layout()
    layout.workstation.workspaces[0].name = "Main\x01"
    with pytest.raises(ValueError, match=r"workspace 'Main\\x01': name"):
        dumps(layout)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda layout: setattr(layout.global_config.display, "font_size", 0), "font size"),
        (
            lambda layout: setattr(layout.global_config.lock_and_exit, "auto_logoff_time", "25:00"),
            "auto log-off time",
        ),
        (lambda layout: setattr(layout.workstation.color_groups[0], "color", "red"), "color"),
        (
            lambda layout: layout.workstation.workspaces[0].panels[0].state.columns.append("a b"),
            "column",
        ),
    ],
)
def test_values_that_reading_would_refuse_are_not_written(
    change: Callable[[Layout], object], field: str
) -> None:
    layout = default_layout()
    change(layout)
    with pytest.raises(ValueError, match=field):
        dumps(layout)


FORMAT_1 = """<?xml version="1.0" encoding="UTF-8"?>
<tws-companion-settings format="1">
  <global-configuration>
    <lock-and-exit auto-logoff-time="23:00" lock-after-idle-minutes="15" autosave-minutes="never"/>
    <display theme="dark" font-size="11" language="zh_CN"/>
  </global-configuration>
  <workstation mode="classic" active-workspace="1">
    <workspace id="w1" name="Stocks">
      <window id="a" type="watchlist" title="US Tech" area="left">
        <watchlist symbols="AAPL, MSFT,,NVDA" columns="last change"/>
      </window>
      <window id="b" type="chart" title="Chart" area="right">
        <chart symbol="AAPL" bar-size="1 day"/>
      </window>
    </workspace>
    <workspace id="w2" name="期货">
      <window id="c" type="order_entry" title="Orders" area="floating">
        <order-entry symbol="ES" action="SELL" order-type="MKT" quantity="2"/>
      </window>
      <window id="d" type="watchlist" title="Empty"><watchlist/></window>
    </workspace>
  </workstation>
</tws-companion-settings>
""".encode()


def test_a_format_1_file_is_migrated() -> None:
    layout = loads(FORMAT_1)

    assert layout.global_config.lock_and_exit == LockAndExit(
        auto_logoff_time="23:00", lock_after_idle_minutes=15, autosave_minutes=None
    )
    assert layout.global_config.display == Display(Theme.DARK, 11, "zh_CN")
    station = layout.workstation
    assert (station.mode, station.active_workspace, station.color_groups) == (Mode.CLASSIC, 1, [])
    stocks, futures = station.workspaces
    assert [(p.id, p.kind, p.title) for p in stocks.panels] == [
        ("a", PanelKind.WATCHLIST, "US Tech"),
        ("b", PanelKind.CHART, "Chart"),
    ]
    assert stocks.panels[0].state == Watchlist(
        columns=["last", "change"],
        rows=[WatchlistRow("AAPL"), WatchlistRow("MSFT"), WatchlistRow("NVDA")],
    )
    assert stocks.panels[0].extra == Extra()
    assert stocks.panels[1].state == Chart("AAPL", "1 day")
    assert futures.name == "期货"
    orders, empty = futures.panels
    assert orders.area == DockArea.FLOATING
    assert orders.state == OrderEntry("ES", OrderAction.SELL, OrderType.MARKET, quantity=2)
    assert empty.state == Watchlist()

    # Written back, it is a format-2 file that reads the same.
    written = dumps(layout)
    assert b'<tws-companion-settings format="2">' in written
    assert b"<window" not in written
    assert loads(written) == layout


def test_a_format_1_window_without_a_type_is_refused() -> None:
    data = FORMAT_1.replace(b'type="chart" ', b"")
    with pytest.raises(CorruptSettingsFile, match="<window> has no type"):
        loads(data)


@pytest.mark.parametrize(
    "data",
    [
        b"hello, world\n",
        b'{"layout": "json"}',
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "settings: yes\n".encode("utf-16"),
    ],
)
def test_what_is_not_xml_is_not_a_settings_file(data: bytes) -> None:
    with pytest.raises(NotASettingsFile):
        loads(data)


@pytest.mark.parametrize("data", [b"", b"\n  \n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_damaged_rather_than_foreign(data: bytes) -> None:
    # What a crash or a full disk usually leaves.
    with pytest.raises(CorruptSettingsFile, match="empty"):
        loads(data)


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><html><body>hi</body></html>',
        b"<tws-companion-encrypted-settings format='1' user='a'>AAAA"
        b"</tws-companion-encrypted-settings>",
        b'<settings format="2"/>',
        b'<tws:tws-companion-settings xmlns:tws="urn:x" format="2"/>',
    ],
)
def test_another_root_element_is_not_a_settings_file(data: bytes) -> None:
    with pytest.raises(NotASettingsFile, match="not a TWS Companion settings file"):
        loads(data)


def test_every_cut_short_file_is_damaged_not_foreign_nor_a_smaller_layout() -> None:
    data = dumps(default_layout())
    # The last byte is the final line feed: without it, the file is whole.
    for end in range(len(data) - 1):
        with pytest.raises(CorruptSettingsFile):
            loads(data[:end])


def test_a_cut_short_file_says_where_it_ends() -> None:
    data = dumps(default_layout())
    with pytest.raises(CorruptSettingsFile, match=r"ends before the settings do \(cut short"):
        loads(data[: data.index(b"<portfolio")])


def test_a_file_above_the_size_limit_is_refused_before_it_is_parsed() -> None:
    # Blank space would be "empty" if it were parsed.
    data = b" " * (xml_format.MAX_FILE_BYTES + 1)
    with pytest.raises(SettingsFileTooLarge) as refused:
        loads(data)
    assert (refused.value.size, refused.value.limit) == (len(data), xml_format.MAX_FILE_BYTES)


def nested(levels: int) -> bytes:
    """A row with unknown elements inside it, ``levels`` elements deep in all."""
    inner = levels - 6  # root, workstation, workspace, panel, watchlist, row
    return (
        b'<tws-companion-settings format="2"><workstation><workspace name="w">'
        b'<panel kind="watchlist"><watchlist><row symbol="A">'
        + b"<x>" * inner
        + b"</x>" * inner
        + b"</row></watchlist></panel></workspace></workstation></tws-companion-settings>"
    )


def test_unknown_elements_may_nest_up_to_the_depth_limit() -> None:
    layout = loads(nested(xml_format.MAX_DEPTH))
    row = layout.watchlists()[0].state
    assert isinstance(row, Watchlist)
    assert row.rows[0].extra.children[0].count("<x>") == xml_format.MAX_DEPTH - 7


@pytest.mark.parametrize("levels", [xml_format.MAX_DEPTH + 1, 100_000])
def test_elements_nested_deeper_than_the_limit_are_refused(levels: int) -> None:
    started = time.perf_counter()
    with pytest.raises(CorruptSettingsFile, match=f"nested more than {xml_format.MAX_DEPTH}"):
        loads(nested(levels))
    assert time.perf_counter() - started < 5


def test_more_elements_than_the_limit_are_refused() -> None:
    data = (
        b'<tws-companion-settings format="2">'
        + b"<a/>" * xml_format.MAX_ELEMENTS
        + b"</tws-companion-settings>"
    )
    with pytest.raises(CorruptSettingsFile, match="more than 1,000,000 elements"):
        loads(data)


@pytest.mark.parametrize(
    "data",
    [
        b'<tws-companion-settings format="3"/>',
        b'<tws-companion-settings format="3"><completely new="shape"/></tws-companion-settings>',
        b'<tws-companion-settings format="40"><workstation mode="3d"/></tws-companion-settings>',
    ],
)
def test_a_newer_format_is_refused_as_newer(data: bytes) -> None:
    with pytest.raises(NewerVersionFile, match="Update TWS Companion") as refused:
        loads(data)
    assert refused.value.supported == xml_format.FORMAT_VERSION
    assert refused.value.version > xml_format.FORMAT_VERSION


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<tws-companion-settings format="2"><workstation><workspace name="&lol9;"/></workstation>
</tws-companion-settings>
"""


def test_entity_expansion_is_refused() -> None:
    started = time.perf_counter()
    with pytest.raises(NotASettingsFile, match="document type declaration"):
        loads(BILLION_LAUGHS)
    assert time.perf_counter() - started < 1


def test_an_external_entity_is_refused() -> None:
    data = b"""<?xml version="1.0"?>
<!DOCTYPE s [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<tws-companion-settings format="2"><workstation><workspace name="&secret;"/></workstation>
</tws-companion-settings>"""
    with pytest.raises(NotASettingsFile, match="document type declaration"):
        loads(data)


def test_an_undeclared_entity_is_damage() -> None:
    data = b'<tws-companion-settings format="2"><workstation><workspace name="&x;"/>'
    with pytest.raises(CorruptSettingsFile, match="undefined entity"):
        loads(data + b"</workstation></tws-companion-settings>")


# Only what comes before the root element goes through defusedxml (a document type declaration
# can be nowhere else); the C parser then reads the whole file.
ENTITY_DTD = b'<!DOCTYPE s [<!ENTITY x "from a DTD">]>'
USES_ENTITY = (
    b'<tws-companion-settings format="2"><workstation><workspace name="&x;"/></workstation>'
    b"</tws-companion-settings>\n"
)


def test_a_document_type_declaration_after_comments_is_refused() -> None:
    data = b'<?xml version="1.0"?>\n<!-- one -->\n<!-- two -->\n' + ENTITY_DTD + USES_ENTITY
    with pytest.raises(NotASettingsFile, match="document type declaration"):
        loads(data)


def test_a_document_type_declaration_after_a_long_prolog_is_refused() -> None:
    # A comment longer than the first bytes the prolog check reads, then the DTD.
    comment = b"<!--" + b"x" * (2 * xml_format._PROLOG_CHUNK) + b"-->"
    with pytest.raises(NotASettingsFile, match="document type declaration"):
        loads(comment + ENTITY_DTD + USES_ENTITY)


def test_a_document_type_declaration_across_the_first_bytes_read_is_refused() -> None:
    for split in range(1, len(ENTITY_DTD)):
        comment = b"<!--" + b"x" * (xml_format._PROLOG_CHUNK - split - 7) + b"-->"
        data = comment + ENTITY_DTD + USES_ENTITY
        assert data.index(ENTITY_DTD) == xml_format._PROLOG_CHUNK - split
        with pytest.raises(NotASettingsFile, match="document type declaration"):
            loads(data)


def test_a_root_start_tag_across_the_first_bytes_read_is_read() -> None:
    layout = default_layout()
    layout.extra.attributes["note"] = "a long start tag " * 4
    written = dumps(layout)
    body = written[written.index(b"<tws-companion-settings") :]
    start_tag = body[: body.index(b">") + 1]
    for split in range(1, len(start_tag) + 1):
        comment = b"<!--" + b"x" * (xml_format._PROLOG_CHUNK - split - 7) + b"-->"
        data = comment + body
        assert data.index(start_tag) == xml_format._PROLOG_CHUNK - split
        assert loads(data) == layout


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
)
def test_a_utf16_or_utf32_file_is_refused_with_or_without_a_dtd(encoding: str) -> None:
    for data in (BILLION_LAUGHS, dumps(default_layout())):
        text = data.decode().replace('encoding="UTF-8"', f'encoding="{encoding}"')
        with pytest.raises(NotASettingsFile, match="not UTF-8"):
            loads(text.encode(encoding))


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "UTF-16", "windows-1252", "ebcdic", "UTF-9"])
def test_a_declared_encoding_other_than_utf8_is_refused(encoding: str) -> None:
    data = dumps(default_layout()).replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode())
    with pytest.raises(CorruptSettingsFile, match=f"declared encoding '{encoding}' is not UTF-8"):
        loads(data)
    foreign = data.replace(b"tws-companion-settings", b"other")
    with pytest.raises(NotASettingsFile, match="is not UTF-8"):
        loads(foreign)


@pytest.mark.parametrize("declaration", ['encoding="utf-8"', "encoding='US-ASCII'", ""])
def test_utf8_and_ascii_declared_or_not_are_read(declaration: str) -> None:
    layout = default_layout()
    data = dumps(layout).replace(b'encoding="UTF-8"', declaration.encode())
    assert loads(b"\xef\xbb\xbf" + data) == loads(data) == layout


def test_rows_other_than_as_written_are_read_one_by_one() -> None:
    layout = loads(
        b'<tws-companion-settings format="2"><workstation><workspace name="w">'
        b'<panel kind="watchlist"><watchlist columns="last">'
        b'<row symbol="A"/><row exchange="IDEALPRO" symbol="EUR.USD"/><!-- a comment -->'
        b'<row symbol="B" exchange="SEHK" lot="100"/><row symbol="C" exchange="X"><y/></row>'
        b"</watchlist></panel></workspace></workstation></tws-companion-settings>"
    )
    state = layout.panels()[0].state
    assert isinstance(state, Watchlist)
    assert state.rows == [
        WatchlistRow("A"),
        WatchlistRow("EUR.USD", "IDEALPRO"),
        WatchlistRow("B", "SEHK", Extra({"lot": "100"})),
        WatchlistRow("C", "X", Extra(children=["<y />"])),
    ]
    assert state.columns == ["last"]
    for row in state.rows:
        row.extra.children.append("<mine />")
    assert [row.extra.children for row in state.rows] == [["<mine />"]] * 2 + [
        ["<mine />"],
        ["<y />", "<mine />"],
    ]


def test_each_row_read_has_its_own_extra() -> None:
    state = loads(dumps(big_layout(panels=10, rows=50))).watchlists()[0].state
    assert isinstance(state, Watchlist)
    state.rows[0].extra.attributes["mine"] = "1"
    assert [bool(row.extra) for row in state.rows] == [True] + [False] * (len(state.rows) - 1)


def test_loading_leaves_the_garbage_collector_as_it_was() -> None:
    data = dumps(big_layout(panels=10, rows=50))
    was_enabled = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            loads(data)
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() == 0
            with pytest.raises(CorruptSettingsFile):
                loads(data[:-40])
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()


def replace_in_default(old: bytes, new: bytes) -> bytes:
    data = dumps(default_layout())
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b'font-size="10"', b'font-size="big"', r"<display>: font-size='big' is not a whole"),
        (b'font-size="10"', b'font-size="0"', r"<display>: font-size='0' is not a whole"),
        (b'font-size="10"', b'font-size="-3"', "<display>: font-size='-3'"),
        (b'font-size="10"', b'font-size="1' + b"0" * 5000 + b'"', "<display>: font-size="),
        (
            b'theme="light"',
            b'theme="purple"',
            "<display>: theme='purple' is not one of light, dark",
        ),
        (b'save-on-exit="true"', b'save-on-exit="yes"', "<lock-and-exit>: save-on-exit='yes'"),
        (b'auto-logoff-time="23:45"', b'auto-logoff-time="24:00"', r'not "HH:MM"'),
        (b'lock-after-idle-minutes="never"', b'lock-after-idle-minutes="soon"', "<lock-and-exit>"),
        (b'mode="mosaic"', b'mode="tiled"', "<workstation>: mode='tiled'"),
        (b'color="#d9534f"', b'color="red"', r"<color-group> 'Red': color='red' is not"),
        (b'color="#d9534f" ', b"", "<color-group> 'Red': the color attribute is missing"),
        (b' name="Red"', b"", "<color-group>: the name attribute is missing"),
        (b' name="Mosaic"', b"", "<workspace> number 1: the name attribute is missing"),
        (b'kind="chart" ', b"", "<panel> 'Chart' number 2 in workspace 'Mosaic': the kind"),
        (b'kind="chart"', b'kind="scanner"', "kind='scanner' is not one of watchlist"),
        (b'area="right"', b'area="center"', "<panel> 'Chart' number 2 in workspace 'Mosaic': area"),
        (b'action="BUY"', b'action="HOLD"', "<order-entry> in panel 'Order Entry'"),
        (b'quantity="100"', b'quantity="1e3"', "<order-entry> in panel 'Order Entry'"),
        (b'symbol="MSFT" ', b"", "<row> number 2 in panel 'Watchlist'"),
        (b' format="2"', b"", "has no format attribute"),
        (b' format="2"', b' format="two"', "format='two' is not a format number"),
        (b' format="2"', b' format="0"', "format=0 is not a known format"),
        (b"<display ", b"<display/><display ", "<global-configuration>: there is more than one"),
        (b"<chart ", b"<chart/><chart ", "<panel> 'Chart' number 2 in workspace 'Mosaic': there"),
    ],
)
def test_a_bad_value_is_damage_naming_the_element(old: bytes, new: bytes, message: str) -> None:
    with pytest.raises(CorruptSettingsFile, match=r"^The settings file is damaged") as refused:
        loads(replace_in_default(old, new))
    assert message in refused.value.detail


def test_what_is_missing_takes_the_default() -> None:
    layout = loads(
        b'<tws-companion-settings format="2"><workstation><workspace name="Only">'
        b'<panel kind="chart"/><panel kind="notes"><notes/></panel>'
        b"</workspace></workstation></tws-companion-settings>"
    )
    assert layout.global_config == GlobalConfig()
    chart, notes = layout.panels()
    assert (chart.state, chart.title, chart.area, chart.color_group) == (
        Chart(),
        "",
        DockArea.LEFT,
        None,
    )
    assert notes.state == Notes()
    assert chart.id != notes.id


@pytest.mark.parametrize("kind", list(PanelKind))
def test_a_panel_without_its_settings_gets_the_defaults_of_its_kind(kind: PanelKind) -> None:
    layout = loads(
        b'<tws-companion-settings format="2"><workstation><workspace name="Only">'
        + f'<panel kind="{kind.value}"/>'.encode()
        + b"</workspace></workstation></tws-companion-settings>"
    )
    (panel,) = layout.panels()
    assert panel.kind is kind
    assert panel.state == type(panel.state)()


def test_an_active_workspace_that_is_not_there_shows_the_last() -> None:
    data = replace_in_default(b'active-workspace="0"', b'active-workspace="7"')
    assert loads(data).workstation.active_workspace == 0
    layout = sample_layout(workspaces=2)
    layout.workstation.active_workspace = 5
    assert loads(dumps(layout)).workstation.active_workspace == 1


def test_peek_root_names_the_first_element_without_parsing() -> None:
    assert xml_format.peek_root(dumps(default_layout())) == xml_format.ROOT_TAG
    assert xml_format.peek_root(b"\xef\xbb\xbf <!-- hi --> <a-b:c x='1'>") == "a-b:c"
    assert xml_format.peek_root(BILLION_LAUGHS) is None
    assert xml_format.peek_root(b"plain text") is None


def big_layout(panels: int = 1000, rows: int = 20_000) -> Layout:
    per_panel = rows // (panels // 2)
    spaces = []
    for w in range(10):
        items: list[Panel] = []
        for p in range(panels // 10):
            if p % 2:
                items.append(Panel(Notes(text=f"note {p}\nsecond line"), title=f"N{p}"))
            else:
                watch_rows = [WatchlistRow(f"S{w}-{p}-{r}") for r in range(per_panel)]
                items.append(Panel(Watchlist(rows=watch_rows), title=f"W{p}", color_group="g"))
        spaces.append(Workspace(f"Space {w}", items))
    return Layout(
        workstation=Workstation(
            workspaces=spaces, color_groups=[ColorGroup("Red", "#ff0000", id="g")]
        )
    )


def test_a_layout_of_1000_panels_and_20000_rows_is_written_and_read_in_well_under_a_second() -> (
    None
):
    layout = big_layout()
    assert sum(
        len(p.state.rows) for p in layout.watchlists() if isinstance(p.state, Watchlist)
    ) == (20_000)
    best_dump = best_load = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        data = dumps(layout)
        dumped = time.perf_counter()
        back = loads(data)
        best_dump = min(best_dump, dumped - started)
        best_load = min(best_load, time.perf_counter() - dumped)
    assert back == layout
    # Typically 0.05 s and 0.25 s on a small shared machine; the bound leaves room for a busy one.
    assert best_dump < 1.0
    assert best_load < 1.0
