"""The development outbox: one JSON file per message, read back oldest first."""

from __future__ import annotations

import json
import stat
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tws_companion.protocol import Channel
from tws_companion.storage.outbox import (
    OutboxMessage,
    SecurityCode,
    new_message_id,
    read_messages,
    write_message,
)

CODE_TEXT = "Your TWS Companion code is 482913. It expires in 5 minutes."
T0 = datetime(2025, 1, 31, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An empty folder of this test's own (suite-wide fixtures may put things in tmp_path)."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def test_a_message_of_another_channel_is_refused(work: Path) -> None:
    with pytest.raises(ValueError, match="channel must be one of sms, voice"):
        write_message(work / "outbox", "fax", "+15551234567", CODE_TEXT, now=T0)


def test_sms_file_follows_the_contract(work: Path) -> None:
    outbox = work / "outbox"
    path = write_message(outbox, "sms", "+15551234567", CODE_TEXT, now=T0)
    assert path.parent == outbox
    assert path.suffix == ".json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {
        "channel": "sms",
        "to": "+15551234567",
        "text": CODE_TEXT,
        "created_at": data["created_at"],
    }
    created = datetime.fromisoformat(data["created_at"])
    assert created.utcoffset() == timedelta(0)
    assert created == T0


def test_voice_file_names_its_audio(work: Path) -> None:
    path = write_message(work, "voice", "+15551234567", CODE_TEXT, audio_name="a.wav")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["channel"] == "voice"
    assert data["audio"] == "a.wav"
    [message] = read_messages(work)
    assert message.audio == work / "a.wav"


def test_round_trip(work: Path) -> None:
    path = write_message(work, "sms", "+8613800138000", "验证码 123456", now=T0)
    [message] = read_messages(work)
    assert message == OutboxMessage(
        channel=Channel.SMS,
        to="+8613800138000",
        text="验证码 123456",
        created_at=T0,
        audio=None,
        path=path,
    )
    assert message.message_id == path.stem


def test_now_in_another_timezone_is_stored_as_utc(work: Path) -> None:
    shanghai = timezone(timedelta(hours=8))
    path = write_message(work, "sms", "+1", "x", now=T0.astimezone(shanghai))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["created_at"] == "2025-01-31T12:00:00.123456+00:00"
    assert path.name.startswith("20250131T120000.123456Z-")


def test_default_now_is_the_current_time(work: Path) -> None:
    before = datetime.now(UTC)
    write_message(work, "sms", "+1", "x")
    after = datetime.now(UTC)
    [message] = read_messages(work)
    assert before <= message.created_at <= after


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_message_file_is_private(work: Path) -> None:
    path = write_message(work / "outbox", "sms", "+1", CODE_TEXT)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


def test_names_sort_by_creation_time(work: Path) -> None:
    times = [T0 + timedelta(seconds=offset) for offset in (5, -3600, 0, 86400 * 400, 1e-6)]
    paths = {write_message(work, "sms", "+1", f"m{i}", now=t): t for i, t in enumerate(times)}
    by_name = [paths[path] for path in sorted(paths, key=lambda path: path.name)]
    assert by_name == sorted(times)
    assert [m.created_at for m in read_messages(work)] == sorted(times)


def test_names_never_collide(work: Path) -> None:
    paths = {write_message(work, "sms", "+1", str(i), now=T0) for i in range(300)}
    assert len(paths) == 300
    assert len(list(work.iterdir())) == 300
    assert sorted(m.text for m in read_messages(work)) == sorted(str(i) for i in range(300))


def test_new_message_id_shape() -> None:
    first, second = new_message_id(T0), new_message_id(T0)
    assert first != second
    assert first.startswith("20250131T120000.123456Z-")
    with pytest.raises(ValueError, match="timezone"):
        new_message_id(datetime(2025, 1, 1))


def test_explicit_message_id(work: Path) -> None:
    message_id = new_message_id(T0)
    path = write_message(work, "voice", "+1", "x", now=T0, message_id=message_id)
    assert path == work / f"{message_id}.json"
    with pytest.raises(FileExistsError):
        write_message(work, "voice", "+1", "y", now=T0, message_id=message_id)
    assert [m.text for m in read_messages(work)] == ["x"]


