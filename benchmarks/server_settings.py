"""Settings on the server: transfer rates beside a bare loopback transfer, and many savers.

Run: ``.venv/bin/python benchmarks/server_settings.py [--size-mb 5] [--runs 5] [--clients 50]
[--seconds 30]`` (``--help`` for the rest).

Two servers run as subprocesses on 127.0.0.1, started as ``benchmarks/login.py`` starts its own
(``--port 0``, the product's ``listening_socket``, ``listening on http://H:PORT`` first):

* the real one, ``tws-companion serve`` on a temporary data folder with generated users, each
  logged in once (a full login with its IB Key) for a session token;
* the floor: a bare ASGI callable (this file, ``--serve bare``) that reads a ``PUT`` body whole
  and answers a ``GET`` with the same number of bytes: the fastest this client moves those bytes
  over loopback through uvicorn.

Figures: (1) ``PUT /me/settings`` and ``GET /me/settings`` of a ``--size-mb`` envelope (random
bytes: the server keeps envelopes opaque), MB/s as the median of ``--runs``, beside the floor's
PUT and GET of the same bytes; the target is at least half the floor's rate. (2) ``--clients``
clients (five per user) each saving a small copy in a loop for ``--seconds``, every save based on
the copy the client last saw, fetching the current copy again after a 412, as a client keeping
its user's edits does: saves per second, 412s, 5xx (target 0), and lost updates (target 0),
checked from the clients' own records: each user's accepted saves, in number order, must each
be based on the one before. Every loop is bounded by a count and a time; the servers stop on
exit. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.login import (  # noqa: E402  (the servers and the users of the benchmarks)
    HOST,
    BenchUser,
    Client,
    Server,
    cpu_seconds,
    make_users,
    scenario_toml,
    start_server,
    stop_server,
    tws_companion_command,
)
from tws_companion.protocol import (  # noqa: E402
    API_PREFIX,
    ETAG_HEADER,
    SETTINGS_MEDIA_TYPE,
    VERSION_HEADER,
)
from tws_companion.server.runner import listening_socket  # noqa: E402

THIS = [sys.executable, str(Path(__file__).resolve())]
USERS_PER_SAVER_GROUP = 5
#: The size of each save of the many-savers loop (a usual layout is tens of kilobytes).
SMALL_SAVE_BYTES = 32 * 1024
REQUEST_TIMEOUT = 60.0
#: The savers' loop also stops after this many saves in all, whatever ``--seconds`` says.
MAX_SAVES = 200_000

Message = MutableMapping[str, Any]


# --- the floor, served from this file ------------------------------------------------------------


def make_bare_app() -> Callable[..., Awaitable[None]]:
    """Read a request body whole; answer ``GET`` with as many bytes as the last ``PUT`` held."""
    held = {"size": 0}

    async def app(
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            return
        size = 0
        more_body = True
        while more_body:
            message = await receive()
            size += len(message.get("body", b""))
            more_body = bool(message.get("more_body", False))
        body = b""
        if scope["method"] == "PUT":
            held["size"] = size
        elif scope["path"] != "/health":
            body = bytes(held["size"])
        headers = [
            (b"content-type", SETTINGS_MEDIA_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def serve_bare() -> None:
    import uvicorn

    config = uvicorn.Config(
        make_bare_app(),
        host=HOST,
        port=0,
        log_level="warning",
        server_header=False,
        lifespan="off",
    )
    sock = listening_socket(config)
    print(f"listening on http://{HOST}:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(config).run(sockets=[sock])


# --- the client -----------------------------------------------------------------------------------


def login_token(client: Client, session: requests.Session, index: int) -> str:
    """A full login of benchmark user ``index``: its session token."""
    login_id, user = client.open_login(session, index)
    prepared = client.select(session, login_id, user)
    response = session.post(
        f"{client.api}/login/{prepared.login_id}/respond",
        json={"response": prepared.response},
        timeout=REQUEST_TIMEOUT,
    )
    response.raise_for_status()
    token: str = response.json()["session"]["token"]
    return token


def put(
    session: requests.Session,
    url: str,
    data: bytes,
    *,
    token: str | None = None,
    if_match: str | None = None,
) -> requests.Response:
    headers = {"Content-Type": SETTINGS_MEDIA_TYPE, "X-Machine-Name": "bench"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if if_match is not None:
        headers["If-Match"] = if_match
    return session.put(url, data=data, headers=headers, timeout=REQUEST_TIMEOUT)


def get(session: requests.Session, url: str, *, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return session.get(url, headers=headers, timeout=REQUEST_TIMEOUT)


@dataclass(frozen=True)
class Transfer:
    label: str
    megabytes_per_second: list[float]
    #: CPU seconds the serving process used for each transfer (None off Linux).
    cpu_seconds: list[float] | None

    @property
    def median(self) -> float:
        return statistics.median(self.megabytes_per_second)

    @property
    def cpu_ms(self) -> float | None:
        return None if not self.cpu_seconds else statistics.mean(self.cpu_seconds) * 1000


class Timed:
    """The rate and the serving process's CPU time of each transfer of one kind."""

    def __init__(self, server: Server, size: int) -> None:
        self.server = server
        self.size = size
        self.rates: list[float] = []
        self.cpu: list[float] | None = []

    def run(self, transfer: Callable[[bytes], None], data: bytes) -> None:
        cpu_before = cpu_seconds(self.server)
        began = time.perf_counter()
        transfer(data)
        took = time.perf_counter() - began
        cpu_after = cpu_seconds(self.server)
        self.rates.append(self.size / took / 1e6)
        if cpu_before is None or cpu_after is None or self.cpu is None:
            self.cpu = None
        else:
            self.cpu.append(cpu_after - cpu_before)

    def result(self, label: str) -> Transfer:
        return Transfer(label, self.rates, self.cpu)


