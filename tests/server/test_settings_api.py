"""Settings on the server (``/me/settings``): what a client saving from two machines sees, on
SQLite and PostgreSQL.

A save names the copy it is based on; the server keeps the last 20 versions; a stale save, a
missing precondition, an oversized or mistyped body, a restricted session and another user's
token are each refused with a clear JSON error, and the copy on the server stays as it was.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import delete, event, select
from starlette.requests import ClientDisconnect
from starlette.types import Message

from tests.support.clock import ManualClock
from tests.support.demo_api import (
    TEMP_PASSCODE,
    TEMP_PASSWORD,
    TEMP_USER,
    Live,
    assert_error,
    assert_well_behaved,
)
from tests.support.servers import make_context
from tws_companion.protocol import (
    API_PREFIX,
    ETAG_HEADER,
    MACHINE_HEADER,
    MACHINE_NAME_MAX_LENGTH,
    SAVED_AT_HEADER,
    SETTINGS_MAX_BYTES,
    SETTINGS_MEDIA_TYPE,
    SETTINGS_VERSIONS_KEPT,
    VERSION_HEADER,
    ErrorCode,
    Platform,
)
from tws_companion.protocol.models import SettingsVersion, SettingsVersions
from tws_companion.server import settings_store
from tws_companion.server.app import create_app
from tws_companion.server.context import ServerContext
from tws_companion.server.db import SessionToken, SettingsCopy
from tws_companion.server.deps import SessionRef
from tws_companion.server.errors import ApiError
from tws_companion.server.runner import EmbeddedServer
from tws_companion.server.sessions import token_hash
from tws_companion.server.settings_blobs import (
    FILE_THRESHOLD,
    FOLDER_NAME,
    STALE_FILE_SECONDS,
    SettingsBlobs,
    Staged,
    file_name,
)
from tws_companion.server.settings_store import Upload

SETTINGS = f"{API_PREFIX}/me/settings"
VERSIONS = f"{SETTINGS}/versions"
#: The settings folder holds large copies with SQLite only (PostgreSQL keeps them all).
SQLITE_ONLY = pytest.mark.parametrize("ctx", ["sqlite"], indirect=True)


class Machine:
    """One computer of a user, saving and fetching that user's settings over HTTP."""

    def __init__(self, client: requests.Session, token: str, name: str = "trader-pc") -> None:
        self.client = client
        self.token = token
        self.auth = {"Authorization": f"Bearer {token}"}
        self.name = name

    def put(self, data: bytes, if_match: str | None = None, **headers: str) -> requests.Response:
        sent = {
            **self.auth,
            "Content-Type": SETTINGS_MEDIA_TYPE,
            "X-Machine-Name": quote(self.name, safe=""),
            **headers,
        }
        if if_match is not None:
            sent["If-Match"] = if_match
        return self.client.put(SETTINGS, data=data, headers=sent)

    def save(self, data: bytes, if_match: str | None = None) -> SettingsVersion:
        response = self.put(data, if_match)
        assert response.status_code == 200, response.text
        saved = SettingsVersion.model_validate(response.json())
        assert response.headers[ETAG_HEADER] == saved.etag
        return saved

    def get(self, path: str = SETTINGS, **headers: str) -> requests.Response:
        return self.client.get(path, headers={**self.auth, **headers})

    def versions(self) -> list[SettingsVersion]:
        response = self.get(VERSIONS)
        assert response.status_code == 200, response.text
        return list(SettingsVersions.model_validate(response.json()).versions)


@pytest.fixture
def solo(live: Live, client: requests.Session) -> Machine:
    return Machine(client, live.session(temporary=False))


@pytest.fixture
def temp(live: Live, client: requests.Session) -> Machine:
    """Another user (``temp``), logged in with a temporary passcode in its first 2 days."""
    return Machine(client, live.session(temporary=True), name="temp-laptop")


def envelope(n: int) -> bytes:
    """Stand-in for an encrypted envelope: the server keeps the bytes as they come."""
    return f"<tws-settings-envelope n='{n}'/>".encode() + os.urandom(64)


# --- saving and fetching -----------------------------------------------------------------------


def test_before_the_first_save_there_is_nothing_and_the_first_save_needs_no_precondition(
    solo: Machine, clock: ManualClock
) -> None:
    assert_error(solo.get(), 404, ErrorCode.NOT_FOUND)
    assert solo.versions() == []

    data = envelope(1)
    saved = solo.save(data)
    assert saved.number == 1
    assert saved.size == len(data)
    assert saved.machine == "trader-pc"
    assert saved.saved_at == clock.now()

    fetched = solo.get()
    assert fetched.status_code == 200
    assert fetched.content == data
    assert fetched.headers["content-type"] == SETTINGS_MEDIA_TYPE
    assert fetched.headers[ETAG_HEADER] == saved.etag
    assert fetched.headers[VERSION_HEADER] == "1"
    assert fetched.headers[MACHINE_HEADER] == "trader-pc"
    assert fetched.headers[SAVED_AT_HEADER] == saved.saved_at.isoformat()
    assert solo.versions() == [saved]


