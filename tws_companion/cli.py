"""``tws-companion``: the one command-line entry point (DESIGN.md section 5)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tws_companion import __version__

if TYPE_CHECKING:  # the server's and the GUI's modules load only for the commands that need them
    from tws_companion.gui.demo_devices import DemoDevices
    from tws_companion.server.config import ServerConfig
    from tws_companion.server.context import ServerContext
    from tws_companion.server.runner import EmbeddedServer
    from tws_companion.server.scenario import Scenario
    from tws_companion.support.replay_server import ReplayServer

APP_NAME = "tws-companion"
#: Shipped beside the package (repository layout: resources/ next to tws_companion/).
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEMO_SCENARIO = RESOURCES / "scenarios" / "demo.toml"
DEFAULT_SERVER = "http://127.0.0.1:8765"


def default_data_dir(name: str) -> Path:
    from platformdirs import user_data_path  # here: the gui command never needs it

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
    from tws_companion.server.crypto import MasterKeyError
    from tws_companion.server.runner import serve
    from tws_companion.server.scenario import ScenarioError, read_scenario

    policy = {}
    faults = {}
    scenario = None
    if args.scenario is not None:
        try:
            scenario = read_scenario(args.scenario)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        policy = scenario.policy
        faults = scenario.faults.to_mapping()
    config = ServerConfig(
        data_dir=args.data_dir,
        db_url=args.db,
        gateway=args.gateway,
        clock_file=args.clock_file,
        policy=policy,
        faults=faults,
        password_concurrency=args.password_concurrency,
    )
    if scenario is not None:
        code = _with_context(config, lambda ctx: _load(ctx, scenario, sys.stderr))
        if code:
            return code
    try:
        serve(
            config,
            host=args.host,
            port=args.port,
            workers=args.workers,
            forwarded_allow_ips=args.forwarded_allow_ips,
            out=out,
        )
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    except (ValueError, MasterKeyError) as exc:  # a database of another version, a bad key
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _load(ctx: ServerContext, scenario: Scenario, out: TextIO) -> int:
    from tws_companion.server.scenario import load_scenario

    for line in load_scenario(ctx, scenario):
        print(f"loaded {line}", file=out)
    return 0


#: ``demo`` on a machine without a display: how to see its windows all the same.
DEMO_NO_DISPLAY = """\
No display is available for the demo's windows (DISPLAY and WAYLAND_DISPLAY are not set).
To see them, run the demo on a virtual X display and look at it through a VNC viewer (Debian:
apt-get install xvfb xauth openbox x11vnc):
    x11vnc -storepasswd     # once: choose the VNC password (kept in ~/.vnc/passwd)
    xvfb-run -a -s "-screen 0 1600x1000x24" sh -c 'openbox & x11vnc -localhost \\
        -rfbauth ~/.vnc/passwd -forever -bg -quiet && exec tws-companion demo'
then connect the viewer to localhost:5900 (x11vnc prints PORT=...; from another computer, first:
ssh -L 5900:127.0.0.1:5900 this-machine). In a clone of the project, ./dev demo --vnc does it all.
Without any window (nothing is shown; log in from the command line):
    QT_QPA_PLATFORM=offscreen tws-companion demo
