"""SMS and voice gateways: the development outbox (with espeak-ng) and Twilio (against a stand-in).

The Twilio tests run a local HTTP server on 127.0.0.1 that records requests and answers like
Twilio's REST API; the gateway is pointed at it with ``api_base``.
"""

from __future__ import annotations

import base64
import json
import logging
import shutil
import socket
import stat
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.support.audio import wav_stats
from tws_companion.server.gateways import GATEWAY_NAMES, Gateway, GatewayError, load_gateway
from tws_companion.server.gateways.outbox import ESPEAK_MISSING_MESSAGE, OutboxGateway
from tws_companion.server.gateways.twilio_gateway import TwilioGateway, build_twiml
from tws_companion.sls.one_time_codes import sms_text, voice_script
from tws_companion.storage.outbox import SecurityCode, read_messages

PHONE = "+15551234567"
CODE = "482913"
SMS_TEXT = f"Your TWS Companion code is {CODE}. It expires in 5 minutes."
SPOKEN = " ".join(CODE)  # "4 8 2 9 1 3": read digit by digit
VOICE_TEXT = f"Your TWS Companion code is {SPOKEN}.\nAgain: {SPOKEN}."

SID = "AC0123456789abcdef0123456789abcdef"
TOKEN = "auth-token-that-must-stay-secret"
FROM = "+15550001111"

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng); CI installs it",
)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An empty folder of this test's own (suite-wide fixtures may put things in tmp_path)."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def _assert_no_secret(exc: BaseException) -> None:
    for secret in (CODE, SPOKEN, TOKEN):
        assert secret not in str(exc)
        assert secret not in repr(exc)
    # The original exception (whose message may echo the request) is not chained.
    assert exc.__cause__ is None
    assert exc.__context__ is None or exc.__suppress_context__


# --------------------------------------------------------------------------- outbox gateway


def test_gateways_satisfy_the_protocol(work: Path) -> None:
    assert isinstance(OutboxGateway(work), Gateway)
    with TwilioGateway(SID, TOKEN, FROM) as twilio:
        assert isinstance(twilio, Gateway)


def test_outbox_sms_writes_the_contract_json(work: Path) -> None:
    outbox = work / "outbox"
    OutboxGateway(outbox).send_sms(PHONE, SMS_TEXT)
    [path] = list(outbox.iterdir())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"channel", "to", "text", "created_at"}
    assert (data["channel"], data["to"], data["text"]) == ("sms", PHONE, SMS_TEXT)
    [message] = read_messages(outbox)
    assert message.text == SMS_TEXT
    assert message.audio is None


