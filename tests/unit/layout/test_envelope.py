"""The encrypted settings file: only its owner opens it, and any change to it is detected."""

from __future__ import annotations

import base64
import re

import pytest

from tws_companion.layout import xml_format
from tws_companion.layout.defaults import default_layout
from tws_companion.layout.envelope import (
    ENVELOPE_FORMAT,
    ENVELOPE_TAG,
    OpenedSettings,
    envelope_owner,
    is_envelope,
    open_envelope,
    read_settings,
    seal,
)
from tws_companion.layout.errors import (
    CorruptSettingsFile,
    LayoutError,
    NewerVersionFile,
    NotASettingsFile,
    OtherUsersFile,
    SettingsFileTooLarge,
    SettingsKeyMissing,
    TamperedFile,
)
from tws_companion.layout.model import Layout, Notes, Panel

KEY = bytes(range(100, 132))
OTHER_KEY = bytes(range(32))


def layout_with_note(text: str = "my plan") -> Layout:
    layout = default_layout()
    layout.workstation.workspaces[0].panels.append(Panel(Notes(text=text), title="Plan"))
    return layout


LAYOUT = layout_with_note()
PLAIN = xml_format.dumps(LAYOUT)


def sealed(username: str = "Alice", plain: bytes = PLAIN) -> bytes:
    return seal(plain, username=username, key=KEY)


def test_the_envelope_is_an_xml_file_naming_its_user_and_cipher_in_clear() -> None:
    data = sealed()
    text = data.decode("ascii")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert re.fullmatch(
        r'<\?xml version="1.0" encoding="UTF-8"\?>\n<tws-companion-encrypted-settings format="1"'
        r' user="Alice" cipher="AES-256-GCM" nonce="[A-Za-z0-9+/]{16}">[A-Za-z0-9+/=]+'
        r"</tws-companion-encrypted-settings>\n",
        text,
    )
    assert b"my plan" not in data
    assert b'symbol="AAPL"' not in data  # markup cannot occur in base64 by chance
    assert is_envelope(data)
    assert envelope_owner(data) == "Alice"


@pytest.mark.parametrize("opener", ["Alice", "alice", "ALICE"])
def test_the_same_user_opens_it_with_any_casing(opener: str) -> None:
    assert open_envelope(sealed(), username=opener, key=KEY) == PLAIN


def test_a_user_name_with_any_characters_is_kept() -> None:
    name = '张伟 & "O\'Brien" <ops>'
    data = sealed(name)
    assert envelope_owner(data) == name
    assert open_envelope(data, username=name, key=KEY) == PLAIN


def test_another_user_is_refused_with_the_owner_named() -> None:
    with pytest.raises(OtherUsersFile, match=r"another user \(Alice\)") as refused:
        open_envelope(sealed(), username="bob", key=KEY)
    assert refused.value.owner == "Alice"


def test_the_wrong_key_is_refused_as_tampered() -> None:
    with pytest.raises(TamperedFile):
        open_envelope(sealed(), username="Alice", key=OTHER_KEY)


def test_the_user_named_in_clear_is_authenticated() -> None:
    # Bob holds Alice's file and somehow her key too: renaming the owner to Bob is detected.
    renamed = sealed().replace(b'user="Alice"', b'user="Bob"')
    assert envelope_owner(renamed) == "Bob"
    with pytest.raises(TamperedFile):
        open_envelope(renamed, username="bob", key=KEY)


def test_every_nonce_is_new() -> None:
    envelopes = [sealed() for _ in range(200)]
    nonces = {re.search(rb'nonce="([^"]+)"', data).group(1) for data in envelopes}  # type: ignore[union-attr]
    assert len(nonces) == 200
    assert len(set(envelopes)) == 200
    assert all(open_envelope(data, username="alice", key=KEY) == PLAIN for data in envelopes[:5])


def outcome(data: bytes) -> Layout | type[LayoutError]:
    try:
        return read_settings(data, username="alice", key_for=lambda: KEY).layout
    except LayoutError as refused:
        return type(refused)


def test_every_changed_byte_is_refused_or_changes_nothing() -> None:
    original = layout_with_note("short")
    data = sealed(plain=xml_format.dumps(original))
    body_start = data.index(b'">') + 2
    body_end = data.index(b"</tws")
    accepted: list[tuple[int, int]] = []
    for position in range(len(data)):
        for mask in (0x01, 0x20, 0x80):
            flipped = bytearray(data)
            flipped[position] ^= mask
            result = outcome(bytes(flipped))
            if isinstance(result, Layout):
                # Never a wrong layout.
                assert result == original, (position, mask)
                accepted.append((position, mask))
            elif body_start <= position < body_end - 3:
                # A changed byte of the ciphertext is never merely "damaged XML".
                assert result in (TamperedFile, CorruptSettingsFile), (position, mask)
    # What may change without effect: the casing of the user name (0x20 turns "A" into "a"),
    # the unused low bits of the last base64 character, and in the XML declaration, the digits
    # of the version and the casing of the encoding's name.
    user = data.index(b'user="Alice"') + len(b'user="')
    harmless_places = set(range(user, user + 5)) | {body_end - 1, body_end - 2, body_end - 3}
    harmless_places |= set(range(data.index(b"\n<tws")))
    assert {position for position, _ in accepted} <= harmless_places