"""


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    """The embedded server on loopback with the demo users, the login dialog and simulators."""
    from tws_companion.gui import app as gui_app

    if not gui_app.has_display():
        print(DEMO_NO_DISPLAY, file=sys.stderr)
        return 2
    from tws_companion.server.config import ServerConfig
    from tws_companion.server.migrations import SchemaMismatchError
    from tws_companion.server.runner import EmbeddedServer
    from tws_companion.server.scenario import ScenarioError, load_scenario, read_scenario

    try:
        scenario = read_scenario(DEMO_SCENARIO)
        config = ServerConfig(
            data_dir=args.data_dir, policy=scenario.policy, faults=scenario.faults.to_mapping()
        )
        try:
            server = EmbeddedServer.from_config(config, args.host, args.port)
        except SchemaMismatchError:
            # The demo's database holds nothing but the demo users: start it afresh.
            print(
                "note: the demo database cannot be upgraded by this version; starting afresh",
                file=sys.stderr,
            )
            for stale in args.data_dir.glob("sls.db*"):
                stale.unlink()
            server = EmbeddedServer.from_config(config, args.host, args.port)
        load_scenario(server.context, scenario)
        url = server.start()
    except (ScenarioError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"demo server listening on {url} (data in {args.data_dir})", file=out, flush=True)
    try:
        return gui_app.run(
            url,
            demo=_demo_devices(server, scenario),
            language=args.language,
            command="demo",
            home=args.home,
        )
    finally:
        server.stop()


def _demo_devices(server: EmbeddedServer, scenario: Scenario) -> DemoDevices:
    """The demo users' devices as the simulators need them (secrets come from the scenario), each
    with the user it belongs to: the IB Key app holds every user's IB Key, as IBKR Mobile does;
    the DSC+, the code card and the phone are those of the first user who has one."""
    from tws_companion.gui.demo_devices import DemoDevices
    from tws_companion.gui.simulators import SimulatedOcraDevice, owned_label
    from tws_companion.server import device_secrets
    from tws_companion.server.db import Device

    demo = DemoDevices(
        outbox=server.context.data_dir / "outbox" if server.context.data_dir else None
    )
    ib_keys: list[SimulatedOcraDevice] = []
    for user in scenario.users:
        username = user["username"]
        for device in user.get("devices", []):
            kind = device["kind"]
            if kind in ("dsc_plus", "ib_key"):
                simulated = SimulatedOcraDevice(
                    label=device.get("label", kind),
                    secret=bytes.fromhex(device["secret_hex"]),
                    pin=device["pin"],
                    user=username,
                )
                if kind == "ib_key":
                    ib_keys.append(simulated)
                elif demo.dsc_plus is None:
                    demo.dsc_plus = simulated
            elif kind == "code_card" and "id" in device and demo.card is None:
                with server.context.db.transaction() as s:
                    row = s.get(Device, device["id"])
                    if row is not None:
                        demo.card = device_secrets.device_card(server.context, row)
                        demo.card_label = owned_label(row.label, username)
            elif kind == "sms" and demo.phone is None:
                demo.phone = device.get("phone") or user.get("phone")
    demo.ib_key = tuple(ib_keys) or None
    return demo


class _ReplayGui:
    """The desktop app of ``support replay --serve``: the login dialog on the replay's server,
    with the demo's simulators for the replay user's devices (each its user's). The app's
    settings and login traces stay in the replay's folder."""

    def __init__(self, language: str | None) -> None:
        self.language = language

    def unavailable(self) -> str | None:
        from tws_companion.gui.app import NO_DISPLAY, has_display

        if has_display():
            return None
        command = "support replay TRACE --serve"
        return NO_DISPLAY.format(command=command) + "  - Or serve without a window: --no-gui\n"

    def run(self, served: ReplayServer) -> int:
        from tws_companion.gui import app as gui_app

        return gui_app.run(
            served.url,
            demo=_replay_devices(served),
            language=self.language,
            command="support replay --serve",
            home=served.data_dir / "home",
        )


def _replay_devices(served: ReplayServer) -> DemoDevices:
    """The replay user's devices as the simulators need them (keys read from its server)."""
    from tws_companion.gui.demo_devices import DemoDevices
    from tws_companion.gui.simulators import SimulatedOcraDevice, owned_label

    user = served.scenario.username
    keys = served.device_keys()
    ocra = [SimulatedOcraDevice(key.label, key.secret, key.pin, user) for key in keys]
    kinds = [key.kind for key in keys]
    card = served.code_card()
    has_phone = served.scenario.device_of("sms") is not None
    return DemoDevices(
        dsc_plus=ocra[kinds.index("dsc_plus")] if "dsc_plus" in kinds else None,
        ib_key=tuple(d for d, kind in zip(ocra, kinds, strict=True) if kind == "ib_key") or None,
        card_label=owned_label(card[0], user) if card else "",
        card=card[1] if card else None,
        outbox=served.outbox if has_phone else None,
        phone=served.scenario.phone if has_phone else None,
    )


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


def _admin_arguments(parser: argparse.ArgumentParser) -> None:
    from tws_companion.server import admin

    parser.add_argument("--data-dir", type=Path, default=default_data_dir("server"))
    parser.add_argument(
        "--db", metavar="URL", help="SQLAlchemy URL (default: SQLite in --data-dir)"
    )
    admin.add_commands(parser)


# --- main -------------------------------------------------------------------------------------


def _add_gui_options(parser: argparse.ArgumentParser) -> None:
    from tws_companion import settings_command

    parser.add_argument("--server", default=DEFAULT_SERVER, help=f"default: {DEFAULT_SERVER}")
    parser.add_argument("--language", choices=["en", "zh_CN"], help="default: the system's")
    settings_command.add_home_argument(parser)


def _cmd_gui(args: argparse.Namespace) -> int:
    from tws_companion.gui import app as gui_app

    return gui_app.run(args.server, language=args.language, home=args.home)


def _serve_arguments(serve: argparse.ArgumentParser) -> None:
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
        "--forwarded-allow-ips",
        metavar="ADDRESSES",
        help="behind a proxy: its addresses (comma-separated); only then is X-Forwarded-For "
        "believed for IP restrictions and per-address limits",
    )
    serve.add_argument(
        "--clock-file",
        type=Path,
        metavar="FILE",
        help="testing and support: seconds to add to the clock, read on every use",
    )


