"""Settings on the server (``/me/settings``): what a client saving from two machines sees, on
SQLite and PostgreSQL.

A save names the copy it is based on; the server keeps the last 20 versions; a stale save, a
missing precondition, an oversized or mistyped body, a restricted session and another user's
token are each refused with a clear JSON error, and the copy on the server stays as it was.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.support.clock import ManualClock
from tests.support.demo_api import (
    TEMP_PASSCODE,
    TEMP_PASSWORD,
    TEMP_USER,
    Live,
    assert_error,
    assert_well_behaved,
)
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
from tws_companion.server.context import ServerContext
from tws_companion.server.db import SessionToken
from tws_companion.server.errors import ApiError
from tws_companion.server.sessions import token_hash

SETTINGS = f"{API_PREFIX}/me/settings"
VERSIONS = f"{SETTINGS}/versions"


class Machine:
    """One computer of a user, saving and fetching that user's settings over HTTP."""

    def __init__(self, client: requests.Session, token: str, name: str = "trader-pc") -> None:
        self.client = client
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
    base = settings_store.save(ctx, row, envelope(0), None, "first")

    def save_from(machine: int) -> str:
        try:
            settings_store.save(ctx, row, envelope(machine), base.etag, f"pc-{machine}")
        except ApiError as exc:
            return exc.code.value
        return "saved"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = sorted(pool.map(save_from, range(1, 9)))
    assert outcomes == ["precondition_failed"] * 7 + ["saved"]
    kept = settings_store.versions(ctx, row).versions
    assert [version.number for version in kept] == [2, 1]
    assert kept[0].machine.startswith("pc-")
