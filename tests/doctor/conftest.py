"""Fixtures of the doctor's tests: real local servers (the app's own on loopback, and https
servers with certificates made here: trusted, self-signed, expired, for another host), and a
home folder of the test's own."""

from __future__ import annotations

import json
import os
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tws_companion.server.config import ServerConfig
from tws_companion.server.runner import EmbeddedServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's home folder (``Path.home()``, where ``IBJts`` goes)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app's server (uvicorn, in a thread of this process) on loopback; its URL."""
    server = EmbeddedServer.from_config(ServerConfig(data_dir=tmp_path_factory.mktemp("server")))
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


# --- certificates -----------------------------------------------------------------------------


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass
class Authority:
    """A certificate authority made for one test: its certificate file, and leaf certificates
    signed by it (or self-signed) written next to it."""

    folder: Path
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def ca_file(self) -> Path:
        path = self.folder / "ca.pem"
        path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return path

    def leaf(
        self,
        name: str,
        *,
        hosts: tuple[str, ...] = ("localhost",),
        addresses: tuple[str, ...] = ("127.0.0.1",),
        valid_from: timedelta = timedelta(days=-1),
        valid_until: timedelta = timedelta(days=90),
        self_signed: bool = False,
    ) -> tuple[Path, Path]:
        """(certificate file, key file) of a server certificate for ``hosts`` and ``addresses``,
        valid from/until these offsets from now."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        sans: list[x509.GeneralName] = [x509.DNSName(host) for host in hosts]
        sans += [x509.IPAddress(IPv4Address(address)) for address in addresses]
        issuer, signer = (_name(name), key) if self_signed else (self.cert.subject, self.key)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + valid_from)
            .not_valid_after(now + valid_until)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(signer, hashes.SHA256())
        )
        cert_file = self.folder / f"{name}.pem"
        key_file = self.folder / f"{name}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_file, key_file


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Doctor Test CA"))
        .issuer_name(_name("Doctor Test CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=2))
        .not_valid_after(now + timedelta(days=400))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path / "pki"
    folder.mkdir()
    return Authority(folder, key, cert)


# --- a real https server ----------------------------------------------------------------------


class _Health(BaseHTTPRequestHandler):
    """Answers ``GET /api/v1/health`` as the app's server does (with a ``Date`` header)."""

    def do_GET(self) -> None:
        if self.path == "/api/v1/health":
            body = json.dumps({"status": "ok", "version": "9.9.9"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        else:
            body = b"<html>not here</html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that drops the handshake (an untrusted certificate) is expected here."""


#: Starts an https server on 127.0.0.1 with (certificate file, key file); returns its port.
HttpsServer = Callable[[tuple[Path, Path]], int]


@pytest.fixture
def https_server() -> Iterator[HttpsServer]:
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(files: tuple[Path, Path]) -> int:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*files)
        server = _QuietServer(("127.0.0.1", 0), _Health)
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return int(server.server_address[1])

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def plain_server() -> Iterator[str]:
    """An http server on loopback that is not the app's (404 everywhere but health... which it
    does not have either: it answers every path with an HTML 404)."""

    class NotOurs(_Health):
        def do_GET(self) -> None:
            self.path = "/elsewhere"
            super().do_GET()

    server = _QuietServer(("127.0.0.1", 0), NotOurs)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)