def test_a_save_based_on_the_current_copy_replaces_it_and_a_stale_one_is_refused(
    solo: Machine,
) -> None:
    first = solo.save(envelope(1))
    second = solo.save(envelope(2), if_match=first.etag)  # this machine saves again
    assert second.number == 2
    assert second.etag != first.etag

    # Another machine still based on the first copy: refused, told which copy is current.
    stale = solo.put(envelope(3), if_match=first.etag)
    assert_error(stale, 412, ErrorCode.PRECONDITION_FAILED)
    assert stale.headers[ETAG_HEADER] == second.etag
    assert stale.headers[VERSION_HEADER] == "2"
    assert solo.get().headers[ETAG_HEADER] == second.etag


def test_a_save_without_a_precondition_over_an_existing_copy_is_refused_with_428(
    solo: Machine,
) -> None:
    first = solo.save(envelope(1))
    refused = solo.put(envelope(2))
    error = assert_error(refused, 428, ErrorCode.PRECONDITION_REQUIRED)
    assert "If-Match" in error["message"]
    assert refused.headers[ETAG_HEADER] == first.etag
    assert solo.versions() == [first]


def test_if_match_star_replaces_whatever_copy_is_there_but_needs_one(solo: Machine) -> None:
    assert_error(solo.put(envelope(1), if_match="*"), 412, ErrorCode.PRECONDITION_FAILED)
    solo.save(envelope(1))
    forced = solo.save(envelope(2), if_match="*")
    assert forced.number == 2


def test_a_copy_the_client_already_has_is_not_sent_again(solo: Machine) -> None:
    saved = solo.save(envelope(1))
    unchanged = solo.get(**{"If-None-Match": saved.etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers[ETAG_HEADER] == saved.etag
    changed = solo.get(**{"If-None-Match": '"0-older"'})
    assert changed.status_code == 200


def test_twenty_one_saves_keep_the_last_twenty_versions(solo: Machine) -> None:
    saved: list[SettingsVersion] = []
    for n in range(1, 22):
        saved.append(solo.save(envelope(n), if_match=saved[-1].etag if saved else None))
    kept = solo.versions()
    assert len(kept) == SETTINGS_VERSIONS_KEPT == 20
    assert [version.number for version in kept] == list(range(21, 1, -1))
    assert kept == saved[:0:-1]

    assert_error(solo.get(f"{VERSIONS}/1"), 404, ErrorCode.NOT_FOUND)
    oldest = solo.get(f"{VERSIONS}/2")
    assert oldest.status_code == 200
    assert oldest.headers[ETAG_HEADER] == saved[1].etag
    assert oldest.headers[VERSION_HEADER] == "2"
    assert solo.get(f"{VERSIONS}/21").content == solo.get().content


def test_the_machine_name_comes_back_as_it_was_sent(client: requests.Session, live: Live) -> None:
    machine = Machine(client, live.session(temporary=False), name="Händler-PC 交易台")
    saved = machine.save(envelope(1))
    assert saved.machine == "Händler-PC 交易台"
    assert machine.get().headers[MACHINE_HEADER] == quote("Händler-PC 交易台", safe="")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("%00", id="NUL"),
        pytest.param("line%0Abreak", id="newline"),
        pytest.param("%FF%FE", id="not-UTF-8"),
        pytest.param("x" * (MACHINE_NAME_MAX_LENGTH + 1), id="too-long"),
    ],
)
def test_a_bad_machine_name_is_refused_and_nothing_is_saved(solo: Machine, name: str) -> None:
    refused = solo.put(envelope(1), **{"X-Machine-Name": name})
    assert_error(refused, 422, ErrorCode.INVALID_REQUEST)
    assert solo.versions() == []


def test_a_save_without_a_machine_name_is_filed_as_unknown(solo: Machine) -> None:
    response = solo.client.put(
        SETTINGS, data=envelope(1), headers={**solo.auth, "Content-Type": SETTINGS_MEDIA_TYPE}
    )
    assert response.status_code == 200, response.text
    assert response.json()["machine"] == "unknown"


# --- refusals ----------------------------------------------------------------------------------


