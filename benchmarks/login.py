"""Login throughput and latency of the real server, each figure beside its floor or ceiling.

Run: ``.venv/bin/python benchmarks/login.py [--seconds N] [--concurrency N]``
(``--help`` lists the other bounds).

Three servers run as subprocesses on 127.0.0.1, each started the same way (``--port 0``, bound
with the product's ``tws_companion.server.runner.listening_socket``, the first line on standard
output is ``listening on http://H:PORT``):

* the real one, ``tws-companion serve`` on a temporary data folder with a generated scenario of
  benchmark users, real default Argon2id parameters;
* the floor: a tiny FastAPI app (this file, ``--serve floor``) whose one route verifies an Argon2id
  hash with the project's ``Passwords``, same parameters and same concurrency bound. A login does
  one such check, so logins per second cannot beat verifies per second;
* the ceiling: a bare ASGI callable answering 200 JSON (``--serve bare``), the most requests per
  second this client gets through uvicorn on this machine;
* the framework floor: FastAPI with the server's request limits and error handlers, and a route
  at ``respond``'s path that takes its body and dependencies like the server's route, goes to the
  writer thread like it, and answers a fixed session (``--serve noop``): what ``respond`` costs
  before it does any work.

Figures: (0) the first full logins after start, on a row of their own (a new process's one-time
work, kept out of the rates); (1) full logins per second (login, device, respond with a correct
OCRA response) beside the floor, the two measured in alternating rounds (``--rounds``); (2)
``respond`` requests per second on logins prepared in advance beside the ceiling and the
framework floor; (3) ``respond`` latency from one client, idle and while ``/login`` floods keep
every password-check slot busy. Every loop is bounded by a count and by a time; all subprocesses
stop on exit.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import queue
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any, Generic, TypeVar

import requests
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from tws_companion.protocol import API_PREFIX, Scope
from tws_companion.protocol import models as wire
from tws_companion.protocol.models import LoginDone, RespondRequest
from tws_companion.server.deps import Context, LoginId, in_writer
from tws_companion.server.errors import install_error_handlers
from tws_companion.server.limits import RequestLimits
from tws_companion.server.passwords import HashParameters, Passwords
from tws_companion.server.runner import listening_socket
from tws_companion.server.write_queue import WriterThread
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE
from tws_companion.sls.ocra import compute_response

HOST = "127.0.0.1"
LISTENING = re.compile(r"listening on (http://\S+)")
STARTUP_TIMEOUT = 120.0  # seconds; loading the scenario hashes every benchmark user's password
REQUEST_TIMEOUT = 60.0
#: A measured loop gives up after this many failed requests (they are reported, not hidden).
MAX_ERRORS = 20
FLOOR_PASSWORD = "floor-password-1"
#: A flood stops when told to; these are the bounds in case it is not.
FLOOD_MAX_SECONDS = 300.0
FLOOD_MAX_LOGINS = 10_000

T = TypeVar("T")


# --- the floor and the ceiling, served from this file ------------------------------------------


class VerifyRequest(BaseModel):
    password: str


def floor_app(password_concurrency: int) -> FastAPI:
    """One route: verify an Argon2id hash exactly as ``POST /login`` does (default parameters,
    the same bounded limiter)."""
    passwords = Passwords(HashParameters(), password_concurrency)
    password_hash = passwords.hash(FLOOR_PASSWORD)
    app = FastAPI()

    async def verify(body: VerifyRequest) -> dict[str, bool]:
        return {"ok": await passwords.verify_async(password_hash, body.password)}

    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app.add_api_route("/verify", verify, methods=["POST"])
    app.add_api_route("/health", health, methods=["GET"])
    return app


def noop_app() -> FastAPI:
    """The framework floor: ``respond``'s route as the server declares it (``app.py``: the same
    path, body model, dependencies, response model and hop to a writer thread, behind the same
    request limits and error handlers), answering a fixed session instead of checking anything."""
    done = LoginDone(
        session=wire.Session(token="t" * 43, expires_at=datetime.now(UTC), scope=Scope.FULL)
    )

    def answer(*_args: object) -> LoginDone:
        return done

    router = APIRouter(prefix=API_PREFIX)

    @router.post("/login/{login_id}/respond", response_model=LoginDone)
    async def respond(login_id: LoginId, body: RespondRequest, ctx: Context) -> LoginDone:
        return await in_writer(ctx, answer, ctx, login_id, body.response)

    @router.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app = FastAPI()
    # What ``Context`` hands the route: only the writer thread of a SQLite server's database.
    app.state.context = SimpleNamespace(db=SimpleNamespace(writer=WriterThread("noop-writer")))
    app.add_middleware(RequestLimits)
    install_error_handlers(app)
    app.include_router(router)
    return app


Message = MutableMapping[str, Any]
BARE_BODY = b'{"ok":true}'


async def bare_app(
    scope: MutableMapping[str, Any],
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    """The least an ASGI app can do: read the request, answer 200 with a small JSON body."""
    if scope["type"] != "http":
        return
    more_body = True
    while more_body:
        message = await receive()
        more_body = bool(message.get("more_body", False))
    headers = [(b"content-type", b"application/json"), (b"content-length", b"11")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BARE_BODY})


def serve_here(kind: str, password_concurrency: int) -> None:
    """Run the floor or the ceiling with uvicorn the way ``tws-companion serve`` runs the app
    (``tws_companion.server.runner.serve``: bind with ``listening_socket``, print the address,
    serve on that socket)."""
    import uvicorn

    apps: dict[str, Callable[[], Any]] = {
        "floor": lambda: floor_app(password_concurrency),
        "noop": noop_app,
        "bare": lambda: bare_app,
    }
    config = uvicorn.Config(
        apps[kind](),
        host=HOST,
        port=0,
        log_level="warning",
        server_header=False,
        lifespan="off" if kind == "bare" else "auto",
    )
    sock = listening_socket(config)
    print(f"listening on http://{HOST}:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(config).run(sockets=[sock])


# --- subprocesses -------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str


def _first_line(stream: IO[bytes], timeout: float) -> str:
    """The first line of ``stream`` (then keeps draining it, so the child never blocks)."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        with contextlib.suppress(ValueError, OSError):  # the stream is closed when it stops
            for number, raw in enumerate(iter(stream.readline, b"")):
                if number == 0:
                    lines.put(raw.decode(errors="replace").strip())
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""