def test_a_cut_short_envelope_is_refused() -> None:
    data = sealed()
    for end in range(0, len(data) - 1, 7):
        assert outcome(data[:end]) in (CorruptSettingsFile, TamperedFile), end


def test_a_newer_envelope_format_is_refused_as_newer() -> None:
    newer = sealed().replace(b'format="1"', f'format="{ENVELOPE_FORMAT + 1}"'.encode())
    with pytest.raises(NewerVersionFile) as refused:
        open_envelope(newer, username="Alice", key=KEY)
    assert (refused.value.version, refused.value.supported) == (2, 1)


@pytest.mark.parametrize(
    ("old", "new", "detail"),
    [
        (b'format="1"', b'format="one"', "no valid format"),
        (b'format="1"', b'format="0"', "format=0 is not a known format"),
        (b' user="Alice"', b"", "names no user"),
        (b"AES-256-GCM", b"ROT13", "names a cipher other than AES-256-GCM"),
        (b'nonce="', b'nonce="!!', "the nonce of the encrypted settings is not base64"),
        (b'nonce="', b'nonce="AAAA', "nonce of the encrypted settings is not 12 bytes"),
        (
            b"</tws-companion-encrypted-settings>",
            b"<x/></tws-companion-encrypted-settings>",
            "holds",
        ),
    ],
)
def test_a_broken_header_is_damage(old: bytes, new: bytes, detail: str) -> None:
    data = sealed()
    assert old in data
    with pytest.raises(CorruptSettingsFile) as refused:
        open_envelope(data.replace(old, new, 1), username="Alice", key=KEY)
    assert detail in refused.value.detail


def test_an_envelope_above_the_size_limit_is_refused_before_it_is_parsed() -> None:
    data = sealed()
    padded = data[:-1] + b" " * (xml_format.MAX_FILE_BYTES - len(data) + 2)
    with pytest.raises(SettingsFileTooLarge):
        open_envelope(padded, username="Alice", key=KEY)


