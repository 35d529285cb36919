"""ApiClient's settings calls (``/me/settings``) against a stand-in that keeps copies like the
server does: bytes both ways, ETag preconditions, progress of a 5 MB transfer, a download cut
short, and the clear errors of each refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.client.settings_stand_in import OTHER_TOKEN, TOKEN, Recorder, SettingsStandIn
from tests.unit.client.stand_in_server import closed_port
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import (
    NotFound,
    NotModified,
    PreconditionFailed,
    PreconditionRequired,
    ProtocolError,
    ServerUnreachable,
    SettingsTooLarge,
    TransferInterrupted,
    Unauthorized,
)
from tws_companion.protocol import API_PREFIX, SETTINGS_MAX_BYTES

FIVE_MB = 5 * 1024 * 1024


@pytest.fixture
def stand_in() -> Iterator[SettingsStandIn]:
    with SettingsStandIn() as server:
        yield server


@pytest.fixture
def client(stand_in: SettingsStandIn) -> Iterator[ApiClient]:
    with ApiClient(stand_in.url, timeout=10) as api:
        yield api


SETTINGS = f"{API_PREFIX}/me/settings"


def test_a_save_comes_back_byte_for_byte_with_its_description(
    stand_in: SettingsStandIn, client: ApiClient
) -> None:
    data = b"<envelope>\x00\xff binary bytes</envelope>"
    saved = client.put_settings(TOKEN, data, if_match=None, machine="Büro-PC 1")
    assert (saved.number, saved.size, saved.machine) == (1, len(data), "Büro-PC 1")
    (put,) = stand_in.hits_to("PUT", SETTINGS)
    assert put.headers["Content-Type"] == "application/octet-stream"
    assert put.headers["X-Machine-Name"] == "B%C3%BCro-PC%201"
    assert put.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "If-Match" not in put.headers

    copy = client.settings(TOKEN)
    assert copy.data == data
    assert copy.version == saved
    assert copy.version.saved_at.tzinfo is not None
    assert "binary" not in repr(copy)  # the envelope stays out of a repr
    assert client.settings_versions(TOKEN) == [saved]
    assert client.settings_version(TOKEN, 1).data == data


def test_the_copy_this_computer_has_is_not_downloaded_again(
    stand_in: SettingsStandIn, client: ApiClient
) -> None:
    saved = client.put_settings(TOKEN, b"first", if_match=None)
    with pytest.raises(NotModified) as caught:
        client.settings(TOKEN, if_none_match=saved.etag)
    assert caught.value.etag == saved.etag
    assert stand_in.hits_to("GET", SETTINGS)[-1].headers["If-None-Match"] == saved.etag
    stand_in.put_directly("alice", b"second")
    assert client.settings(TOKEN, if_none_match=saved.etag).data == b"second"


def test_preconditions_are_typed_errors(stand_in: SettingsStandIn, client: ApiClient) -> None:
    with pytest.raises(NotFound, match="No settings are stored yet"):
        client.settings(TOKEN)
    first = client.put_settings(TOKEN, b"one", if_match=None)
    with pytest.raises(PreconditionRequired):
        client.put_settings(TOKEN, b"two", if_match=None)
    second = client.put_settings(TOKEN, b"two", if_match=first.etag)
    assert second.number == 2
    with pytest.raises(PreconditionFailed):
        client.put_settings(TOKEN, b"three", if_match=first.etag)
    assert [v.number for v in client.settings_versions(TOKEN)] == [2, 1]
    with pytest.raises(NotFound, match="no such version"):
        client.settings_version(TOKEN, 7)
    with pytest.raises(ValueError, match="numbered from 1"):
        client.settings_version(TOKEN, 0)
    with pytest.raises(Unauthorized):
        client.settings(TOKEN + "x")
    assert client.settings_versions(OTHER_TOKEN) == []


def test_a_5_mb_upload_reports_its_progress_as_it_is_sent(
    stand_in: SettingsStandIn, client: ApiClient
) -> None:
    data = bytes(range(256)) * (FIVE_MB // 256)
    progress = Recorder()
    client.put_settings(TOKEN, data, if_match=None, progress=progress)
    progress.assert_whole_transfer(len(data))
    assert len(progress.calls) > 20  # reported along the way, not only at the end
    (put,) = stand_in.hits_to("PUT", SETTINGS)
    assert put.headers["Content-Length"] == str(len(data))  # not chunked
    assert "Transfer-Encoding" not in put.headers
    assert put.body == data
    assert stand_in.copies["alice"][-1].data == data


def test_a_5_mb_download_reports_its_progress(stand_in: SettingsStandIn, client: ApiClient) -> None:
    data = bytes(reversed(range(256))) * (FIVE_MB // 256)
    stand_in.put_directly("alice", data)
    progress = Recorder()
    assert client.settings(TOKEN, progress=progress).data == data
    progress.assert_whole_transfer(len(data))
    assert len(progress.calls) > 20


def test_a_download_cut_short_is_a_clear_error(
    stand_in: SettingsStandIn, client: ApiClient
) -> None:
    stand_in.put_directly("alice", b"x" * 300_000)
    stand_in.cut_after = 100_000
    progress = Recorder()
    with pytest.raises(TransferInterrupted) as caught:
        client.settings(TOKEN, progress=progress)
    assert caught.value.done < 300_000
    assert caught.value.total == 300_000
    assert str(caught.value).startswith(f"The connection to the server at {stand_in.url} was lost")
    assert TOKEN not in str(caught.value)
    stand_in.cut_after = None
    assert len(client.settings(TOKEN).data) == 300_000


def test_no_server_is_unreachable() -> None:
    with ApiClient(f"http://127.0.0.1:{closed_port()}", retries=0) as api:
        with pytest.raises(ServerUnreachable):
            api.settings(TOKEN)
        with pytest.raises(ServerUnreachable):
            api.put_settings(TOKEN, b"data", if_match=None)


def test_settings_above_the_limit_are_refused_before_sending(
    stand_in: SettingsStandIn, client: ApiClient
) -> None:
    with pytest.raises(SettingsTooLarge, match="too large to store on the server"):
        client.put_settings(TOKEN, b"x" * (SETTINGS_MAX_BYTES + 1), if_match=None)
    with pytest.raises(ValueError, match="empty"):
        client.put_settings(TOKEN, b"", if_match=None)
    assert stand_in.hits == []


def test_an_answer_that_is_not_a_copy_is_a_protocol_error(
    stand_in: SettingsStandIn, client: ApiClient
) -> None:
    stand_in.put_directly("alice", b"data")
    stand_in.media_type = "text/html"
    with pytest.raises(ProtocolError, match="not a settings file"):
        client.settings(TOKEN)
    stand_in.media_type = "application/octet-stream"
    stand_in.drop_headers = ("X-Settings-Version",)
    with pytest.raises(ProtocolError, match="lacks the X-Settings-Version header"):
        client.settings(TOKEN)