def measure_transfers(
    server: Server, bare: Server, token: str, size: int, runs: int
) -> list[tuple[Transfer, Transfer]]:
    """PUT and GET of ``size`` bytes, on the server and on the floor, in alternation."""
    settings_url = f"{server.url}{API_PREFIX}/me/settings"
    bare_url = f"{bare.url}/settings"
    timed = {
        "put": Timed(server, size),
        "get": Timed(server, size),
        "bare put": Timed(bare, size),
        "bare get": Timed(bare, size),
    }
    with requests.Session() as session:
        # A database given with --db may hold the copies of an earlier run.
        etag: str | None = get(session, settings_url, token=token).headers.get(ETAG_HEADER)

        def save(data: bytes) -> None:
            nonlocal etag
            saved = put(session, settings_url, data, token=token, if_match=etag)
            if saved.status_code != 200:
                raise RuntimeError(f"PUT /me/settings: {saved.status_code} {saved.text[:200]}")
            etag = saved.headers[ETAG_HEADER]

        def fetch(data: bytes) -> None:
            fetched = get(session, settings_url, token=token)
            if fetched.status_code != 200 or fetched.content != data:
                raise RuntimeError(f"GET /me/settings: {fetched.status_code}, not the bytes put")

        def bare_save(data: bytes) -> None:
            put(session, bare_url, data).raise_for_status()

        def bare_fetch(data: bytes) -> None:
            answer = get(session, bare_url)
            answer.raise_for_status()
            if len(answer.content) != len(data):
                raise RuntimeError("the floor did not answer with the bytes put")

        for _ in range(runs):
            data = os.urandom(size)
            timed["put"].run(save, data)
            timed["get"].run(fetch, data)
            timed["bare put"].run(bare_save, data)
            timed["bare get"].run(bare_fetch, data)
    return [
        (timed["put"].result("upload (PUT /me/settings)"), timed["bare put"].result("bare PUT")),
        (timed["get"].result("download (GET /me/settings)"), timed["bare get"].result("bare GET")),
    ]


@dataclass
class SaverRecords:
    """What the savers of one user saw: each accepted save as (number, its base's ETag, ETag)."""

    accepted: list[tuple[int, str | None, str]] = field(default_factory=list)


@dataclass
class SaversResult:
    saves: int = 0
    refused: int = 0  # 412: another client saved first; the client fetched and tried again
    server_errors: int = 0
    other_errors: int = 0
    first_error: str | None = None
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    lost_updates: int = 0


