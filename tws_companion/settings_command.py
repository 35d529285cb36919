"""``tws-companion settings``: a user's layout settings from scripts, with no prompts.

    settings --home DIR --user NAME show
    settings --home DIR --user NAME backups
    settings --home DIR --user NAME save-as PATH [--decrypted]
    settings --home DIR --user NAME recover PATH [--parts workspaces,watchlists,... [--merge]]

``--home`` (or ``TWS_COMPANION_HOME``) replaces the machine's data root, so two folders are two
machines. Every refusal is one clear line on standard error and exit status 1; nothing is asked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tws_companion.layout.partial import Part

if TYPE_CHECKING:  # loaded when the command runs, not for every command's parser
    from tws_companion.layout.profile import SettingsProfile

__all__ = ["add_arguments", "add_home_argument", "run"]


def add_home_argument(parser: argparse.ArgumentParser) -> None:
    """``--home``: this machine's data folder (two folders are two machines)."""
    parser.add_argument(
        "--home",
        type=Path,
        help="this machine's data folder for layout settings (default: $TWS_COMPANION_HOME, "
        "else the user data folder)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_home_argument(parser)
    parser.add_argument("--user", required=True, help="whose settings")
    parser.add_argument(
        "--server",
        help="the server whose settings key opens encrypted files (default: the last one this "
        "user logged in to on this machine)",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("show", help="what the settings hold")
    actions.add_parser("backups", help="the local backups, newest first")
    save_as = actions.add_parser("save-as", help="write the settings to a file (encrypted)")
    save_as.add_argument("path", type=Path)
    save_as.add_argument(
        "--decrypted", action="store_true", help="plain XML that any user can import"
    )
    recover = actions.add_parser("recover", help="make a settings file this user's settings")
    recover.add_argument("path", type=Path)
    recover.add_argument(
        "--parts",
        help="import only these parts: " + ", ".join(part.value for part in Part),
    )
    recover.add_argument(
        "--merge", action="store_true", help="with --parts: merge instead of replacing"
    )


def _parts(text: str) -> list[Part]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    try:
        return [Part(name) for name in names]
    except ValueError:
        known = ", ".join(part.value for part in Part)
        raise ValueError(f"--parts takes a comma-separated list of: {known}") from None


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from tws_companion.layout.errors import LayoutError
    from tws_companion.storage.errors import StorageError
    from tws_companion.storage.instance_lock import AlreadyLocked

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        return _run(args, out, err)
    except (LayoutError, StorageError, AlreadyLocked, ValueError) as exc:
        print(f"error: {exc}", file=err)
        return 1


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tws_companion.layout.profile import SettingsProfile
    from tws_companion.layout.summary import describe, summarize
    from tws_companion.storage.paths import data_root

    if not args.user.strip():
        raise ValueError("--user must name a user")
    profile = SettingsProfile(data_root(args.home), args.user, server=args.server)
    if args.action == "backups":
        for backup in profile.backups():
            when = backup.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
            print(f"{when}  {backup.size:>10,} bytes  {backup.path}", file=out)
        return 0
    if args.action == "recover":
        return _recover(profile, args, out)
    loaded = profile.load()
    if loaded.source == "default":
        raise ValueError(
            f"no settings are saved for {profile.username} on this machine "
            f"({profile.files.settings_path})"
        )
    if loaded.source == "backup":
        print(
            f"warning: the settings file was damaged ({loaded.problem}); it was set aside as "
            f"{loaded.set_aside} and the newest good backup is used",
            file=err,
        )
    if args.action == "show":
        for line in describe(summarize(loaded.layout)):
            print(line, file=out)
        return 0
    profile.save_as(args.path, loaded.layout, decrypted=args.decrypted)
    kind = "decrypted" if args.decrypted else "encrypted"
    print(f"saved {kind} settings of {profile.username} to {args.path}", file=out)
    return 0


def _recover(profile: SettingsProfile, args: argparse.Namespace, out: TextIO) -> int:
    from tws_companion.layout.partial import import_parts

    parts = _parts(args.parts) if args.parts else None
    if args.merge and parts is None:
        raise ValueError("--merge needs --parts")
    incoming = profile.open_file(args.path)
    with profile.lock():
        if parts is None:
            layout = incoming
        else:
            layout = import_parts(profile.load().layout, incoming, parts, merge=args.merge)
        profile.save(layout)
    what = "all settings" if parts is None else ", ".join(part.value for part in parts)
    print(f"recovered {what} of {profile.username} from {args.path}", file=out)
    return 0
