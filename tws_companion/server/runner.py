"""Run the server with uvicorn: one process, or several workers sharing one listening socket.

With ``--port 0`` the operating system picks a free port; the first line on standard output is
``listening on http://HOST:PORT`` once the socket is bound, so a test or a script can read it.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import sys
import threading
from typing import Any, Self, TextIO

import uvicorn
from fastapi import FastAPI
from uvicorn.config import LOGGING_CONFIG
from uvicorn.supervisors import Multiprocess

from tws_companion.server.app import create_app
from tws_companion.server.config import CONFIG_ENV_VAR, ServerConfig, build_context
from tws_companion.server.context import ServerContext
from tws_companion.server.errors import AnswerCutShortError


class CutShortAnswers(logging.Filter):
    """Leaves out uvicorn's report of an answer the app cut short on purpose
    (:class:`.errors.AnswerCutShortError`: a download whose copy aged out meanwhile). The app
    notes each at INFO; uvicorn would log it at ERROR with a traceback, as if the server had
    failed."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, AnswerCutShortError)


#: uvicorn's logging configuration, with :class:`CutShortAnswers` on its error log.
LOG_CONFIG: dict[str, Any] = {
    **LOGGING_CONFIG,
    "filters": {"cut_short_answers": {"()": CutShortAnswers}},
    "loggers": {
        **LOGGING_CONFIG["loggers"],
        "uvicorn.error": {
            **LOGGING_CONFIG["loggers"]["uvicorn.error"],
            "filters": ["cut_short_answers"],
        },
    },
}


def app_from_environment() -> FastAPI:
    """The app factory uvicorn's worker processes call (configuration in the environment)."""
    app = create_app(build_context(ServerConfig.from_json(os.environ[CONFIG_ENV_VAR])))
    freeze_startup_objects()
    return app


def freeze_startup_objects() -> None:
    """Move every object made so far (the modules, the app, its routes and models) out of the
    cyclic garbage collector's reach (:func:`gc.freeze`): they live as long as the process, and a
    full collection walking all of them stopped the server for tens of milliseconds every few
    hundred requests, the slowest ``respond`` of a run (benchmarks/README.md, login.py)."""
    gc.collect()
    gc.freeze()


def listening_socket(config: uvicorn.Config) -> socket.socket:
    """uvicorn's bound socket, listening, with Nagle's algorithm off.

    It listens before the address is announced, so a client that connects at once waits in the
    backlog instead of being refused. uvicorn writes a response's head and body separately; with
    Nagle on, the body of a kept-alive request waited ~40 ms for the client's delayed ACK.
    Accepted connections inherit TCP_NODELAY.
    """
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.listen(config.backlog)
    return sock


def url_for(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    config: ServerConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    workers: int = 1,
    forwarded_allow_ips: str | None = None,
    out: TextIO = sys.stdout,
) -> None:
    """Serve until stopped. Client addresses come from the connection; forwarding headers
    (X-Forwarded-For) are believed only from the proxies in ``forwarded_allow_ips``, else anyone
    could claim an allowed address and pass IP restrictions."""
    proxies: dict[str, Any] = {"proxy_headers": bool(forwarded_allow_ips)}
    if forwarded_allow_ips:
        proxies["forwarded_allow_ips"] = forwarded_allow_ips
    if workers > 1:
        # Create the master key and the tables once, here, before the workers race to.
        build_context(config).db.dispose()
        os.environ[CONFIG_ENV_VAR] = config.to_json()
        uv_config = uvicorn.Config(
            "tws_companion.server.runner:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            log_config=LOG_CONFIG,
            server_header=False,
            **proxies,
        )
    else:
        uv_config = uvicorn.Config(
            create_app(build_context(config)),
            host=host,
            port=port,
            log_level="warning",
            log_config=LOG_CONFIG,
            server_header=False,
            **proxies,
        )
    sock = listening_socket(uv_config)
    bound_port = sock.getsockname()[1]
    print(f"listening on {url_for(host, bound_port)}", file=out, flush=True)
    if workers > 1:
        Multiprocess(uv_config, sockets=[sock]).run()
    else:
        freeze_startup_objects()
        uvicorn.Server(uv_config).run(sockets=[sock])


class EmbeddedServer:
    """The server on a loopback port in a background thread of this process (the demo), on a
    context built from a configuration (:meth:`from_config`) or given (a test's own).

    ``start()`` returns once the socket listens; ``stop()`` asks uvicorn to finish, waits, and
    closes the context's database.
    """

    def __init__(self, context: ServerContext, host: str = "127.0.0.1", port: int = 0) -> None:
        self.context = context
        self._config = uvicorn.Config(
            create_app(self.context), host=host, port=port, log_level="warning",
            log_config=LOG_CONFIG, server_header=False, proxy_headers=False,
        )  # fmt: skip
        self._server = uvicorn.Server(self._config)
        self._thread: threading.Thread | None = None
        self.url = ""

    @classmethod
    def from_config(cls, config: ServerConfig, host: str = "127.0.0.1", port: int = 0) -> Self:
        return cls(build_context(config), host, port)

    def start(self) -> str:
        sock = listening_socket(self._config)
        self.url = url_for(self._config.host, sock.getsockname()[1])
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="sls-server", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self.context.db.dispose()