@pytest.mark.parametrize("name", ["../evil", "a/b", "", ".hidden", "x.tmp", "a\\b"])
def test_unsafe_names_are_refused(work: Path, name: str) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        write_message(work, "voice", "+1", CODE_TEXT, audio_name=name)
    with pytest.raises(ValueError, match="plain file name"):
        write_message(work, "voice", "+1", CODE_TEXT, message_id=name)
    assert read_messages(work) == []


def test_bad_arguments_do_not_leak_the_text(work: Path) -> None:
    with pytest.raises(ValueError, match="channel") as info:
        write_message(work, "fax", "+1", CODE_TEXT)
    assert "482913" not in str(info.value)
    with pytest.raises(ValueError, match="timezone") as info:
        write_message(work, "sms", "+1", CODE_TEXT, now=datetime(2025, 1, 1))
    assert "482913" not in str(info.value)
    assert list(work.iterdir()) == []


def test_repr_hides_the_text(work: Path) -> None:
    write_message(work, "sms", "+15551234567", CODE_TEXT)
    [message] = read_messages(work)
    assert "482913" not in repr(message)
    assert "482913" not in str(message)
    assert "+15551234567" in repr(message)


def test_a_security_code_message_says_what_it_holds(work: Path) -> None:
    """The fields a reader words the message from, in its own language; the contract's fields
    stay as they are."""
    sms = write_message(
        work, "sms", "+1", CODE_TEXT, now=T0, security_code=SecurityCode("482913", 300)
    )
    voice = write_message(
        work,
        "voice",
        "+1",
        CODE_TEXT,
        audio_name="a.wav",
        now=T0 + timedelta(seconds=1),
        security_code=SecurityCode("482913", repeats=2),
    )
    sms_data = json.loads(sms.read_text(encoding="utf-8"))
    assert sms_data == {
        "channel": "sms",
        "to": "+1",
        "text": CODE_TEXT,
        "created_at": sms_data["created_at"],
        "kind": "security_code",
        "code": "482913",
        "valid_seconds": 300,
    }
    voice_data = json.loads(voice.read_text(encoding="utf-8"))
    assert {k: voice_data[k] for k in ("audio", "kind", "code", "repeats")} == {
        "audio": "a.wav",
        "kind": "security_code",
        "code": "482913",
        "repeats": 2,
    }
    assert "valid_seconds" not in voice_data
    read_sms, read_voice = read_messages(work)
    assert read_sms.security_code == SecurityCode("482913", valid_seconds=300)
    assert read_voice.security_code == SecurityCode("482913", repeats=2)
    assert read_voice.audio == work / "a.wav"


def test_a_message_without_a_security_code_has_none(work: Path) -> None:
    write_message(work, "sms", "+1", "Hello there")
    [message] = read_messages(work)
    assert message.security_code is None