def start_server(name: str, argv: Sequence[str], log: Path, health_path: str) -> Server:
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log_file
        )
    assert process.stdout is not None
    line = _first_line(process.stdout, STARTUP_TIMEOUT)
    match = LISTENING.fullmatch(line)
    if match is None:
        stop_server(Server(name, process, ""))
        detail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{name} did not start (first line {line!r}); its log:\n{detail}")
    server = Server(name, process, match.group(1))
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        with contextlib.suppress(requests.RequestException):
            if requests.get(server.url + health_path, timeout=5).status_code == 200:
                return server
        if time.monotonic() > deadline or process.poll() is not None:
            stop_server(server)
            raise RuntimeError(f"{name} at {server.url} never answered {health_path}")
        time.sleep(0.05)


def cpu_seconds(server: Server) -> float | None:
    """User and system CPU time the server's process has used so far (from ``/proc``: Linux
    only, None elsewhere). One process per server here, so nothing runs in children."""
    try:
        stat = Path(f"/proc/{server.process.pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def on_server(server: Server, run: Callable[[], LoadResult[T]]) -> LoadResult[T]:
    """``run()``, noting the CPU time ``server`` used meanwhile: a figure of the server's own
    cost, much less disturbed than rates and latencies by other work on the machine."""
    before = cpu_seconds(server)
    result = run()
    after = cpu_seconds(server)
    if before is not None and after is not None:
        result.server_cpu = after - before
    return result


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
    if server.process.stdout is not None:
        server.process.stdout.close()


# --- benchmark users ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchUser:
    username: str
    password: str
    device_id: str
    key: bytes
    pin: str

    def response(self, challenge: str) -> str:
        return compute_response(IB_KEY_OCRA_SUITE, self.key, challenge, pin=self.pin)


def make_users(count: int) -> list[BenchUser]:
    return [
        BenchUser(
            username=f"bench{number:04d}",
            password=secrets.token_urlsafe(12),
            device_id=f"bench{number:04d}-ibkey",
            key=secrets.token_bytes(32),
            pin=f"{secrets.randbelow(10_000):04d}",
        )
        for number in range(count)
    ]


def scenario_toml(users: Sequence[BenchUser]) -> str:
    """Each user has an IB Key and a DSC+, so a login stops at the device drop-down (M2FS)."""
    parts = ["# Generated by benchmarks/login.py; throwaway secrets.\n"]
    for number, user in enumerate(users):
        parts.append(
            f"[[users]]\n"
            f"username = {json.dumps(user.username)}\n"
            f"password = {json.dumps(user.password)}\n"
            f'phone = "+1555{number:07d}"\n\n'
            f"[[users.devices]]\n"
            f"id = {json.dumps(user.device_id)}\n"
            f'kind = "ib_key"\nlabel = "IB Key"\n'
            f'secret_hex = "{user.key.hex()}"\npin = "{user.pin}"\n\n'
            f"[[users.devices]]\n"
            f'id = "{user.username}-dsc"\nkind = "dsc_plus"\nlabel = "DSC+"\n'
            f'secret_hex = "{secrets.token_hex(32)}"\npin = "{secrets.randbelow(10_000):04d}"\n\n'
        )
    return "".join(parts)


# --- load ---------------------------------------------------------------------------------------


class BenchError(Exception):
    """A request of a measured loop that did not get the answer a correct client gets."""


def post(session: requests.Session, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = session.post(url, json=body, timeout=REQUEST_TIMEOUT)
    if response.status_code != 200:
        raise BenchError(
            f"POST {url.split(API_PREFIX)[-1]}: {response.status_code} {response.text[:200]}"
        )
    answer: dict[str, Any] = response.json()
    return answer


@dataclass
class LoadResult(Generic[T]):
    """What a loop did: how many operations succeeded in how long, and each one's latency."""

    results: list[T] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    first_error: str | None = None
    elapsed: float = 0.0
    #: CPU seconds the server process used during the loop (see :func:`on_server`).
    server_cpu: float | None = None

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def cpu_per_operation(self) -> float | None:
        """Server CPU seconds per successful operation, when measured."""
        if self.server_cpu is None or not self.latencies:
            return None
        return self.server_cpu / len(self.latencies)

    @classmethod
    def combined(cls, parts: Sequence[LoadResult[T]]) -> LoadResult[T]:
        """The loops of ``parts`` as one: their operations, time and server CPU added up."""
        whole: LoadResult[T] = cls()
        cpu: float | None = 0.0
        for part in parts:
            whole.results += part.results
            whole.latencies += part.latencies
            whole.errors += part.errors
            whole.first_error = whole.first_error or part.first_error
            whole.elapsed += part.elapsed
            cpu = None if cpu is None or part.server_cpu is None else cpu + part.server_cpu
        whole.server_cpu = cpu
        return whole

    def percentile(self, p: int) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


def run_load(
    operation: Callable[[requests.Session, int], T],
    *,
    threads: int,
    seconds: float,
    limit: int,
    stop: threading.Event | None = None,
) -> LoadResult[T]:
    """``operation(session, index)`` for index 0, 1, ... from ``threads`` threads (one HTTP
    session each) until ``limit`` operations were started, ``seconds`` passed, ``stop`` is set or
    too many failed."""
    result: LoadResult[T] = LoadResult()
    lock = threading.Lock()
    next_index = 0
    halt = stop or threading.Event()
    start = time.perf_counter()
    deadline = start + seconds

    def worker() -> None:
        nonlocal next_index
        with requests.Session() as session:
            while not halt.is_set() and time.perf_counter() < deadline:
                with lock:
                    index = next_index
                    next_index += 1
                if index >= limit:
                    return
                began = time.perf_counter()
                try:
                    value = operation(session, index)
                except (BenchError, requests.RequestException, KeyError, ValueError) as exc:
                    with lock:
                        result.errors += 1
                        result.first_error = result.first_error or f"{type(exc).__name__}: {exc}"
                        if result.errors >= MAX_ERRORS:
                            halt.set()
                    continue
                took = time.perf_counter() - began
                with lock:
                    result.latencies.append(took)
                    result.results.append(value)

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, threads))]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    result.elapsed = time.perf_counter() - start
    return result


