"""``tws-companion``: the one command-line entry point (DESIGN.md section 5)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from platformdirs import user_data_path

from tws_companion import __version__

if TYPE_CHECKING:  # the server's modules load only for the commands that need them
    from tws_companion.server.config import ServerConfig
    from tws_companion.server.context import ServerContext
    from tws_companion.server.scenario import Scenario

APP_NAME = "tws-companion"
#: Shipped beside the package (repository layout: resources/ next to tws_companion/).
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEMO_SCENARIO = RESOURCES / "scenarios" / "demo.toml"


def default_data_dir(name: str) -> Path:
    return user_data_path(APP_NAME, appauthor=False) / name


# --- serve / demo -----------------------------------------------------------------------------


def _add_server_options(parser: argparse.ArgumentParser, *, default_dir: str) -> None:
    from tws_companion.server.gateways.config import GATEWAY_NAMES

    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default_data_dir(default_dir),
        help="folder for the database, master key and outbox",
    )
    parser.add_argument(
        "--db", metavar="URL", help="SQLAlchemy URL (default: SQLite in --data-dir)"
    )
    parser.add_argument(
        "--gateway",
        choices=GATEWAY_NAMES,
        default="outbox",
        help="how SMS and voice codes are sent (default: outbox, for development)",
    )


def _cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from tws_companion.server.config import ServerConfig
    from tws_companion.server.runner import serve
    from tws_companion.server.scenario import ScenarioError, read_scenario

    policy = {}
    scenario = None
    if args.scenario is not None:
        try:
            scenario = read_scenario(args.scenario)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        policy = scenario.policy
    config = ServerConfig(
        data_dir=args.data_dir,
        db_url=args.db,
        gateway=args.gateway,
        clock_file=args.clock_file,
        policy=policy,
        password_concurrency=args.password_concurrency,
    )
    if scenario is not None:
        code = _with_context(config, lambda ctx: _load(ctx, scenario, sys.stderr))
        if code:
            return code
    try:
        serve(config, host=args.host, port=args.port, workers=args.workers, out=out)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


def _load(ctx: ServerContext, scenario: Scenario, out: TextIO) -> int:
    from tws_companion.server.scenario import load_scenario

    for line in load_scenario(ctx, scenario):
        print(f"loaded {line}", file=out)
    return 0


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    print(
        "TWS Companion demo server (the login dialog arrives with the desktop GUI).\n"
        f"  data folder: {args.data_dir}\n"
        f"  SMS and voice codes are written to: {args.data_dir / 'outbox'}\n"
        f"  demo users are in: {DEMO_SCENARIO}\n"
        "  log in from another terminal with:\n"
        "    tws-companion login --server <the URL below> --user demo\n"
        "  Ctrl-C stops the server.",
        file=out,
        flush=True,
    )
    args.scenario = DEMO_SCENARIO
    args.db = None
    args.gateway = "outbox"
    args.clock_file = None
    args.workers = 1
    args.password_concurrency = 0
    return _cmd_serve(args, out)


# --- admin ------------------------------------------------------------------------------------


def _with_context(config: ServerConfig, action: Callable[[ServerContext], int]) -> int:
    from tws_companion.server.config import build_context
    from tws_companion.server.crypto import MasterKeyError
    from tws_companion.server.scenario import ScenarioError

    try:
        ctx = build_context(config)
    except (MasterKeyError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        return action(ctx)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        ctx.db.dispose()


def _cmd_admin(args: argparse.Namespace, out: TextIO) -> int:
    from tws_companion.server import admin
    from tws_companion.server.config import ServerConfig

    config = ServerConfig(data_dir=args.data_dir, db_url=args.db)
    return _with_context(config, lambda ctx: admin.run(ctx, args, out))


def _add_admin(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from tws_companion.server import admin

    parser = sub.add_parser("admin", help="manage users and devices of a server's database")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir("server"))
    parser.add_argument(
        "--db", metavar="URL", help="SQLAlchemy URL (default: SQLite in --data-dir)"
    )
    admin.add_commands(parser)


# --- main -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from tws_companion.client import terminal_login

    parser = argparse.ArgumentParser(prog=APP_NAME, description="TWS Companion")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the Secure Login System server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    _add_server_options(serve, default_dir="server")
    serve.add_argument("--scenario", type=Path, metavar="FILE", help="load users and devices first")
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.add_argument(
        "--password-concurrency",
        type=int,
        default=0,
        help="password checks at once per worker (default: one per core)",
    )
    serve.add_argument(
        "--clock-file",
        type=Path,
        metavar="FILE",
        help="testing and support: seconds to add to the clock, read on every use",
    )

    demo = sub.add_parser("demo", help="run the demo: embedded server with the demo users")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=0)
    demo.add_argument("--data-dir", type=Path, default=default_data_dir("demo"))

    _add_admin(sub)

    login = sub.add_parser("login", help="log in from the terminal (for scripts and support)")
    terminal_login.add_arguments(login)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return _cmd_serve(args, out)
        if args.command == "demo":
            return _cmd_demo(args, out)
        if args.command == "admin":
            return _cmd_admin(args, out)
        if args.command == "login":
            from tws_companion.client import terminal_login

            return terminal_login.run(args, out=out)
    except KeyboardInterrupt:
        return 130
    print(
        "The desktop login dialog is not part of this build yet.\n"
        "Run `tws-companion demo` for the demo server, or see `tws-companion --help`.",
        file=sys.stderr,
    )
    return 2
