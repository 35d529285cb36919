"""``tws-companion support``: the support engineer's commands.

``support bundle --output PATH [--dry-run] [--home DIR]`` gathers the diagnostics bundle
(:mod:`tws_companion.support.bundle`), writes it as a zip and prints exactly what is in it;
``--dry-run`` prints the same list and writes nothing. Exit codes: 0 done, 1 the zip could not
be written (one line on standard error saying why and what to do), 2 usage.

``support replay TRACE [--data-dir DIR]`` replays a login trace against a new local server
(:mod:`tws_companion.support.replay`) and prints step by step where it matches; exit 0 when every
step and the outcome match, 1 when one differs, 2 when the trace cannot be read. The server's
folder (its database, outbox and the scenario it was given) is a temporary one, removed at the
end, unless ``--data-dir`` names one to keep.

``support replay TRACE --serve [--port P] [--data-dir DIR] [--no-gui] [--language L]`` starts the
same server and leaves it to a person (:mod:`tws_companion.support.replay_serve`): it prints
``listening on URL`` and how to log in, then opens the login dialog on it with the device
simulators (the GUI the command line hands in as ``gui``), or with ``--no-gui`` serves until
Ctrl+C. Exit codes: 0 closed or stopped, 1 the server could not listen, 2 usage (or no display
for the GUI).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tws_companion.storage.errors import StorageError
from tws_companion.support.bundle import gather_bundle, write_bundle

if TYPE_CHECKING:
    from tws_companion.support.replay_serve import ReplayGui

__all__ = ["add_arguments", "run"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-commands of ``tws-companion support``."""
    from tws_companion import settings_command

    commands = parser.add_subparsers(dest="support_command", metavar="COMMAND", required=True)
    bundle = commands.add_parser(
        "bundle",
        help="write a zip for support: recent login traces, logs, environment, settings summary",
    )
    bundle.add_argument("--output", type=Path, metavar="PATH", help="the zip to write")
    bundle.add_argument(
        "--dry-run", action="store_true", help="list what the zip would hold; write nothing"
    )
    settings_command.add_home_argument(bundle)
    replay = commands.add_parser(
        "replay",
        help="replay a login trace against a local server and say where it matches",
    )
    replay.add_argument("trace", type=Path, metavar="TRACE", help="a login trace (JSON)")
    replay.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="keep the replay server's folder here (a new, empty folder); default: a temporary one",
    )
    replay.add_argument(
        "--serve",
        action="store_true",
        help="serve the trace's scenario and open the login dialog on it, to log in as the "
        "customer did (instead of replaying the login)",
    )
    replay.add_argument(
        "--port", type=int, default=0, help="with --serve: the port (default: a free one)"
    )
    replay.add_argument(
        "--no-gui", action="store_true", help="with --serve: no window; serve until Ctrl+C"
    )
    replay.add_argument(
        "--language", choices=["en", "zh_CN"], help="with --serve: the GUI's language"
    )


def run(args: argparse.Namespace, out: TextIO, *, gui: ReplayGui | None = None) -> int:
    """Run ``support <command>``; returns the exit code. ``gui`` is the desktop app for
    ``replay --serve`` (``None``: only ``--no-gui`` serves)."""
    if args.support_command == "bundle":
        return _bundle(args, out)
    if args.support_command == "replay":
        return _replay(args, out, gui)
    print(f"error: unknown support command {args.support_command!r}", file=sys.stderr)
    return EXIT_USAGE


def _bundle(args: argparse.Namespace, out: TextIO) -> int:
    if args.output is None and not args.dry_run:
        print("error: support bundle needs --output PATH (or --dry-run)", file=sys.stderr)
        return EXIT_USAGE
    bundle = gather_bundle(args.home)
    if args.dry_run:
        print("Dry run, nothing written. The diagnostics bundle would hold:", file=out)
    else:
        output = Path(args.output).expanduser()
        try:
            write_bundle(bundle, output)
        except StorageError as exc:
            print(f"error: the bundle was not written: {exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"Diagnostics bundle written to {output}:", file=out)
    for line in bundle.listing():
        print(line, file=out)
    return EXIT_OK


def _replay(args: argparse.Namespace, out: TextIO, gui: ReplayGui | None) -> int:
    import tempfile

    from tws_companion.support.replay import replay_trace
    from tws_companion.support.trace_format import LoginTrace, TraceFormatError

    path = Path(args.trace).expanduser()
    try:
        trace = LoginTrace.from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the trace {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TraceFormatError as exc:
        print(f"error: {path} is not a login trace this version reads: {exc}", file=sys.stderr)
        return EXIT_USAGE
    serve_only = [name for name in ("port", "no_gui", "language") if getattr(args, name)]
    if serve_only and not args.serve:
        option = "--" + serve_only[0].replace("_", "-")
        print(f"error: {option} goes with --serve", file=sys.stderr)
        return EXIT_USAGE
    folder = None
    if args.data_dir is not None:
        folder = Path(args.data_dir).expanduser()
        if folder.exists() and any(folder.iterdir()):
            print(f"error: {folder} is not empty: give a new folder to --data-dir", file=sys.stderr)
            return EXIT_USAGE
    if args.serve:
        from tws_companion.support.replay_serve import serve_replay

        if gui is None and not args.no_gui:
            print("error: the GUI is not available here: add --no-gui", file=sys.stderr)
            return EXIT_USAGE
        return serve_replay(trace, folder, out, port=args.port, gui=None if args.no_gui else gui)
    if folder is not None:
        report = replay_trace(trace, folder, on_server=lambda url: _serving(url, out))
    else:
        with tempfile.TemporaryDirectory(prefix="tws-replay-") as temporary:
            report = replay_trace(trace, Path(temporary), on_server=lambda url: _serving(url, out))
    for line in report.lines():
        print(line, file=out)
    return EXIT_OK if report.matches else EXIT_FAILED


def _serving(url: str, out: TextIO) -> None:
    print(f"Replay server on {url}", file=out)