def test_fields_of_a_security_code_that_do_not_fit_leave_the_message_as_text(work: Path) -> None:
    good = write_message(work, "sms", "+1", CODE_TEXT, security_code=SecurityCode("482913", 300))
    valid = json.loads(good.read_text(encoding="utf-8"))
    good.unlink()
    variants = {
        "other-kind": {**valid, "kind": "advert"},
        "no-code": {k: v for k, v in valid.items() if k != "code"},
        "code-not-str": {**valid, "code": 482913},
        "code-letters": {**valid, "code": "48291x"},
        "code-wide-digits": {**valid, "code": "\uff14\uff18"},
        "code-empty": {**valid, "code": ""},
        "code-too-long": {**valid, "code": "1" * 33},
        "valid-zero": {**valid, "valid_seconds": 0},
        "valid-str": {**valid, "valid_seconds": "300"},
        "valid-bool": {**valid, "valid_seconds": True},
        "valid-float": {**valid, "valid_seconds": 300.5},
        "repeats-negative": {**valid, "repeats": -2},
    }
    for name, data in variants.items():
        (work / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    messages = read_messages(work)
    assert len(messages) == len(variants)  # every one is still a message
    assert all(m.text == CODE_TEXT for m in messages)
    assert [m.security_code for m in messages] == [None] * len(variants)


def test_a_security_code_is_checked_and_kept_out_of_reprs(work: Path) -> None:
    for code in ("12a", "\uff11\uff12", "1" * 33):
        with pytest.raises(ValueError, match="ASCII digits") as refused:
            SecurityCode(code)
        assert code not in str(refused.value)
    with pytest.raises(ValueError, match="ASCII digits"):
        SecurityCode("")
    with pytest.raises(ValueError, match="valid_seconds"):
        SecurityCode("123456", valid_seconds=0)
    with pytest.raises(ValueError, match="repeats"):
        SecurityCode("123456", repeats=-1)
    write_message(work, "sms", "+1", CODE_TEXT, security_code=SecurityCode("482913", 300))
    [message] = read_messages(work)
    assert "482913" not in repr(message)
    assert "482913" not in repr(message.security_code)
    assert "300" in repr(message.security_code)


def test_missing_folder_gives_no_messages(work: Path) -> None:
    assert read_messages(work / "missing") == []


def test_folder_that_is_a_file_gives_no_messages(work: Path) -> None:
    (work / "outbox").write_text("not a folder")
    assert read_messages(work / "outbox") == []


def test_bad_files_are_skipped(work: Path) -> None:
    good = write_message(work, "sms", "+1", "good", now=T0)
    valid = json.loads(good.read_text(encoding="utf-8"))
    half = good.read_bytes()[: len(good.read_bytes()) // 2]
    bad_files: dict[str, bytes] = {
        "half.json": half,
        "empty.json": b"",
        "not-json.json": b"hello",
        "list.json": b"[1, 2, 3]",
        "binary.json": b"\xff\xfe\x00garbage",
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "wrong-channel.json": json.dumps({**valid, "channel": "fax"}).encode(),
        "no-text.json": json.dumps({k: v for k, v in valid.items() if k != "text"}).encode(),
        "text-not-str.json": json.dumps({**valid, "text": 123456}).encode(),
        "bad-date.json": json.dumps({**valid, "created_at": "yesterday"}).encode(),
        "date-not-str.json": json.dumps({**valid, "created_at": 1700000000}).encode(),
        "audio-escape.json": json.dumps({**valid, "audio": "../../etc/passwd"}).encode(),
        "audio-not-str.json": json.dumps({**valid, "audio": 5}).encode(),
        "huge.json": b" " * (2 << 20) + json.dumps(valid).encode(),
        # A write in progress (atomic_write's temporary file) and other files that are not messages.
        f".{good.name}.abc123.tmp": good.read_bytes(),
        ".hidden.json": good.read_bytes(),
        "notes.txt": good.read_bytes(),
        "sound.wav": b"RIFF....WAVE",
    }
    for name, data in bad_files.items():
        (work / name).write_bytes(data)
    (work / "folder.json").mkdir()

    messages = read_messages(work)
    assert [m.path for m in messages] == [good]


def test_naive_created_at_from_another_writer_is_taken_as_utc(work: Path) -> None:
    (work / "x.json").write_text(
        json.dumps({"channel": "voice", "to": "+1", "text": "t", "created_at": "2025-01-31T12:00"})
    )
    [message] = read_messages(work)
    assert message.created_at == datetime(2025, 1, 31, 12, 0, tzinfo=UTC)
    assert message.channel == "voice"
    assert message.audio is None


def test_since_keeps_newer_messages(work: Path) -> None:
    for offset in (0, 10, 20, 30):
        write_message(work, "sms", "+1", f"at {offset}", now=T0 + timedelta(seconds=offset))
    since = T0 + timedelta(seconds=20)
    assert [m.text for m in read_messages(work, since=since)] == ["at 20", "at 30"]
    later = since.astimezone(timezone(timedelta(hours=-5)))  # same moment, other zone
    assert [m.text for m in read_messages(work, since=later)] == ["at 20", "at 30"]
    assert read_messages(work, since=T0 + timedelta(days=1)) == []
    with pytest.raises(ValueError, match="timezone"):
        read_messages(work, since=datetime(2025, 1, 1))


def test_reader_never_sees_a_partial_message_while_a_writer_writes(work: Path) -> None:
    text = "code 000000 " * 2000  # a long text, so a torn write would be visible
    done = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(150):
                write_message(work, "sms", "+1", text)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    seen = 0
    while not done.is_set():
        messages = read_messages(work)
        assert all(m.text == text for m in messages)
        assert len(messages) >= seen  # nothing disappears
        seen = len(messages)
    thread.join(timeout=60)
    assert not errors
    assert len(read_messages(work)) == 150