def test_outbox_sms_into_an_unusable_folder(work: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    blocked = work / "outbox"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(GatewayError, match="could not be written to the outbox") as info:
        OutboxGateway(blocked).send_sms(PHONE, SMS_TEXT)
    _assert_no_secret(info.value)
    assert CODE not in caplog.text


def test_outbox_sms_of_the_sls_says_what_it_holds(work: Path) -> None:
    """The phone window words an SLS code in the user's language from these fields; the text
    stays the English message as sent."""
    text = sms_text(CODE, timedelta(minutes=5))
    OutboxGateway(work).send_sms(PHONE, text, security_code=SecurityCode(CODE, valid_seconds=300))
    [message] = read_messages(work)
    data = json.loads(message.path.read_text(encoding="utf-8"))
    assert data["text"] == text
    assert (data["kind"], data["code"], data["valid_seconds"]) == ("security_code", CODE, 300)
    assert "repeats" not in data
    assert message.security_code == SecurityCode(CODE, valid_seconds=300)


def test_outbox_voice_call_of_the_sls_says_what_it_holds(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subprocess, "run", _FakeEspeak(write_wav=True))
    script = voice_script(CODE, 2)
    OutboxGateway(work, espeak=sys.executable).place_voice_call(
        PHONE, script, security_code=SecurityCode(CODE, repeats=2)
    )
    [message] = read_messages(work)
    data = json.loads(message.path.read_text(encoding="utf-8"))
    assert data["text"] == script
    assert message.audio is not None
    assert data["audio"] == message.audio.name
    assert (data["kind"], data["code"], data["repeats"]) == ("security_code", CODE, 2)
    assert "valid_seconds" not in data
    assert message.security_code == SecurityCode(CODE, repeats=2)


def test_outbox_message_without_a_code_is_kept_as_it_is(work: Path) -> None:
    """A text that comes without what it holds is shown as written, whatever digits it has."""
    OutboxGateway(work).send_sms(PHONE, sms_text(CODE, timedelta(minutes=5)))
    [message] = read_messages(work)
    data = json.loads(message.path.read_text(encoding="utf-8"))
    assert "kind" not in data
    assert "code" not in data
    assert message.security_code is None


def test_outbox_repr(work: Path) -> None:
    assert repr(OutboxGateway(work, espeak="espeak-ng")) == (
        f"OutboxGateway(outbox_dir={str(work)!r}, espeak='espeak-ng')"
    )


@needs_espeak
def test_outbox_voice_writes_an_audible_wav(work: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    outbox = work / "outbox"
    OutboxGateway(outbox).place_voice_call(PHONE, VOICE_TEXT)

    [message] = read_messages(outbox)
    assert (message.channel, message.to, message.text) == ("voice", PHONE, VOICE_TEXT)
    assert message.audio is not None
    assert message.audio == outbox / f"{message.message_id}.wav"  # named after the message
    data = json.loads(message.path.read_text(encoding="utf-8"))
    assert data["audio"] == message.audio.name
    assert sorted(p.name for p in outbox.iterdir()) == sorted([message.path.name, data["audio"]])
    if sys.platform != "win32":
        assert stat.S_IMODE(message.audio.stat().st_mode) == 0o600

    duration, rms, peak = wav_stats(message.audio)
    assert rms > 500, f"the WAV is (nearly) silent: RMS {rms:.0f}"
    assert peak > 5000, f"the WAV is (nearly) silent: peak {peak}"
    # Twelve digits and a short sentence at 140 words per minute: several seconds, well under 30.
    assert 4.0 < duration < 30.0, f"implausible duration {duration:.1f} s for the code read twice"
    assert CODE not in caplog.text
    assert SPOKEN not in caplog.text


@needs_espeak
def test_reading_twice_takes_longer_than_once(work: Path) -> None:
    gateway = OutboxGateway(work)
    gateway.place_voice_call(PHONE, f"{SPOKEN}.")
    gateway.place_voice_call(PHONE, f"{SPOKEN}.\n{SPOKEN}.")
    once, twice = (m.audio for m in read_messages(work))
    assert once is not None
    assert twice is not None
    assert wav_stats(twice)[0] > 1.6 * wav_stats(once)[0]


def test_outbox_voice_without_espeak(work: Path) -> None:
    outbox = work / "outbox"
    gateway = OutboxGateway(outbox, espeak="espeak-ng-that-does-not-exist")
    with pytest.raises(GatewayError) as info:
        gateway.place_voice_call(PHONE, VOICE_TEXT)
    assert str(info.value) == ESPEAK_MISSING_MESSAGE
    assert "apt-get install espeak-ng" in str(info.value)
    assert "use SMS" in str(info.value)
    _assert_no_secret(info.value)
    assert read_messages(outbox) == []
    assert not outbox.exists() or list(outbox.iterdir()) == []


def test_outbox_voice_espeak_vanishing_after_lookup(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def vanished(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(subprocess, "run", vanished)
    with pytest.raises(GatewayError) as info:
        OutboxGateway(work, espeak=sys.executable).place_voice_call(PHONE, VOICE_TEXT)
    assert str(info.value) == ESPEAK_MISSING_MESSAGE
    assert list(work.iterdir()) == []


@dataclass
class _FakeEspeak:
    """Stands in for subprocess.run: records the call, then behaves as told."""

    returncode: int = 0
    write_wav: bool = False
    raise_timeout: bool = False
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.calls.append({"args": args, **kwargs})
        if self.raise_timeout:
            raise subprocess.TimeoutExpired(args, kwargs["timeout"])
        wav = Path(args[args.index("-w") + 1])
        if self.write_wav:
            wav.write_bytes(b"RIFF" + b"\x00" * 100)
        else:
            wav.write_bytes(b"")  # espeak-ng creates the file even when it fails
        return subprocess.CompletedProcess(args, self.returncode, b"", b"")


def test_outbox_voice_espeak_failure(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _FakeEspeak(returncode=3)
    monkeypatch.setattr(subprocess, "run", fake)
    with pytest.raises(GatewayError, match=r"espeak-ng failed \(exit status 3\)") as info:
        OutboxGateway(work, espeak=sys.executable).place_voice_call(PHONE, VOICE_TEXT)
    _assert_no_secret(info.value)
    assert list(work.iterdir()) == []  # no JSON, no WAV, no temporary file


def test_outbox_voice_espeak_timeout(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subprocess, "run", _FakeEspeak(raise_timeout=True))
    with pytest.raises(GatewayError, match="did not finish") as info:
        OutboxGateway(work, espeak=sys.executable).place_voice_call(PHONE, VOICE_TEXT)
    _assert_no_secret(info.value)
    assert list(work.iterdir()) == []


def test_outbox_voice_espeak_without_audio(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # espeak-ng exits 0 even when it cannot write the WAV file.
    monkeypatch.setattr(subprocess, "run", _FakeEspeak(returncode=0))
    with pytest.raises(GatewayError, match="produced no audio") as info:
        OutboxGateway(work, espeak=sys.executable).place_voice_call(PHONE, VOICE_TEXT)
    _assert_no_secret(info.value)
    assert list(work.iterdir()) == []


def test_outbox_voice_command_line(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _FakeEspeak(write_wav=True)
    monkeypatch.setattr(subprocess, "run", fake)
    OutboxGateway(work, espeak=sys.executable).place_voice_call(PHONE, VOICE_TEXT)
    [call] = fake.calls
    args = call["args"]
    assert isinstance(args, list)
    assert args[0] == shutil.which(sys.executable)
    assert args[args.index("-s") + 1] == "140"
    assert "-w" in args
    # The text goes through standard input: not in the process list, not in error messages.
    assert call["input"] == VOICE_TEXT.encode()
    assert not any(CODE in arg or SPOKEN in arg for arg in args)
    assert call.get("shell", False) is False
    assert call["timeout"] > 0
    [message] = read_messages(work)
    assert message.audio is not None
    assert message.audio.exists()


# --------------------------------------------------------------------------- Twilio stand-in


@dataclass
class _Recorded:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class _FakeTwilio:
    """A local stand-in for api.twilio.com."""

    server: ThreadingHTTPServer
    requests: list[_Recorded] = field(default_factory=list)
    status: int = 201
    body: dict[str, Any] | None = None
    stall: threading.Event | None = None

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"


def _make_handler(fake_ref: list[_FakeTwilio]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            fake = fake_ref[0]
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length).decode()
            form = {key: values[0] for key, values in parse_qs(raw).items()}
            fake.requests.append(_Recorded("POST", self.path, dict(self.headers), form))
            if fake.stall is not None:
                fake.stall.wait(timeout=30)
                return
            if fake.body is not None:
                body = fake.body
            elif self.path.endswith("/Calls.json"):
                body = {"sid": "CA" + "1" * 32, "status": "queued", "to": form.get("To")}
            else:
                body = {"sid": "SM" + "2" * 32, "status": "queued", "to": form.get("To")}
            payload = json.dumps(body).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


@pytest.fixture
def fake_twilio(monkeypatch: pytest.MonkeyPatch) -> Iterator[_FakeTwilio]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    fake_ref: list[_FakeTwilio] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(fake_ref))
    server.daemon_threads = True
    fake = _FakeTwilio(server)
    fake_ref.append(fake)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield fake
    finally:
        if fake.stall is not None:
            fake.stall.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def twilio(fake_twilio: _FakeTwilio) -> Iterator[TwilioGateway]:
    with TwilioGateway(SID, TOKEN, FROM, api_base=fake_twilio.base) as gateway:
        yield gateway


def _basic_auth() -> str:
    return "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()


def test_twilio_sms_request(fake_twilio: _FakeTwilio, twilio: TwilioGateway) -> None:
    twilio.send_sms(PHONE, SMS_TEXT)
    [request] = fake_twilio.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.form == {"To": PHONE, "From": FROM, "Body": SMS_TEXT}
    assert request.headers["Authorization"] == _basic_auth()


def test_twilio_voice_request(fake_twilio: _FakeTwilio, twilio: TwilioGateway) -> None:
    twilio.place_voice_call(PHONE, VOICE_TEXT)
    [request] = fake_twilio.requests
    assert request.path == f"/2010-04-01/Accounts/{SID}/Calls.json"
    assert request.headers["Authorization"] == _basic_auth()
    assert request.form["To"] == PHONE
    assert request.form["From"] == FROM
    root = ET.fromstring(request.form["Twiml"])
    assert root.tag == "Response"
    assert [child.tag for child in root] == ["Say", "Pause", "Say"]
    says = [child.text or "" for child in root if child.tag == "Say"]
    assert all(SPOKEN in said for said in says)
    assert root[1].get("length") == "1"


def test_api_base_with_a_path_prefix(fake_twilio: _FakeTwilio) -> None:
    with TwilioGateway(SID, TOKEN, FROM, api_base=fake_twilio.base + "/relay/") as gateway:
        gateway.send_sms(PHONE, SMS_TEXT)
    assert fake_twilio.requests[0].path == f"/relay/2010-04-01/Accounts/{SID}/Messages.json"


def test_twilio_refusal(
    fake_twilio: _FakeTwilio, twilio: TwilioGateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_twilio.status = 400
    fake_twilio.body = {
        "code": 21211,
        "message": f"The 'To' number {PHONE} is not a valid phone number.",
        "more_info": "https://www.twilio.com/docs/errors/21211",
        "status": 400,
    }
    with pytest.raises(GatewayError) as info:
        twilio.send_sms(PHONE, SMS_TEXT)
    assert str(info.value).startswith("The SMS provider refused the message (error 21211)")
    _assert_no_secret(info.value)

    with pytest.raises(GatewayError) as info:
        twilio.place_voice_call(PHONE, VOICE_TEXT)
    assert "refused the call (error 21211)" in str(info.value)
    _assert_no_secret(info.value)
    for secret in (CODE, SPOKEN, TOKEN):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (401, 20003, "did not accept the server's credentials (error 20003)"),
        (429, 20429, "busy (error 20429)"),
        (503, None, "not available right now (HTTP 503)"),
        (400, 99999, "refused the message (error 99999)."),
    ],
)
def test_twilio_error_statuses(
    fake_twilio: _FakeTwilio, twilio: TwilioGateway, status: int, code: int | None, expected: str
) -> None:
    fake_twilio.status = status
    fake_twilio.body = {"message": "nope", "status": status}
    if code is not None:
        fake_twilio.body["code"] = code
    with pytest.raises(GatewayError) as info:
        twilio.send_sms(PHONE, SMS_TEXT)
    assert expected in str(info.value)
    _assert_no_secret(info.value)


def test_twilio_unreadable_answer(fake_twilio: _FakeTwilio, twilio: TwilioGateway) -> None:
    # A success status whose body is not JSON, e.g. from a misconfigured relay.
    fake_twilio.server.RequestHandlerClass = _make_not_json_handler()
    with pytest.raises(GatewayError, match="could not read") as info:
        twilio.send_sms(PHONE, SMS_TEXT)
    _assert_no_secret(info.value)


def _make_not_json_handler() -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            payload = b"<html>proxy error page</html>"
            self.send_response(201)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_twilio_unreachable(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    caplog.set_level(logging.DEBUG)
    base = f"http://127.0.0.1:{_closed_port()}"
    with TwilioGateway(SID, TOKEN, FROM, api_base=base) as gateway:
        with pytest.raises(GatewayError, match="SMS provider could not be reached") as info:
            gateway.send_sms(PHONE, SMS_TEXT)
        _assert_no_secret(info.value)
        with pytest.raises(GatewayError, match="voice call provider could not be reached") as info:
            gateway.place_voice_call(PHONE, VOICE_TEXT)
        _assert_no_secret(info.value)
    for secret in (CODE, SPOKEN, TOKEN):
        assert secret not in caplog.text


def test_twilio_timeout(fake_twilio: _FakeTwilio) -> None:
    fake_twilio.stall = threading.Event()
    with (
        TwilioGateway(SID, TOKEN, FROM, api_base=fake_twilio.base, timeout=0.3) as gateway,
        pytest.raises(GatewayError, match="did not answer in time") as info,
    ):
        gateway.send_sms(PHONE, SMS_TEXT)
    _assert_no_secret(info.value)
    fake_twilio.stall.set()


def test_twilio_repr_hides_the_token() -> None:
    with TwilioGateway(SID, TOKEN, FROM, api_base="http://127.0.0.1:9") as gateway:
        text = repr(gateway)
    assert TOKEN not in text
    assert SID in text
    assert FROM in text


@pytest.mark.parametrize("api_base", ["ftp://example.com", "127.0.0.1:8080", "http://"])
def test_twilio_bad_api_base(api_base: str) -> None:
    with pytest.raises(ValueError, match="api_base"):
        TwilioGateway(SID, TOKEN, FROM, api_base=api_base)


def test_twilio_needs_credentials() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        TwilioGateway(SID, "", FROM)


def test_build_twiml() -> None:
    root = ET.fromstring(build_twiml("one\n\n  two  \n"))
    assert [(child.tag, child.text) for child in root] == [
        ("Say", "one"),
        ("Pause", None),
        ("Say", "two"),
    ]
    assert [child.tag for child in ET.fromstring(build_twiml("only line"))] == ["Say"]
    with pytest.raises(ValueError, match="empty"):
        build_twiml(" \n ")


# --------------------------------------------------------------------------- load_gateway

TWILIO_ENV = {
    "TWILIO_ACCOUNT_SID": SID,
    "TWILIO_AUTH_TOKEN": TOKEN,
    "TWILIO_FROM_NUMBER": FROM,
}


def test_gateway_names() -> None:
    assert GATEWAY_NAMES == ("outbox", "twilio")


def test_load_outbox_gateway(work: Path) -> None:
    gateway = load_gateway("outbox", data_dir=work, env={})
    assert isinstance(gateway, OutboxGateway)
    assert gateway.outbox_dir == work / "outbox"
    gateway.send_sms(PHONE, SMS_TEXT)
    assert [m.text for m in read_messages(work / "outbox")] == [SMS_TEXT]


def test_load_twilio_gateway(work: Path, fake_twilio: _FakeTwilio) -> None:
    env = {**TWILIO_ENV, "TWILIO_API_BASE": fake_twilio.base}
    gateway = load_gateway("twilio", data_dir=work, env=env)
    assert isinstance(gateway, TwilioGateway)
    with gateway:
        gateway.send_sms(PHONE, SMS_TEXT)
    [request] = fake_twilio.requests
    assert request.form["From"] == FROM
    assert request.headers["Authorization"] == _basic_auth()


@pytest.mark.parametrize("missing", sorted(TWILIO_ENV))
def test_load_twilio_gateway_missing_variable(work: Path, missing: str) -> None:
    env = {key: value for key, value in TWILIO_ENV.items() if key != missing}
    with pytest.raises(ValueError, match=missing) as info:
        load_gateway("twilio", data_dir=work, env=env)
    for value in TWILIO_ENV.values():
        assert value not in str(info.value)
    blank = {**TWILIO_ENV, missing: "  "}
    with pytest.raises(ValueError, match=missing):
        load_gateway("twilio", data_dir=work, env=blank)


def test_load_twilio_gateway_all_missing(work: Path) -> None:
    with pytest.raises(ValueError, match="variables") as info:
        load_gateway("twilio", data_dir=work, env={})
    for name in TWILIO_ENV:
        assert name in str(info.value)


def test_load_unknown_gateway(work: Path) -> None:
    with pytest.raises(ValueError, match="Unknown") as info:
        load_gateway("carrier-pigeon", data_dir=work, env=TWILIO_ENV)
    assert "outbox" in str(info.value)
    assert "twilio" in str(info.value)