# --- the login protocol, as a client ----------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A login waiting at its IB Key challenge, and the correct response to it."""

    login_id: str
    response: str


class Client:
    def __init__(self, base_url: str, users: Sequence[BenchUser]) -> None:
        self.api = base_url + API_PREFIX
        self.users = list(users)

    def user(self, index: int) -> BenchUser:
        return self.users[index % len(self.users)]

    def open_login(self, session: requests.Session, index: int) -> tuple[str, BenchUser]:
        """Step 1 (the Argon2 check): a login waiting for a device to be picked."""
        user = self.user(index)
        started = post(
            session, f"{self.api}/login", {"username": user.username, "password": user.password}
        )
        if started.get("step") != "select_device":
            raise BenchError(f"login of {user.username} is at step {started.get('step')!r}")
        login_id: str = started["login_id"]
        return login_id, user

    def select(self, session: requests.Session, login_id: str, user: BenchUser) -> Prepared:
        """Step 2: pick the IB Key; compute the response the device would show."""
        step = post(session, f"{self.api}/login/{login_id}/device", {"device_id": user.device_id})
        return Prepared(login_id, user.response(step["challenge"]["code"]))

    def respond(self, session: requests.Session, prepared: Prepared) -> None:
        """Step 3: the response; a session token is the only acceptable answer."""
        done = post(
            session,
            f"{self.api}/login/{prepared.login_id}/respond",
            {"response": prepared.response},
        )
        if not done["session"]["token"]:
            raise BenchError("respond answered without a session token")

    def full_login(self, session: requests.Session, index: int) -> None:
        login_id, user = self.open_login(session, index)
        self.respond(session, self.select(session, login_id, user))

    def prepare(self, session: requests.Session, index: int) -> Prepared:
        login_id, user = self.open_login(session, index)
        return self.select(session, login_id, user)