def test_settings_whose_envelope_would_be_too_large_to_open_are_not_sealed() -> None:
    limit = xml_format.MAX_FILE_BYTES
    largest = (limit - 1024) // 4 * 3 - 16
    assert len(sealed(plain=b" " * largest)) <= limit
    with pytest.raises(SettingsFileTooLarge) as refused:
        seal(b" " * (limit // 4 * 3), username="Alice", key=KEY)
    assert refused.value.limit == limit
    assert refused.value.size > limit


def test_read_settings_opens_a_plain_file_without_asking_for_a_key() -> None:
    def no_key() -> bytes | None:
        raise AssertionError("a plain file needs no key")

    opened = read_settings(PLAIN, username="anyone", key_for=no_key)
    assert opened == OpenedSettings(layout=LAYOUT, encrypted=False, owner=None)


def test_read_settings_opens_the_users_envelope_with_their_key() -> None:
    asked: list[str] = []

    def key_for() -> bytes | None:
        asked.append("key")
        return KEY

    opened = read_settings(sealed(), username="ALICE", key_for=key_for)
    assert opened == OpenedSettings(layout=LAYOUT, encrypted=True, owner="Alice")
    assert asked == ["key"]


def test_read_settings_refuses_another_users_envelope_before_asking_for_a_key() -> None:
    def no_key() -> bytes | None:
        raise AssertionError("another user's file needs no key lookup")

    with pytest.raises(OtherUsersFile):
        read_settings(sealed(), username="bob", key_for=no_key)


def test_read_settings_without_the_key_on_this_machine_says_so() -> None:
    with pytest.raises(SettingsKeyMissing, match="settings key of alice is not on this machine"):
        read_settings(sealed(), username="alice", key_for=lambda: None)


def test_read_settings_reports_what_is_inside_the_envelope() -> None:
    newer_plain = PLAIN.replace(b'format="2"', b'format="9"', 1)
    with pytest.raises(NewerVersionFile):
        read_settings(sealed(plain=newer_plain), username="alice", key_for=lambda: KEY)
    with pytest.raises(CorruptSettingsFile):
        read_settings(sealed(plain=PLAIN[:100]), username="alice", key_for=lambda: KEY)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml",
        PLAIN,
        b"<tws-companion-encrypted-settingsX/>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    ],
)
def test_is_envelope_says_no_to_what_is_not_one(data: bytes) -> None:
    assert not is_envelope(data)


def test_envelope_owner_of_a_plain_file_is_refused() -> None:
    with pytest.raises(NotASettingsFile):
        envelope_owner(PLAIN)


def test_an_envelope_with_a_document_type_declaration_is_refused() -> None:
    data = sealed().replace(b"\n<tws", b'\n<!DOCTYPE x [<!ENTITY u "Alice">]>\n<tws', 1)
    data = data.replace(b'user="Alice"', b'user="&u;"')
    with pytest.raises(NotASettingsFile, match="document type declaration"):
        open_envelope(data, username="Alice", key=KEY)


@pytest.mark.parametrize("key", [b"", b"short", bytes(31), bytes(33)])
def test_a_key_of_the_wrong_size_is_refused_without_showing_it(key: bytes) -> None:
    with pytest.raises(ValueError, match="a settings key is 32 bytes") as refused:
        seal(PLAIN, username="Alice", key=key)
    assert key.hex() not in str(refused.value) or not key
    with pytest.raises(ValueError, match="a settings key is 32 bytes"):
        open_envelope(sealed(), username="Alice", key=key)


def test_sealing_refuses_what_cannot_be_named_or_is_sealed_already() -> None:
    with pytest.raises(ValueError, match="user name"):
        seal(PLAIN, username=" ", key=KEY)
    with pytest.raises(ValueError, match="user name"):
        seal(PLAIN, username="al\x00ice", key=KEY)
    with pytest.raises(ValueError, match="encrypted already"):
        seal(sealed(), username="Alice", key=KEY)


def test_the_key_never_shows_in_messages_or_reprs() -> None:
    shown_forms = [KEY.hex(), repr(KEY), base64.b64encode(KEY).decode(), str(list(KEY))]
    texts: list[str] = []
    for call in (
        lambda: open_envelope(sealed(), username="bob", key=KEY),
        lambda: open_envelope(sealed()[:-60] + b"A" * 59 + b"\n", username="alice", key=KEY),
        lambda: open_envelope(sealed(), username="alice", key=OTHER_KEY),
        lambda: read_settings(sealed(), username="alice", key_for=lambda: None),
    ):
        with pytest.raises(LayoutError) as refused:
            call()
        texts += [str(refused.value), repr(refused.value), repr(refused.value.args)]
    texts.append(repr(read_settings(sealed(), username="alice", key_for=lambda: KEY)))
    for text in texts:
        for form in shown_forms:
            assert form not in text


def test_an_envelope_as_written_is_opened_without_parsing_its_text_as_xml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[int] = []
    parse = xml_format.parse_untrusted

    def recording(data: bytes, root_tag: str) -> object:
        parsed.append(len(data))
        return parse(data, root_tag)

    monkeypatch.setattr(xml_format, "parse_untrusted", recording)
    large = xml_format.dumps(layout_with_note("plan " * 50_000))
    data = sealed(plain=large)
    assert open_envelope(data, username="alice", key=KEY) == large
    # Only the header was parsed (the prolog and the start tag, closed), not 300 kB of base64.
    assert parsed == [data.index(b'">') + 2 + len(f"</{ENVELOPE_TAG}>")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'">', b'">\r\n  \t'),
        (b"</tws-companion-encrypted-settings>\n", b"\n</tws-companion-encrypted-settings>\n\n"),
        (b"</tws-companion-encrypted-settings>\n", b"</tws-companion-encrypted-settings >"),
        (b"</tws-companion-encrypted-settings>\n", b"</tws-companion-encrypted-settings><!--c-->"),
        (b'">', b'"><![CDATA['),
        (b'">', b'"><!-- a comment before the text -->'),
        (b'format="1"', b"format = '1'"),
        (b'<?xml version="1.0" encoding="UTF-8"?>\n', b"<!-- saved on a USB stick -->"),
    ],
)
def test_an_envelope_written_otherwise_opens_all_the_same(old: bytes, new: bytes) -> None:
    data = sealed().replace(old, new, 1)
    if b"CDATA" in data:
        data = data.replace(b"</tws-", b"]]></tws-")
    assert open_envelope(data, username="alice", key=KEY) == PLAIN


@pytest.mark.parametrize(
    ("old", "new", "refusal"),
    [
        (
            b"</tws-companion-encrypted-settings>",
            b"<x/></tws-companion-encrypted-settings>",
            "holds",
        ),
        (
            b"</tws-companion-encrypted-settings>",
            b"</tws-companion-encrypted-settings><x/>",
            "junk",
        ),
        (b'">', b'">&#65;', "not base64"),
        (b'">', b'">A', "not base64"),
        (b'">', b'">A\nB', "not base64"),
        (b'">', b'">\x00', "malformed"),
    ],
)
def test_an_envelope_body_of_another_shape_is_refused_by_the_full_parse(
    old: bytes, new: bytes, refusal: str
) -> None:
    data = sealed().replace(old, new, 1)
    with pytest.raises((CorruptSettingsFile, NotASettingsFile)) as refused:
        open_envelope(data, username="alice", key=KEY)
    assert refusal in str(refused.value)


def test_the_envelope_tag_is_the_documented_one() -> None:
    assert ENVELOPE_TAG == "tws-companion-encrypted-settings"
    assert xml_format.peek_root(sealed()) == ENVELOPE_TAG
