"""``tws-companion settings``: a user's layout settings from scripts, with no prompts.

    settings --home DIR --user NAME show
    settings --home DIR --user NAME backups
    settings --home DIR --user NAME save-as PATH [--decrypted]
    settings --home DIR --user NAME recover PATH [--parts workspaces,watchlists,... [--merge]]
    settings --home DIR --user NAME --server URL upload [--force] [--machine NAME]
    settings --home DIR --user NAME --server URL download [--force]
    settings --home DIR --user NAME --server URL versions

``--home`` (or ``TWS_COMPANION_HOME``) replaces the machine's data root, so two folders are two
machines. Every refusal is one clear line on standard error and exit status 1; nothing is asked.

``upload``, ``download`` and ``versions`` use the session that ``tws-companion login`` kept in
the keyring for that server and user. When another computer saved in between, ``upload`` and
``download`` change nothing and say so (exit 1); ``upload --force`` then replaces the server's
copy with this computer's settings, and ``download --force`` takes the server's copy (this
computer's settings are kept as a local backup first).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # loaded when the command runs, not for every command's parser
    from datetime import datetime

    from tws_companion.client.settings_sync import ServerSettings
    from tws_companion.layout.partial import Part
    from tws_companion.layout.profile import SettingsProfile
    from tws_companion.protocol.models import SettingsVersion

__all__ = ["add_arguments", "add_home_argument", "run"]

#: The actions that talk to the server.
_SERVER_ACTIONS = frozenset({"upload", "download", "versions"})


def add_home_argument(parser: argparse.ArgumentParser) -> None:
    """``--home``: this machine's data folder (two folders are two machines)."""
    parser.add_argument(
        "--home",
        type=Path,
        help="this machine's data folder for layout settings (default: $TWS_COMPANION_HOME, "
        "else the user data folder)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tws_companion.layout.partial import Part

    add_home_argument(parser)
    parser.add_argument("--user", required=True, help="whose settings")
    parser.add_argument(
        "--server",
        help="the server whose settings key opens encrypted files, and that upload, download "
        "and versions use (default: the last one this user logged in to on this machine)",
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
    upload = actions.add_parser("upload", help="store this computer's settings on the server")
    upload.add_argument(
        "--force",
        action="store_true",
        help="when another computer saved in between: replace the server's copy with this "
        "computer's settings",
    )
    upload.add_argument(
        "--machine", metavar="NAME", help="the name this save carries (default: the host name)"
    )
    download = actions.add_parser("download", help="use the settings stored on the server")
    download.add_argument(
        "--force",
        action="store_true",
        help="when this computer's settings changed too: take the server's (this computer's "
        "are kept as a backup first)",
    )
    actions.add_parser("versions", help="the versions the server keeps, newest first")


def _parts(text: str) -> list[Part]:
    from tws_companion.layout.partial import Part

    names = [name.strip() for name in text.split(",") if name.strip()]
    try:
        return [Part(name) for name in names]
    except ValueError:
        known = ", ".join(part.value for part in Part)
        raise ValueError(f"--parts takes a comma-separated list of: {known}") from None


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from tws_companion.client.errors import ClientError
    from tws_companion.layout.errors import LayoutError
    from tws_companion.storage.errors import StorageError
    from tws_companion.storage.instance_lock import AlreadyLocked
    from tws_companion.storage.secret_store import SecretStoreError

    out = out or sys.stdout
    err = err or sys.stderr
    refusals = (
        LayoutError,
        StorageError,
        AlreadyLocked,
        ValueError,
        ClientError,
        SecretStoreError,
        _RefusedError,
    )
    try:
        return _run(args, out, err)
    except refusals as exc:
        print("error: " + " ".join(str(exc).split()), file=err)
        return 1


class _RefusedError(Exception):
    """A refusal of this command, in a sentence."""


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tws_companion.layout.profile import SettingsProfile
    from tws_companion.layout.summary import describe, summarize
    from tws_companion.storage.paths import data_root

    if not args.user.strip():
        raise ValueError("--user must name a user")
    if args.action in _SERVER_ACTIONS:
        return _on_server(args, out, err)
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


def _on_server(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tws_companion.client.api import ApiClient
    from tws_companion.client.errors import Unauthorized
    from tws_companion.client.settings_sync import ServerSettings, SettingsConflict
    from tws_companion.layout.profile import SettingsProfile
    from tws_companion.storage.paths import data_root
    from tws_companion.storage.secret_store import SecretStore

    root = data_root(args.home)
    server = args.server or SettingsProfile(root, args.user).server
    if not server:
        raise _RefusedError(f"{args.action} needs the server: --server URL")
    with ApiClient(server) as api:
        profile = SettingsProfile(root, args.user, server=api.base_url)
        store = SecretStore()
        log_in_first = _RefusedError(
            f"not logged in to {api.base_url} as {profile.username} (or the session expired); "
            f"log in first: tws-companion login --server {api.base_url} --user {profile.username}"
        )
        session = store.get_session(api.base_url, profile.username)
        if session is None:
            raise log_in_first
        sync = ServerSettings(api, session.token, profile, machine=getattr(args, "machine", None))
        try:
            if args.action == "versions":
                return _versions(sync, profile.username, out, err)
            with profile.lock():
                if args.action == "upload":
                    return _upload(sync, profile, args.force, out)
                return _download(sync, profile, args.force, out)
        except Unauthorized:
            store.delete_session(api.base_url, profile.username)
            raise log_in_first from None
        except SettingsConflict as conflict:
            raise _RefusedError(
                f"{conflict} Nothing was changed. To keep this computer's settings, run "
                "upload --force (it replaces the server's copy); to use the server's, run "
                "download --force (this computer's settings are kept as a backup first)."
            ) from None


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def _described(version: SettingsVersion) -> str:
    return (
        f"version {version.number} (saved {_when(version.saved_at)} by {version.machine}, "
        f"{version.size:,} bytes)"
    )


def _versions(sync: ServerSettings, username: str, out: TextIO, err: TextIO) -> int:
    versions = sync.versions()
    for version in versions:
        when = _when(version.saved_at)
        size = f"{version.size:>12,} bytes"
        print(f"{version.number:>6}  {when}  {size}  {version.machine}", file=out)
    if not versions:
        print(f"the server holds no settings of {username} yet", file=err)
    return 0


def _upload(sync: ServerSettings, profile: SettingsProfile, force: bool, out: TextIO) -> int:
    from tws_companion.client.settings_sync import SettingsConflict

    loaded = profile.load()
    if loaded.source == "default":
        raise _RefusedError(
            f"no settings are saved for {profile.username} on this machine "
            f"({profile.files.settings_path})"
        )
    try:
        version = sync.upload(loaded.layout)
    except SettingsConflict as conflict:
        if not force:
            raise
        version = sync.keep_local(conflict)
    print(f"uploaded the settings of {profile.username}: {_described(version)}", file=out)
    return 0


def _download(sync: ServerSettings, profile: SettingsProfile, force: bool, out: TextIO) -> int:
    from tws_companion.client.settings_sync import DownloadOutcome, SettingsConflict

    try:
        done = sync.download()
    except SettingsConflict as conflict:
        if not force:
            raise
        sync.take_server(conflict.server)
        print(
            f"took the server's settings of {profile.username}: "
            f"{_described(conflict.server.version)}; this computer's settings were kept as a "
            "backup",
            file=out,
        )
        return 0
    if done.outcome is DownloadOutcome.NOTHING_ON_SERVER or done.version is None:
        print(f"the server holds no settings of {profile.username} yet; nothing changed", file=out)
    elif done.outcome is DownloadOutcome.UP_TO_DATE:
        print(
            f"the settings of {profile.username} are up to date with the server: "
            f"{_described(done.version)}",
            file=out,
        )
    else:
        print(
            f"downloaded the settings of {profile.username}: {_described(done.version)}", file=out
        )
    return 0