def run_savers(server: Server, tokens: Sequence[str], clients: int, seconds: float) -> SaversResult:
    """``clients`` clients (spread over the users of ``tokens``) saving until ``seconds`` pass."""
    url = f"{server.url}{API_PREFIX}/me/settings"
    result = SaversResult()
    records = [SaverRecords() for _ in tokens]
    # Each user's copy before the savers start (a database given with --db may hold some).
    starts: list[tuple[int, str | None]] = []
    with requests.Session() as session:
        for token in tokens:
            found = get(session, url, token=token)
            if found.status_code == 200:
                starts.append((int(found.headers[VERSION_HEADER]), found.headers[ETAG_HEADER]))
            else:
                starts.append((0, None))
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    halt = threading.Event()

    def saver(index: int) -> None:
        user = index % len(tokens)
        token = tokens[user]
        with requests.Session() as session:
            current = get(session, url, token=token)
            base: str | None = current.headers.get(ETAG_HEADER)
            while not halt.is_set() and time.perf_counter() < deadline:
                data = os.urandom(SMALL_SAVE_BYTES)
                began = time.perf_counter()
                try:
                    answer = put(session, url, data, token=token, if_match=base)
                except requests.RequestException as exc:
                    with lock:
                        result.other_errors += 1
                        result.first_error = result.first_error or repr(exc)
                    continue
                took = time.perf_counter() - began
                with lock:
                    if answer.status_code == 200:
                        saved = answer.json()
                        records[user].accepted.append((saved["number"], base, saved["etag"]))
                        result.saves += 1
                        result.latencies.append(took)
                        base = saved["etag"]
                    elif answer.status_code in (412, 428):
                        result.refused += 1
                        base = answer.headers.get(ETAG_HEADER)  # the copy to build on now
                    elif answer.status_code >= 500:
                        result.server_errors += 1
                        result.first_error = result.first_error or answer.text[:200]
                    else:
                        result.other_errors += 1
                        result.first_error = result.first_error or answer.text[:200]
                    if result.saves + result.refused >= MAX_SAVES:
                        halt.set()

    began = time.perf_counter()
    threads = [threading.Thread(target=saver, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - began
    for record, (start_number, start_etag) in zip(records, starts, strict=True):
        previous, expected = start_etag, start_number + 1
        for number, based_on, etag in sorted(record.accepted):
            if number != expected or based_on != previous:
                result.lost_updates += 1  # accepted without being based on the copy before it
            previous, expected = etag, number + 1
    return result


# --- the run --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=5.0, help="size of the transferred copy")
    parser.add_argument("--runs", type=int, default=5, help="transfers of each kind (median)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent savers")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the savers save")
    parser.add_argument(
        "--db", help="the server's database URL (default: SQLite in the temporary data folder)"
    )
    parser.add_argument("--serve", choices=["bare"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve == "bare":
        serve_bare()
        return 0
    size = int(args.size_mb * 1_000_000)
    # One user for the transfers, and one per five savers.
    user_count = 1 + max(1, -(-args.clients // USERS_PER_SAVER_GROUP))
    users: list[BenchUser] = make_users(user_count)
    started: list[Server] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tws-bench-settings-") as folder:
        work = Path(folder)
        scenario = work / "bench.toml"
        scenario.write_text(scenario_toml(users), encoding="utf-8")
        try:
            progress(f"starting the server ({user_count} users) and the floor...")
            serve = [*tws_companion_command(), "serve", "--host", HOST, "--port", "0"]
            serve += ["--data-dir", str(work / "data"), "--scenario", str(scenario)]
            if args.db:
                serve += ["--db", args.db]
            server = start_server("server", serve, work / "server.log", f"{API_PREFIX}/health")
            started.append(server)
            bare = start_server("bare", [*THIS, "--serve", "bare"], work / "bare.log", "/health")
            started.append(bare)

            progress("logging the users in...")
            client = Client(server.url, users)
            with requests.Session() as session:
                tokens = [login_token(client, session, i) for i in range(user_count)]

            progress(f"transferring {args.size_mb:g} MB, {args.runs} times each way...")
            transfers = measure_transfers(server, bare, tokens[0], size, args.runs)
            progress(f"{args.clients} clients saving for {args.seconds:g} s...")
            savers = run_savers(server, tokens[1:], args.clients, args.seconds)
        finally:
            for running in started:
                stop_server(running)

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    database = "PostgreSQL" if args.db and args.db.startswith("postgresql") else "SQLite"
    print(f"{now}, CPython {sys.version.split()[0]}, {os.cpu_count()} cores, {database}")
    print(
        f"{'transfer of ' + format(args.size_mb, 'g') + ' MB':<30}{'MB/s':>8}"
        f"{'floor':>8}{'ratio':>7}  {'CPU ms':>7}{'floor':>7}  target >= 0.5"
    )
    missed = False
    for measured, floor in transfers:
        ratio = measured.median / floor.median
        verdict = "ok" if ratio >= 0.5 else "TOO SLOW"
        missed |= ratio < 0.5
        print(
            f"{measured.label:<30}{measured.median:>8.1f}{floor.median:>8.1f}"
            f"{ratio:>6.2f}x  {_ms(measured.cpu_ms):>7}{_ms(floor.cpu_ms):>7}  {verdict}"
        )
    p50 = statistics.median(savers.latencies) * 1000 if savers.latencies else float("nan")
    p99 = (
        statistics.quantiles(savers.latencies, n=100, method="inclusive")[98] * 1000
        if len(savers.latencies) > 1
        else float("nan")
    )
    print(
        f"{args.clients} clients saving {SMALL_SAVE_BYTES // 1024} KB copies "
        f"({user_count - 1} users) for {savers.elapsed:.0f} s: "
        f"{savers.saves / savers.elapsed:.1f} saves/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"{savers.refused} refused as stale (412), {savers.server_errors} 5xx, "
        f"{savers.other_errors} other errors, {savers.lost_updates} lost updates"
    )
    if savers.first_error:
        print(f"first error: {savers.first_error}")
    missed |= savers.server_errors > 0 or savers.lost_updates > 0 or savers.other_errors > 0
    print(f"total {time.perf_counter() - began:.0f} s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