def _demo_arguments(demo: argparse.ArgumentParser) -> None:
    from tws_companion import settings_command

    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=0)
    demo.add_argument("--data-dir", type=Path, default=default_data_dir("demo"))
    demo.add_argument("--language", choices=["en", "zh_CN"], help="default: the system's")
    settings_command.add_home_argument(demo)


def _login_arguments(login: argparse.ArgumentParser) -> None:
    from tws_companion.client import terminal_login

    terminal_login.add_arguments(login)


def _settings_arguments(settings: argparse.ArgumentParser) -> None:
    from tws_companion import settings_command

    settings_command.add_arguments(settings)


def _doctor_arguments(doctor: argparse.ArgumentParser) -> None:
    from tws_companion.support import doctor_command

    doctor_command.add_arguments(doctor, default_server=DEFAULT_SERVER)


def _cmd_doctor(args: argparse.Namespace, out: TextIO) -> int:
    from tws_companion.support import doctor_command

    display: Callable[[], bool] | None = None
    if args.gui:  # the GUI's own test of a display (it loads Qt: only when asked for)
        from tws_companion.gui.app import has_display

        display = has_display
    return doctor_command.run(args, out, has_display=display)


def _support_arguments(support: argparse.ArgumentParser) -> None:
    from tws_companion.support import support_command

    support_command.add_arguments(support)


#: Each command: its name, its line in the help, and what adds its arguments (importing the
#: modules they come from: the server's, the HTTP client's).
COMMANDS: list[tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = [
    ("serve", "run the Secure Login System server", _serve_arguments),
    ("demo", "run the demo: embedded server with the demo users", _demo_arguments),
    ("gui", "the login dialog, then the workstation (the default)", _add_gui_options),
    ("admin", "manage a server's database: users, devices, migrations", _admin_arguments),
    ("login", "log in from the terminal (for scripts and support)", _login_arguments),
    (
        "settings",
        "a user's layout settings: show, save, recover, and on the server",
        _settings_arguments,
    ),
    ("doctor", "check this computer's setup: server, keyring, folders, TWS API", _doctor_arguments),
    (
        "support",
        "for support: a diagnostics bundle; a login trace replayed or served",
        _support_arguments,
    ),
]


def commands_parsed(argv: Sequence[str]) -> Collection[str] | None:
    """The commands whose parsers ``argv`` needs: none when it is empty (the login window, the
    default), the one its first word names, or all of them (None) for anything else (help, an
    error, options before the command). Making every command's parser cost the login window
    about 7 ms (argparse looks up a translation of its own texts for each) and loaded the
    modules their arguments come from (the server's, the HTTP client's)."""
    if not argv:
        return ()
    if argv[0] in {name for name, _summary, _add in COMMANDS}:
        return (argv[0],)
    return None


def build_parser(commands: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser, with the parsers of ``commands`` (all by default)."""
    parser = argparse.ArgumentParser(prog=APP_NAME, description="TWS Companion")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_gui_options(parser)
    # prog: what argparse would work out from the usage (slower), the start of each command's.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog=APP_NAME)
    for name, summary, add_arguments in COMMANDS:
        if commands is None or name in commands:
            add_arguments(sub.add_parser(name, help=summary))
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    words = sys.argv[1:] if argv is None else argv
    args = build_parser(commands_parsed(words)).parse_args(words)
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
        if args.command == "settings":
            from tws_companion import settings_command

            return settings_command.run(args, out=out)
        if args.command == "doctor":
            return _cmd_doctor(args, out)
        if args.command == "support":
            from tws_companion.support import support_command

            gui = _ReplayGui(getattr(args, "language", None))
            return support_command.run(args, out, gui=gui)
    except KeyboardInterrupt:
        return 130
    return _cmd_gui(args)