# --- the figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    load: LoadResult[Any]
    note: str = ""
    show_rate: bool = True


def cpu_text(load: LoadResult[Any]) -> str:
    """The server CPU per operation of ``load``, for the table."""
    cpu = load.cpu_per_operation
    return "-" if cpu is None else f"{cpu * 1000:6.2f} ms"


def format_table(rows: Sequence[Row]) -> str:
    header = (
        f"{'measurement':<52} {'rate':>12} {'p50':>10} {'p99':>10} {'cpu/op':>9} {'n':>6}"
        f" {'err':>4}  note"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        load = row.load
        rate = f"{load.rate:8.1f} /s" if row.show_rate else "-"
        lines.append(
            f"{row.label:<52} {rate:>12} {load.percentile(50) * 1000:7.1f} ms"
            f" {load.percentile(99) * 1000:7.1f} ms {cpu_text(load):>9} {len(load.latencies):>6}"
            f" {load.errors:>4}  {row.note}".rstrip()
        )
    errors = [f"  {row.label.strip()}: {row.load.first_error}" for row in rows if row.load.errors]
    if errors:
        lines += ["", "first error of each loop with errors:", *errors]
    return "\n".join(lines)


@dataclass(frozen=True)
class Options:
    seconds: float
    rounds: int
    concurrency: int
    users: int
    samples: int
    respond_logins: int
    flood: int
    prepare_seconds: float
    password_concurrency: int


def parse_args(argv: Sequence[str] | None) -> tuple[Options, str | None]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="time bound of each figure")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of full logins and of the floor, alternated (each round --seconds long)",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client threads for rates")
    parser.add_argument("--users", type=int, default=24, help="benchmark users in the scenario")
    parser.add_argument(
        "--samples", type=int, default=200, help="respond latency samples, idle and under flood"
    )
    parser.add_argument(
        "--respond-logins", type=int, default=500, help="prepared logins for the respond rate"
    )
    parser.add_argument(
        "--flood", type=int, default=0, help="/login flood threads (default: 4 per core)"
    )
    parser.add_argument(
        "--prepare-seconds", type=float, default=30.0, help="time bound of each preparation"
    )
    parser.add_argument(
        "--password-concurrency",
        type=int,
        default=0,
        help="password checks at once, server and floor (default: one per core)",
    )
    parser.add_argument("--serve", choices=["floor", "noop", "bare"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    options = Options(
        seconds=args.seconds,
        rounds=max(1, args.rounds),
        concurrency=max(1, args.concurrency),
        users=max(1, args.users),
        samples=max(1, args.samples),
        respond_logins=max(1, args.respond_logins),
        flood=args.flood or 4 * cores,
        prepare_seconds=args.prepare_seconds,
        password_concurrency=args.password_concurrency,
    )
    return options, args.serve


THIS = [sys.executable, str(Path(__file__).resolve())]


def tws_companion_command() -> list[str]:
    script = Path(sys.executable).parent / "tws-companion"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tws_companion"]


def serve_command(kind: str, options: Options) -> list[str]:
    return [*THIS, "--serve", kind, "--password-concurrency", str(options.password_concurrency)]


@contextlib.contextmanager
def servers(options: Options, users: Sequence[BenchUser]) -> Iterator[dict[str, Server]]:
    """The real server, the floor and the ceiling; all stopped on the way out, whatever happens."""
    with tempfile.TemporaryDirectory(prefix="tws-bench-") as folder:
        work = Path(folder)
        scenario = work / "bench.toml"
        scenario.write_text(scenario_toml(users), encoding="utf-8")
        started: dict[str, Server] = {}
        try:
            serve = [*tws_companion_command(), "serve", "--host", HOST, "--port", "0"]
            serve += ["--data-dir", str(work / "data"), "--scenario", str(scenario)]
            serve += ["--password-concurrency", str(options.password_concurrency)]
            started["server"] = start_server(
                "tws-companion serve", serve, work / "server.log", f"{API_PREFIX}/health"
            )
            for kind, health in (
                ("floor", "/health"),
                ("noop", f"{API_PREFIX}/health"),
                ("bare", "/"),
            ):
                command = serve_command(kind, options)
                started[kind] = start_server(kind, command, work / f"{kind}.log", health)
            yield started
        finally:
            for server in started.values():
                stop_server(server)


class Flood:
    """``/login`` from many threads in the background, until stopped; keeps the logins opened."""

    def __init__(self, client: Client, threads: int) -> None:
        self.client = client
        self.threads = threads
        self.opened: list[tuple[str, BenchUser]] = []
        self.started = threading.Event()
        self.load: LoadResult[None] = LoadResult()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, session: requests.Session, index: int) -> None:
        self.opened.append(self.client.open_login(session, index))
        self.started.set()

    def _run(self) -> None:
        self.load = run_load(
            self._open,
            threads=self.threads,
            seconds=FLOOD_MAX_SECONDS,
            limit=FLOOD_MAX_LOGINS,
            stop=self._stop,
        )

    def wait_for(self, logins: int, seconds: float) -> None:
        """Keep flooding until ``logins`` were opened or ``seconds`` passed."""
        deadline = time.monotonic() + seconds
        while len(self.opened) < logins and time.monotonic() < deadline and self._thread.is_alive():
            self._stop.wait(0.05)

    def __enter__(self) -> Flood:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def bare_load(server: Server, options: Options) -> LoadResult[dict[str, Any]]:
    """The same request as ``respond`` (path and body) to the framework floor or the bare ASGI
    app (the ceiling)."""
    url = server.url + f"{API_PREFIX}/login/x/respond"
    return run_load(
        lambda s, _i: post(s, url, {"response": "12345678"}),
        threads=options.concurrency,
        seconds=options.seconds,
        limit=1_000_000,
    )


def share(part: LoadResult[Any], whole: LoadResult[Any]) -> str:
    """``part``'s rate as a fraction of ``whole``'s."""
    return f"{part.rate / whole.rate:.2f}" if whole.rate > 0 else "-"


def progress(message: str) -> None:
    print(f"  ... {message}", file=sys.stderr, flush=True)


def measure(options: Options) -> list[Row]:
    users = make_users(options.users)
    rows: list[Row] = []
    progress(f"starting the servers (hashing {options.users} passwords for the scenario)")
    with servers(options, users) as running:
        server, floor_server, bare = running["server"], running["floor"], running["bare"]
        noop = running["noop"]
        client = Client(server.url, users)
        many = 1_000_000
        threads = options.concurrency

        # 0. The first requests of a fresh process do one-time work (FastAPI builds each
        # router's validation on the first request that reaches it; statements compile on
        # first use): shown on its own row, kept out of the rates below.
        progress("warming up: the first full logins and floor checks after start")
        floor_url = floor_server.url + "/verify"

        def floor_check(session: requests.Session, _index: int) -> dict[str, Any]:
            return post(session, floor_url, {"password": FLOOR_PASSWORD})

        warm_up = on_server(
            server,
            lambda: run_load(
                client.full_login, threads=threads, seconds=options.seconds, limit=threads
            ),
        )
        floor_warm_up = on_server(
            floor_server,
            lambda: run_load(floor_check, threads=threads, seconds=options.seconds, limit=threads),
        )

        # 1. Full logins beside the Argon2-only floor, in alternating rounds: this machine's
        # CPU time for the same work moves by tens of percent from minute to minute, and a
        # floor measured after the logins, not among them, moved the ratio by as much.
        progress(f"full logins and the floor, {options.rounds} rounds each, alternated")
        login_rounds: list[LoadResult[None]] = []
        floor_rounds: list[LoadResult[dict[str, Any]]] = []
        for round_number in range(options.rounds):
            progress(f"  round {round_number + 1} of {options.rounds}")
            login_rounds.append(
                on_server(
                    server,
                    lambda: run_load(
                        client.full_login, threads=threads, seconds=options.seconds, limit=many
                    ),
                )
            )
            floor_rounds.append(
                on_server(
                    floor_server,
                    lambda: run_load(
                        floor_check, threads=threads, seconds=options.seconds, limit=many
                    ),
                )
            )
        logins = LoadResult.combined(login_rounds)
        floor = LoadResult.combined(floor_rounds)
        rows.append(
            Row(
                "first full logins after start (not in the rates)",
                warm_up,
                note=f"floor's first checks: {cpu_text(floor_warm_up).strip()}/op",
                show_rate=False,
            )
        )
        rows.append(Row("full login (login + device + respond), Argon2id", logins))
        rows.append(Row("  floor: Argon2id verify only (FastAPI + uvicorn)", floor))

        # 2. respond latency from one client, idle.
        progress(f"preparing {options.samples} logins, then respond from one client")
        prepared_idle = run_load(
            client.prepare, threads=threads, seconds=options.prepare_seconds, limit=options.samples
        )
        idle_stock: list[Prepared] = prepared_idle.results
        idle = on_server(
            server,
            lambda: run_load(
                lambda s, i: client.respond(s, idle_stock[i]),
                threads=1,
                seconds=options.seconds,
                limit=len(idle_stock),
            ),
        )

        # 3. respond latency from one client while /login floods fill every password slot. The
        # flood's logins wait at the device step; they are kept for the respond rate below.
        prepared_flood = run_load(
            client.prepare, threads=threads, seconds=options.prepare_seconds, limit=options.samples
        )
        flood_stock: list[Prepared] = prepared_flood.results
        progress("preparing logins, then respond from one client during a /login flood")
        flood = Flood(client, options.flood)
        with flood:
            flood.started.wait(options.seconds)  # let the queue on the limiter build up
            saturated = run_load(
                lambda s, i: client.respond(s, flood_stock[i]),
                threads=1,
                seconds=options.seconds,
                limit=len(flood_stock),
            )
            flood.wait_for(options.respond_logins, options.prepare_seconds)
        rows.append(Row("respond, 1 client, idle", idle, show_rate=False))
        rows.append(
            Row(
                "respond, 1 client, during /login flood",
                saturated,
                note=f"flood: {options.flood} threads, {flood.load.rate:.1f} logins/s, "
                f"p50 {flood.load.percentile(50) * 1000:.0f} ms",
                show_rate=False,
            )
        )

        # 4. respond rate on prepared logins beside the bare ASGI ceiling.
        opened = flood.opened[: options.respond_logins]
        progress(
            f"respond rate on {len(opened)} logins the flood opened, then the framework floor "
            "and the ceiling"
        )
        selected = run_load(
            lambda s, i: client.select(s, *opened[i]),
            threads=threads,
            seconds=options.prepare_seconds,
            limit=len(opened),
        )
        rate_stock: list[Prepared] = selected.results
        rate = on_server(
            server,
            lambda: run_load(
                lambda s, i: client.respond(s, rate_stock[i]),
                threads=threads,
                seconds=options.seconds,
                limit=len(rate_stock),
            ),
        )
        framework = on_server(noop, lambda: bare_load(noop, options))
        ceiling = on_server(bare, lambda: bare_load(bare, options))
        rows.append(
            Row(
                "respond (correct, on prepared logins)",
                rate,
                note=f"{share(rate, ceiling)} of the ceiling, {share(rate, framework)} of the "
                "framework floor",
            )
        )
        rows.append(
            Row(
                "  framework floor: FastAPI route doing nothing",
                framework,
                note=f"{share(framework, ceiling)} of the ceiling",
            )
        )
        rows.append(Row("  ceiling: bare ASGI 200 JSON (uvicorn)", ceiling))
        extra = (("prepare", prepared_idle), ("prepare", prepared_flood), ("device", selected))
        for name, load in extra:
            if load.errors:
                rows.append(Row(f"({name})", load, show_rate=False))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    options, serve = parse_args(sys.argv[1:] if argv is None else argv)
    if serve is not None:
        serve_here(serve, options.password_concurrency)
        return 0
    params = HashParameters()
    cores = os.cpu_count() or 1
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.python_implementation()} "
        f"{platform.python_version()}, {cores} cores; Argon2id t={params.time_cost} "
        f"m={params.memory_cost} KiB p={params.parallelism}, password checks at once: "
        f"{options.password_concurrency or cores}; {options.users} users, "
        f"{options.concurrency} client threads, {options.seconds:g} s per figure "
        f"({options.rounds} alternated rounds of full logins and of the floor)",
        flush=True,
    )
    began = time.perf_counter()
    rows = measure(options)
    print(format_table(rows))
    print(f"total {time.perf_counter() - began:.0f} s")
    return 1 if any(row.load.errors for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
