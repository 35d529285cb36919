"""A stand-in for the settings routes of the server (``/me/settings``), bound to 127.0.0.1, for
the client's unit tests: it keeps each user's copies as the server does (numbered, the last 20,
with ETags and the If-Match / If-None-Match rules), and can cut a download short or answer with
the wrong media type. :class:`Recorder` is a progress callback that remembers what it heard.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import quote, unquote

from tests.unit.client.stand_in_server import Hit, StandInServer
from tws_companion.protocol import API_PREFIX, SETTINGS_VERSIONS_KEPT

TOKEN = "tok-alice-6f1d2c"
OTHER_TOKEN = "tok-bob-90ab1e"
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@dataclass
class StoredCopy:
    number: int
    data: bytes
    machine: str
    saved_at: datetime

    @property
    def etag(self) -> str:
        return f'"{self.number}-{hashlib.sha256(self.data).hexdigest()[:16]}"'

    def described(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "etag": self.etag,
            "saved_at": self.saved_at.isoformat(),
            "size": len(self.data),
            "machine": self.machine,
        }

    def headers(self) -> dict[str, str]:
        return {
            "ETag": self.etag,
            "X-Settings-Version": str(self.number),
            "X-Settings-Saved-At": self.saved_at.isoformat(),
            "X-Settings-Machine": quote(self.machine, safe=""),
        }


class SettingsStandIn(StandInServer):
    """Keeps each user's copies as the server does (the last 20, numbered, with ETags), over
    HTTP on 127.0.0.1. ``cut_after`` bytes into a download, the connection is dropped;
    ``media_type`` is what a download claims to be; ``drop_headers`` leaves headers out."""

    def __init__(self) -> None:
        self.tokens = {TOKEN: "alice", OTHER_TOKEN: "bob"}
        self.copies: dict[str, list[StoredCopy]] = {}
        self.cut_after: int | None = None
        self.media_type = "application/octet-stream"
        self.drop_headers: tuple[str, ...] = ()
        self._saves = 0
        super().__init__()

    def put_directly(self, user: str, data: bytes, machine: str = "elsewhere") -> StoredCopy:
        """A save by another client, as if it came over HTTP."""
        with self._lock:
            return self._save(user, data, machine)

    def _save(self, user: str, data: bytes, machine: str) -> StoredCopy:
        kept = self.copies.setdefault(user, [])
        self._saves += 1
        number = kept[-1].number + 1 if kept else 1
        kept.append(StoredCopy(number, data, machine, START + timedelta(minutes=self._saves)))
        del kept[:-SETTINGS_VERSIONS_KEPT]
        return kept[-1]

    def _settings_answer(self, hit: Hit) -> tuple[int, dict[str, str], bytes]:
        def error(status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
            text = json.dumps({"error": {"code": code, "message": message}})
            return status, {"Content-Type": "application/json"}, text.encode()

        method, path, headers = hit.method, hit.path, hit.headers
        with self._lock:
            self.hits.append(hit)
            token = headers.get("Authorization", "").removeprefix("Bearer ")
            user = self.tokens.get(token)
            if user is None:
                return error(401, "unauthorized", "Log in again.")
            kept = self.copies.get(user, [])
            current = kept[-1] if kept else None
            prefix = f"{API_PREFIX}/me/settings"
            if method == "GET" and path == prefix:
                if current is None:
                    return error(404, "not_found", "No settings are stored yet.")
                if headers.get("If-None-Match") == current.etag:
                    return 304, current.headers(), b""
                return self._copy(current)
            if method == "GET" and path == f"{prefix}/versions":
                listed = {"versions": [copy.described() for copy in reversed(kept)]}
                return 200, {"Content-Type": "application/json"}, json.dumps(listed).encode()
            if method == "GET" and path.startswith(f"{prefix}/versions/"):
                number = int(path.rsplit("/", 1)[1])
                found = [copy for copy in kept if copy.number == number]
                if not found:
                    return error(404, "not_found", "The server keeps no such version.")
                return self._copy(found[0])
            if method == "PUT" and path == prefix:
                if headers.get("Content-Type") != "application/octet-stream":
                    return error(415, "unsupported_media_type", "Send octet-stream.")
                if_match = headers.get("If-Match")
                if current is not None and if_match is None:
                    return error(428, "precondition_required", "Send If-Match.")
                if (current is None and if_match is not None) or (
                    current is not None and if_match != current.etag
                ):
                    return error(412, "precondition_failed", "Another save came first.")
                machine = unquote(headers.get("X-Machine-Name", "unknown"))
                saved = self._save(user, hit.body, machine)
                text = json.dumps(saved.described())
                return 200, {"Content-Type": "application/json", **saved.headers()}, text.encode()
            return error(404, "not_found", "No such route.")

    def _copy(self, copy: StoredCopy) -> tuple[int, dict[str, str], bytes]:
        headers = {"Content-Type": self.media_type, **copy.headers()}
        for name in self.drop_headers:
            headers.pop(name, None)
        return 200, headers, copy.data

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                hit = Hit(
                    self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
                )
                status, headers, payload = stand_in._settings_answer(hit)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                cut = stand_in.cut_after
                if status == 200 and cut is not None and headers.get("ETag"):
                    self.wfile.write(payload[:cut])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(payload)

            do_GET = do_PUT = _serve  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the tests read ``hits`` instead."""

        return Handler


class Recorder:
    """A progress callback that records what it hears."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))

    def assert_whole_transfer(self, total: int) -> None:
        assert self.calls[0] == (0, total)
        assert self.calls[-1] == (total, total)
        dones = [done for done, _ in self.calls]
        assert dones == sorted(dones)
        assert {reported for _, reported in self.calls} == {total}