def test_settings_larger_than_the_limit_are_refused_before_they_are_read(solo: Machine) -> None:
    too_large = solo.put(b"x" * (SETTINGS_MAX_BYTES + 1))
    error = assert_error(too_large, 413, ErrorCode.PAYLOAD_TOO_LARGE)
    assert "MB" in error["message"]

    def chunks() -> Any:  # no Content-Length: the server counts as it reads
        for _ in range(SETTINGS_MAX_BYTES // (1024 * 1024) + 1):
            yield b"x" * (1024 * 1024)

    chunked = solo.client.put(
        SETTINGS,
        data=chunks(),
        headers={**solo.auth, "Content-Type": SETTINGS_MEDIA_TYPE},
    )
    assert_error(chunked, 413, ErrorCode.PAYLOAD_TOO_LARGE)
    assert solo.versions() == []


def test_settings_at_the_limit_are_kept_whole(solo: Machine) -> None:
    data = os.urandom(SETTINGS_MAX_BYTES)
    solo.save(data)
    assert solo.get().content == data


@pytest.mark.parametrize(
    ("content_type", "body", "status", "code"),
    [
        pytest.param("application/json", b'{"a": 1}', 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
        pytest.param("text/xml", b"<a/>", 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
        pytest.param(SETTINGS_MEDIA_TYPE, b"", 422, ErrorCode.INVALID_REQUEST),
    ],
)
def test_a_body_that_is_not_a_settings_envelope_is_refused(
    solo: Machine, content_type: str, body: bytes, status: int, code: ErrorCode
) -> None:
    refused = solo.client.put(
        SETTINGS, data=body, headers={**solo.auth, "Content-Type": content_type}
    )
    assert_error(refused, status, code)
    assert solo.versions() == []


@pytest.mark.parametrize("path", [SETTINGS, VERSIONS, f"{VERSIONS}/1"])
def test_without_a_session_nothing_is_answered(client: requests.Session, path: str) -> None:
    assert_error(client.get(path), 401, ErrorCode.UNAUTHORIZED)
    refused = client.put(SETTINGS, data=envelope(1), headers={"Content-Type": SETTINGS_MEDIA_TYPE})
    assert_error(refused, 401, ErrorCode.UNAUTHORIZED)


def test_a_restricted_session_cannot_reach_settings(live: Live, clock: ManualClock) -> None:
    clock.advance(days=2)  # the temporary passcode now opens Client Portal only
    live.heal()
    started = live.post(
        "/login",
        {"username": TEMP_USER, "password": TEMP_PASSWORD, "platform": Platform.PORTAL},
    )
    done = live.post(f"/login/{started['login_id']}/respond", {"response": TEMP_PASSCODE})
    assert done["session"]["scope"] == "print_online_card"
    restricted = Machine(live.client, done["session"]["token"])
    for path in (SETTINGS, VERSIONS, f"{VERSIONS}/1"):
        assert_error(restricted.get(path), 403, ErrorCode.SCOPE_DENIED)
    assert_error(restricted.put(envelope(1)), 403, ErrorCode.SCOPE_DENIED)


def test_another_users_token_never_reaches_the_settings(solo: Machine, temp: Machine) -> None:
    mine = solo.save(envelope(1))
    solo.save(envelope(2), if_match=mine.etag)

    assert_error(temp.get(), 404, ErrorCode.NOT_FOUND)
    assert temp.versions() == []
    assert_error(temp.get(f"{VERSIONS}/1"), 404, ErrorCode.NOT_FOUND)
    assert_error(temp.put(envelope(9), if_match=mine.etag), 412, ErrorCode.PRECONDITION_FAILED)

    theirs = temp.save(envelope(3))
    assert theirs.number == 1  # numbered per user
    assert [version.number for version in solo.versions()] == [2, 1]
    assert temp.get().content != solo.get().content


@pytest.mark.parametrize(
    "header",
    ["If-Match", "If-None-Match"],
)
def test_an_overlong_precondition_is_refused(solo: Machine, header: str) -> None:
    solo.save(envelope(1))
    headers = {header: '"' + "x" * 2000 + '"'}
    response = solo.put(envelope(2), **headers) if header == "If-Match" else solo.get(**headers)
    assert_error(response, 422, ErrorCode.INVALID_REQUEST)


def test_version_numbers_that_cannot_exist_are_well_behaved(solo: Machine) -> None:
    for number in ("0", "-1", "abc", "9" * 30, "%00"):
        response = solo.get(f"{VERSIONS}/{number}")
        assert_well_behaved(
            response.status_code, response.headers.get("content-type", ""), response.content
        )
        assert response.status_code in (404, 422), (number, response.status_code)


# --- concurrent saves --------------------------------------------------------------------------


def test_of_concurrent_saves_based_on_one_copy_exactly_one_wins(
    ctx: ServerContext, live: Live
) -> None:
    token = live.session(temporary=False)
    with ctx.db.read() as s:
        row = s.get(SessionToken, token_hash(token))
        assert row is not None
    base = settings_store.save(ctx, row, Upload.of(ctx, row, envelope(0)), None, "first").version

    def save_from(machine: int) -> str:
        try:
            settings_store.save(
                ctx, row, Upload.of(ctx, row, envelope(machine)), base.etag, f"pc-{machine}"
            )
        except ApiError as exc:
            return exc.code.value
        return "saved"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = sorted(pool.map(save_from, range(1, 9)))
    assert outcomes == ["precondition_failed"] * 7 + ["saved"]
    kept = settings_store.versions(ctx, SessionRef(token)).versions
    assert [version.number for version in kept] == [2, 1]
    assert kept[0].machine.startswith("pc-")


# --- where the bytes are kept --------------------------------------------------------------------


def on_sqlite(ctx: ServerContext) -> bool:
    return ctx.db.engine.dialect.name == "sqlite"


def large_envelope(n: int) -> bytes:
    """An envelope large enough for the settings folder (with SQLite)."""
    return envelope(n) + os.urandom(FILE_THRESHOLD)


def whole(found: settings_store.StoredCopy) -> bytes:
    """All the bytes a download of ``found`` sends."""

    async def read() -> bytes:
        return b"".join([part async for part in found.parts()])

    return asyncio.run(read())


def user_id_of(ctx: ServerContext, token: str) -> int:
    with ctx.db.read() as s:
        row = s.get(SessionToken, token_hash(token))
        assert row is not None
        return row.user_id


def settings_folder(ctx: ServerContext, user_id: int) -> Path:
    assert ctx.data_dir is not None
    return ctx.data_dir / FOLDER_NAME / str(user_id)


def stored_bytes(ctx: ServerContext, user_id: int) -> dict[int, bytes]:
    """What the database itself holds for each of the user's copies."""
    with ctx.db.read() as s:
        rows = s.execute(
            select(SettingsCopy.number, SettingsCopy.data).where(SettingsCopy.user_id == user_id)
        ).all()
    return {number: data for number, data in rows}


def test_with_sqlite_each_copy_is_an_owner_only_file_that_goes_with_its_version(
    ctx: ServerContext, live: Live, client: requests.Session
) -> None:
    token = live.session(temporary=False)
    solo = Machine(client, token)
    user_id = user_id_of(ctx, token)
    folder = settings_folder(ctx, user_id)
    sent: dict[int, bytes] = {}
    names: dict[int, str] = {}
    etag: str | None = None
    for n in range(1, SETTINGS_VERSIONS_KEPT + 3):
        sent[n] = large_envelope(n)
        etag = solo.save(sent[n], if_match=etag).etag
        names[n] = file_name(etag)
    kept = range(3, SETTINGS_VERSIONS_KEPT + 3)

    if on_sqlite(ctx):
        # The database keeps the description; the folder keeps the bytes, only of kept copies,
        # each in a file named by its ETag's token.
        assert stored_bytes(ctx, user_id) == {n: b"" for n in kept}
        assert sorted(os.listdir(folder)) == sorted(names[n] for n in kept)
        for n in kept:
            assert (folder / names[n]).read_bytes() == sent[n]
            assert stat.S_IMODE((folder / names[n]).stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    else:
        # PostgreSQL may be shared by several machines: the bytes stay in it.
        assert stored_bytes(ctx, user_id) == {n: sent[n] for n in kept}
        assert not folder.parent.exists()
    assert solo.get().content == sent[SETTINGS_VERSIONS_KEPT + 2]
    assert solo.get(f"{VERSIONS}/3").content == sent[3]


def test_small_copies_stay_in_the_database(
    ctx: ServerContext, live: Live, client: requests.Session
) -> None:
    token = live.session(temporary=False)
    solo = Machine(client, token)
    small = envelope(1) + os.urandom(FILE_THRESHOLD - 200)
    large = large_envelope(2)
    first = solo.save(small)
    solo.save(large, if_match=first.etag)
    user_id = user_id_of(ctx, token)
    assert stored_bytes(ctx, user_id) == {1: small, 2: b"" if on_sqlite(ctx) else large}
    assert solo.get(f"{VERSIONS}/1").content == small
    assert solo.get().content == large


def test_a_refused_save_leaves_nothing_behind(
    ctx: ServerContext, live: Live, client: requests.Session
) -> None:
    token = live.session(temporary=False)
    solo = Machine(client, token)
    first = solo.save(large_envelope(1))
    assert_error(solo.put(large_envelope(2)), 428, ErrorCode.PRECONDITION_REQUIRED)
    stale = solo.put(large_envelope(3), if_match='"9-old"')
    assert_error(stale, 412, ErrorCode.PRECONDITION_FAILED)
    assert_error(solo.put(b"", if_match=first.etag), 422, ErrorCode.INVALID_REQUEST)
    too_large = solo.put(b"x" * (SETTINGS_MAX_BYTES + 1), if_match=first.etag)
    assert_error(too_large, 413, ErrorCode.PAYLOAD_TOO_LARGE)

    assert solo.versions() == [first]
    folder = settings_folder(ctx, user_id_of(ctx, token))
    if on_sqlite(ctx):
        assert os.listdir(folder) == [file_name(first.etag)]  # no file of the refused saves
    else:
        assert not folder.parent.exists()


@SQLITE_ONLY
def test_a_save_already_stale_when_it_starts_is_never_written_to_disk(
    ctx: ServerContext, live: Live, client: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its session and the current copy are looked at before its body is read: a stale save's
    body is read to the end (so the client hears the refusal) but not kept."""
    solo = Machine(client, live.session(temporary=False))
    first = solo.save(large_envelope(1))
    staged: list[int] = []
    real_stage = SettingsBlobs.stage

    def stage(blobs: SettingsBlobs, user_id: int, name: str) -> Staged:
        staged.append(user_id)
        return real_stage(blobs, user_id, name)

    monkeypatch.setattr(SettingsBlobs, "stage", stage)
    assert_error(
        solo.put(large_envelope(2), if_match='"9-old"'), 412, ErrorCode.PRECONDITION_FAILED
    )
    assert_error(solo.put(large_envelope(3)), 428, ErrorCode.PRECONDITION_REQUIRED)
    assert staged == []
    second = solo.save(large_envelope(4), if_match=first.etag)  # a current one still is
    assert len(staged) == 1
    assert solo.versions() == [second, first]


def test_each_copy_is_on_disk_before_the_transaction_naming_it_commits(
    ctx: ServerContext, live: Live, client: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite: the copy's name (the folder, while its bytes arrive) and its file are fsynced,
    then the transaction naming it commits."""
    token = live.session(temporary=False)
    solo = Machine(client, token)
    folder = settings_folder(ctx, user_id_of(ctx, token))
    events: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        target = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if target == folder:
            events.append("folder synced")
        elif target.parent == folder:
            events.append(f"file synced ({len(target.read_bytes())} bytes)")

    def committed(_connection: object) -> None:
        events.append("committed")

    monkeypatch.setattr(os, "fsync", fsync)
    event.listen(ctx.db.engine, "commit", committed)
    try:
        data = large_envelope(1)
        solo.save(data)
    finally:
        event.remove(ctx.db.engine, "commit", committed)
    synced = [step for step in events if step != "committed"]
    if on_sqlite(ctx):
        assert sorted(synced) == [f"file synced ({len(data)} bytes)", "folder synced"]
        # Read transactions (the session, a first look at the current copy) commit before.
        assert sorted(events[-3:-1]) == sorted(synced)
        assert events[-1] == "committed"
    else:
        assert synced == []


OLD_ETAG = '"1-0123456789abcdef0123456789abcdef"'


def add_old_copy(ctx: ServerContext, user_id: int, size: int, data: bytes) -> None:
    """Copy number 1 of ``user_id`` as an earlier build saved it (its bytes in ``data``, or
    none there when a file holds them)."""
    with ctx.db.transaction() as s:
        s.add(
            SettingsCopy(
                user_id=user_id,
                number=1,
                etag=OLD_ETAG,
                saved_at=ctx.clock.now(),
                size=size,
                machine="old-pc",
                data=data,
            )
        )


def assert_old_copy_served_until_it_ages_out(solo: Machine, old: bytes) -> None:
    """The old copy is the current one, then a version, then gone after the versions kept."""
    fetched = solo.get()
    assert fetched.content == old
    assert fetched.headers[ETAG_HEADER] == OLD_ETAG
    etag = OLD_ETAG
    for n in range(2, SETTINGS_VERSIONS_KEPT + 1):
        etag = solo.save(large_envelope(n), if_match=etag).etag
    assert solo.get(f"{VERSIONS}/1").content == old
    solo.save(large_envelope(99), if_match=etag)
    assert_error(solo.get(f"{VERSIONS}/1"), 404, ErrorCode.NOT_FOUND)


def test_a_copy_an_earlier_release_kept_in_the_database_is_served_until_it_ages_out(
    ctx: ServerContext, live: Live, client: requests.Session
) -> None:
    token = live.session(temporary=False)
    user_id = user_id_of(ctx, token)
    old = envelope(0)
    add_old_copy(ctx, user_id, len(old), old)  # as the release before the settings folder
    assert_old_copy_served_until_it_ages_out(Machine(client, token), old)
    assert 1 not in stored_bytes(ctx, user_id)


@SQLITE_ONLY
def test_a_file_windows_keeps_open_is_removed_by_a_later_sweep_not_an_error(
    ctx: ServerContext, solo: Machine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows a file being downloaded cannot be removed: the save that aged it out still
    answers, and the file goes once it is stale and no longer open."""
    first = solo.save(large_envelope(1))
    folder = settings_folder(ctx, user_id_of(ctx, solo.token))
    held = folder / file_name(first.etag)
    unlink = os.unlink

    def windows_unlink(path: Any, *args: Any, **kwargs: Any) -> None:
        if Path(path) == held:
            raise PermissionError(13, "The process cannot access the file", str(path))
        unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", windows_unlink)
    etag = first.etag
    for n in range(2, SETTINGS_VERSIONS_KEPT + 2):  # the first copy ages out at the last save
        etag = solo.save(large_envelope(n), if_match=etag).etag
    assert_error(solo.get(f"{VERSIONS}/1"), 404, ErrorCode.NOT_FOUND)
    assert held.exists()
    monkeypatch.setattr(os, "unlink", unlink)  # the download has ended
    hour_ago = time.time() - STALE_FILE_SECONDS - 60
    os.utime(held, (hour_ago, hour_ago))
    solo.save(large_envelope(99), if_match=etag)
    assert not held.exists()
    assert len(os.listdir(folder)) == SETTINGS_VERSIONS_KEPT


@SQLITE_ONLY
def test_what_a_crashed_save_left_in_the_folder_is_removed_once_it_is_old(
    ctx: ServerContext, live: Live, client: requests.Session
) -> None:
    token = live.session(temporary=False)
    solo = Machine(client, token)
    first = solo.save(large_envelope(1))
    folder = settings_folder(ctx, user_id_of(ctx, token))
    # A save whose server stopped before its commit, long ago; one still being written by
    # another worker. Neither is named by a copy.
    crashed = folder / "0123456789abcdef0123456789abcdef"
    crashed.write_bytes(b"never committed")
    hour_ago = time.time() - STALE_FILE_SECONDS - 60
    os.utime(crashed, (hour_ago, hour_ago))
    in_progress = folder / "fedcba9876543210fedcba9876543210"
    in_progress.write_bytes(b"arriving")
    # The first copy's file is as old: a copy names it.
    os.utime(folder / file_name(first.etag), (hour_ago, hour_ago))

    second_data = large_envelope(2)
    second = solo.save(second_data, if_match=first.etag)
    assert solo.get().content == second_data
    assert sorted(os.listdir(folder)) == sorted(
        [file_name(first.etag), file_name(second.etag), in_progress.name]
    )


@SQLITE_ONLY
def test_a_version_whose_file_went_away_is_not_found(
    ctx: ServerContext, live: Live, client: requests.Session
) -> None:
    """As when it ages out between being looked up and being read."""
    token = live.session(temporary=False)
    solo = Machine(client, token)
    first = solo.save(large_envelope(1))
    solo.save(large_envelope(2), if_match=first.etag)
    (settings_folder(ctx, user_id_of(ctx, token)) / file_name(first.etag)).unlink()
    assert_error(solo.get(f"{VERSIONS}/1"), 404, ErrorCode.NOT_FOUND)


@SQLITE_ONLY
def test_an_upload_cut_short_leaves_no_file_behind(ctx: ServerContext, live: Live) -> None:
    """The client went away after 3 MB: they were being written to the copy's file."""
    token = live.session(temporary=False)
    with ctx.db.read() as s:
        row = s.get(SessionToken, token_hash(token))
        assert row is not None

    async def parts() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield os.urandom(FILE_THRESHOLD)
        raise ClientDisconnect()

    with pytest.raises(ClientDisconnect):
        asyncio.run(settings_store.receive(ctx, row, parts()))
    assert os.listdir(settings_folder(ctx, row.user_id)) == []


@pytest.mark.parametrize("sent_before", [0, 3], ids=["before-the-body", "after-3-MB"])
def test_a_client_gone_mid_upload_is_no_server_error_and_saves_nothing(
    ctx: ServerContext, solo: Machine, sent_before: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The trader's machine lost its network (or its user closed the app) while the settings
    went up: at once (while the server looks the session up) or after 3 MB (while they were
    written to the copy's file). The server logs no error, keeps nothing, and serves on."""
    caplog.set_level(logging.INFO)
    first = solo.save(envelope(1))
    body_size = 5 * FILE_THRESHOLD
    scope = asgi_scope(
        "PUT",
        SETTINGS,
        solo,
        (b"content-type", SETTINGS_MEDIA_TYPE.encode()),
        (b"content-length", str(body_size).encode()),
        (b"if-match", first.etag.encode()),
    )
    parts = [os.urandom(FILE_THRESHOLD) for _ in range(sent_before)]

    async def receive() -> Message:
        if parts:
            return {"type": "http.request", "body": parts.pop(), "more_body": True}
        return {"type": "http.disconnect"}

    async def send(_message: Message) -> None:
        pass  # nobody is listening any more

    asyncio.run(create_app(ctx)(scope, receive, send))

    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert [v.number for v in solo.versions()] == [first.number]
    assert solo.get().headers[ETAG_HEADER] == first.etag
    folder = settings_folder(ctx, user_id_of(ctx, solo.token))
    assert not folder.exists() or os.listdir(folder) == []
    # And the next save, from the same base, goes through.
    assert solo.save(large_envelope(2), if_match=first.etag).number == first.number + 1


@SQLITE_ONLY
def test_two_workers_of_one_host_share_the_folder_and_one_of_concurrent_saves_wins(
    ctx: ServerContext, live: Live, clock: ManualClock
) -> None:
    """Two server processes on one SQLite file and data folder (each its own database
    connection pool and write queue), saving large copies from one base at once."""
    assert ctx.data_dir is not None
    other = make_context(ctx.data_dir, clock, url=ctx.db.url)
    try:
        token = live.session(temporary=False)
        with ctx.db.read() as s:
            row = s.get(SessionToken, token_hash(token))
            assert row is not None
        first = Upload.of(ctx, row, large_envelope(0))
        base = settings_store.save(ctx, row, first, None, "pc").version
        sent = {n: large_envelope(n) for n in range(1, 9)}

        names: dict[int, str] = {}

        def save_from(machine: int) -> str:
            worker = ctx if machine % 2 else other
            upload = Upload.of(worker, row, sent[machine])
            try:
                saved = settings_store.save(worker, row, upload, base.etag, f"pc-{machine}")
            except ApiError as exc:
                return exc.code.value
            names[machine] = file_name(saved.version.etag)
            return "saved"

        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(save_from, range(1, 9)))
        assert sorted(outcomes) == ["precondition_failed"] * 7 + ["saved"]
        winner = outcomes.index("saved") + 1
        for worker in (ctx, other):
            found = settings_store.current(worker, SessionRef(token), None)
            assert (found.version.number, whole(found)) == (2, sent[winner])
        # Only the winner's file is left beside the first copy's.
        assert sorted(os.listdir(settings_folder(ctx, row.user_id))) == sorted(
            [file_name(base.etag), names[winner]]
        )
    finally:
        other.db.dispose()


def test_a_large_save_without_a_valid_session_writes_nothing(
    ctx: ServerContext, client: requests.Session
) -> None:
    """Its first megabyte may arrive while the session is looked up: kept in memory only."""
    headers = {"Content-Type": SETTINGS_MEDIA_TYPE, "Authorization": "Bearer not-a-session"}
    refused = client.put(SETTINGS, data=large_envelope(1) * 3, headers=headers)
    assert_error(refused, 401, ErrorCode.UNAUTHORIZED)
    assert ctx.data_dir is not None
    assert not (ctx.data_dir / FOLDER_NAME).exists()


def test_what_arrives_while_the_session_is_looked_up_is_bounded_and_nothing_is_lost() -> None:
    part = b"p" * (256 * 1024)
    sent = [part] * 12

    async def parts() -> AsyncIterator[bytes]:
        for each in sent:
            yield each

    async def run() -> tuple[list[bytes], list[bytes]]:
        stream = parts()
        looking_up: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        early = await settings_store.read_early(stream, looking_up)  # never done: the limit
        looking_up.set_result(None)
        return early, [each async for each in stream]

    early, rest = asyncio.run(run())
    assert sum(map(len, early)) == settings_store.EARLY_BYTES
    assert early + rest == sent


@SQLITE_ONLY
def test_a_copy_whose_file_is_named_by_its_number_is_served_until_it_ages_out(
    ctx: ServerContext, live: Live, client: requests.Session
) -> None:
    """As the development builds before tokens saved it (an hour-old file a copy names)."""
    token = live.session(temporary=False)
    user_id = user_id_of(ctx, token)
    old = large_envelope(0)
    add_old_copy(ctx, user_id, len(old), b"")
    folder = settings_folder(ctx, user_id)
    folder.mkdir(parents=True)
    (folder / "1").write_bytes(old)
    hour_ago = time.time() - STALE_FILE_SECONDS - 60
    os.utime(folder / "1", (hour_ago, hour_ago))
    assert_old_copy_served_until_it_ages_out(Machine(client, token), old)
    assert "1" not in os.listdir(folder)


# --- downloads sent as they are read -------------------------------------------------------------

#: A slice small enough that a test's copy is read in many.
SMALL_SLICE = 64 * 1024


@pytest.fixture(params=[SMALL_SLICE, settings_store.SLICE_BYTES], ids=["64-KB", "1-MB"])
def slice_bytes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    size: int = request.param
    monkeypatch.setattr(settings_store, "SLICE_BYTES", size)
    return size


def test_a_large_copy_downloads_whole_with_its_description(solo: Machine, slice_bytes: int) -> None:
    first_data = large_envelope(1)
    first = solo.save(first_data)
    data = large_envelope(2) * 3  # 3 MB: several slices
    second = solo.save(data, if_match=first.etag)
    fetched = solo.get()
    assert fetched.status_code == 200
    assert fetched.content == data
    assert fetched.headers["Content-Length"] == str(len(data))
    assert fetched.headers["Content-Type"] == SETTINGS_MEDIA_TYPE
    assert fetched.headers[ETAG_HEADER] == second.etag
    assert fetched.headers[VERSION_HEADER] == "2"
    assert fetched.headers[SAVED_AT_HEADER] == second.saved_at.isoformat()
    assert fetched.headers[MACHINE_HEADER] == quote(solo.name, safe="")
    older = solo.get(f"{VERSIONS}/1")
    assert older.content == first_data
    assert older.headers["Content-Length"] == str(first.size)
    assert older.headers[ETAG_HEADER] == first.etag


def test_a_large_copy_the_client_already_has_is_not_sent_again(solo: Machine) -> None:
    saved = solo.save(large_envelope(1) * 2)
    for header in (saved.etag, f"W/{saved.etag}", f'"0-older", {saved.etag}', "*"):
        unchanged = solo.get(**{"If-None-Match": header})
        assert unchanged.status_code == 304, header
        assert unchanged.content == b""
        assert unchanged.headers[ETAG_HEADER] == saved.etag
    changed = solo.get(**{"If-None-Match": '"0-older"'})
    assert changed.status_code == 200
    assert len(changed.content) == saved.size


def test_another_users_token_never_reaches_a_large_copy(
    solo: Machine, temp: Machine, client: requests.Session
) -> None:
    solo.save(large_envelope(1) * 2)
    assert_error(temp.get(), 404, ErrorCode.NOT_FOUND)
    assert_error(temp.get(f"{VERSIONS}/1"), 404, ErrorCode.NOT_FOUND)
    for path in (SETTINGS, f"{VERSIONS}/1"):
        refused = client.get(path, headers={"Authorization": "Bearer not-a-session"})
        assert_error(refused, 401, ErrorCode.UNAUTHORIZED)


def asgi_scope(
    method: str, path: str, machine: Machine, *headers: tuple[bytes, bytes]
) -> dict[str, Any]:
    """An ASGI request of ``path`` as ``machine``, with ``headers`` besides its token."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", machine.auth["Authorization"].encode()),
            *headers,
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


class Download:
    """What a client of the app receives of one download; ``after_first_part`` runs once the
    first part of the body has gone out (the copy being sent is then in the middle of it)."""

    def __init__(self, after_first_part: Any) -> None:
        self.after_first_part = after_first_part
        self.headers: dict[bytes, bytes] = {}
        self.body: list[bytes] = []
        self.complete = False

    async def receive(self) -> Message:
        await asyncio.sleep(3600)  # the client stays (a GET has no body to read)
        raise AssertionError("unreachable")

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 200
            self.headers = dict(message["headers"])
        elif message["type"] == "http.response.body":
            if message["body"] and not self.body:
                self.body.append(message["body"])
                self.after_first_part()
            elif message["body"]:
                self.body.append(message["body"])
            self.complete = not message.get("more_body", False)

    def run(self, ctx: ServerContext, path: str, machine: Machine) -> bytes:
        asyncio.run(create_app(ctx)(asgi_scope("GET", path, machine), self.receive, self.send))
        return b"".join(self.body)


def delete_copy(ctx: ServerContext, user_id: int, number: int) -> None:
    with ctx.db.transaction() as s:
        s.execute(
            delete(SettingsCopy).where(
                SettingsCopy.user_id == user_id, SettingsCopy.number == number
            )
        )


@pytest.mark.parametrize("path", [SETTINGS, f"{VERSIONS}/1"], ids=["current", "version"])
def test_a_copy_that_ages_out_mid_download_is_cut_short_never_completed_wrongly(
    ctx: ServerContext,
    solo: Machine,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The copy the database keeps (PostgreSQL; SQLite as an earlier release kept it) goes
    while it is sent, read in slices: the client gets fewer bytes than announced, each one
    right, and the connection is cut (the app raises), so its download reports it cut short.
    The server notes it without calling it a failure of its own."""
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(settings_store, "SLICE_BYTES", SMALL_SLICE)
    user_id = user_id_of(ctx, solo.token)
    data = large_envelope(1)
    add_old_copy(ctx, user_id, len(data), data)
    download = Download(lambda: delete_copy(ctx, user_id, 1))
    with pytest.raises(settings_store.CopyGoneError):
        download.run(ctx, path, solo)
    received = b"".join(download.body)
    assert download.headers[b"content-length"] == str(len(data)).encode()
    assert 0 < len(received) < len(data)
    assert received == data[: len(received)]
    assert not download.complete
    assert_error(solo.get(path), 404, ErrorCode.NOT_FOUND)
    assert "an answer was cut short: CopyGoneError" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


@SQLITE_ONLY
def test_a_download_cut_short_is_no_error_in_the_servers_log(
    ctx: ServerContext,
    solo: Machine,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Served by uvicorn as ``tws-companion serve`` serves it: a copy that ages out while it is
    sent cuts the connection, and what a support engineer reads in the server's log is the
    app's note at INFO, not uvicorn's "Exception in ASGI application" with a traceback."""
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(settings_store, "SLICE_BYTES", SMALL_SLICE)
    user_id = user_id_of(ctx, solo.token)
    data = large_envelope(1)
    add_old_copy(ctx, user_id, len(data), data)  # its bytes in the database: read in slices
    read_slice = settings_store._DatabaseSlices._read

    def aged_out_first(slices: Any, start: int, length: int) -> bytes:
        delete_copy(ctx, user_id, 1)  # 20 later saves landed while the first slice went out
        return read_slice(slices, start, length)

    monkeypatch.setattr(settings_store._DatabaseSlices, "_read", aged_out_first)
    server = EmbeddedServer(ctx)
    url = server.start()
    try:
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            requests.get(
                f"{url}{SETTINGS}", headers={"Authorization": f"Bearer {solo.token}"}, timeout=30
            )
    finally:
        server.stop()
    assert "an answer was cut short: CopyGoneError" in caplog.text
    logged = capfd.readouterr().err
    assert "Exception in ASGI application" not in logged
    assert "Traceback" not in logged


@SQLITE_ONLY
def test_a_file_removed_mid_download_is_still_sent_whole(
    ctx: ServerContext, solo: Machine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when a save from another machine ages the version out while it is sent: its file
    was opened before the answer started."""
    monkeypatch.setattr(settings_store, "SLICE_BYTES", SMALL_SLICE)
    first_data = large_envelope(1)
    first = solo.save(first_data)
    solo.save(large_envelope(2), if_match=first.etag)
    user_id = user_id_of(ctx, solo.token)
    file = settings_folder(ctx, user_id) / file_name(first.etag)

    def age_out() -> None:
        delete_copy(ctx, user_id, 1)
        file.unlink()

    download = Download(age_out)
    assert download.run(ctx, f"{VERSIONS}/1", solo) == first_data
    assert download.complete
    assert not file.exists()
    assert_error(solo.get(f"{VERSIONS}/1"), 404, ErrorCode.NOT_FOUND)
