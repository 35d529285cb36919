"""``tws-companion admin``: provisioning and support commands over a server's database."""

from __future__ import annotations

import argparse
import getpass
import string
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from tws_companion.protocol import DeviceStatus
from tws_companion.server import accounts, device_secrets, device_sharing
from tws_companion.server.account_errors import AccountError
from tws_companion.server.authenticators import Enrolment
from tws_companion.server.context import ServerContext
from tws_companion.server.db import User
from tws_companion.server.scenario import load_scenario, read_scenario
from tws_companion.sls import code_card
from tws_companion.sls.devices import DeviceKind


def add_commands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="admin_command", metavar="ACTION", required=True)

    create = sub.add_parser("create-user", help="create a user (password read without echo)")
    create.add_argument("--user", required=True)
    create.add_argument("--phone")
    create.add_argument(
        "--allow-ip",
        action="append",
        default=[],
        metavar="ADDRESS_OR_CIDR",
        help="restrict logins to these addresses (repeatable)",
    )
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of prompting",
    )

    add = sub.add_parser("add-device", help="give a user a second-factor device")
    add.add_argument("--user", required=True)
    add.add_argument("--kind", required=True, choices=[k.value for k in DeviceKind])
    add.add_argument("--label")
    add.add_argument("--secret-hex", help="OCRA key of a DSC+ or IB Key (generated if omitted)")
    add.add_argument("--pin", help="the device PIN (DSC+, IB Key)")
    add.add_argument("--phone", help="SMS phone number (default: the user's)")

    listing = sub.add_parser("list-devices", help="list a user's devices")
    listing.add_argument("--user", required=True)

    temp = sub.add_parser("issue-temp-passcode", help="issue a temporary passcode")
    temp.add_argument("--user", required=True)

    reset = sub.add_parser("reset-device", help="unlock a device locked by wrong responses")
    reset.add_argument("--user", required=True)
    reset.add_argument("--device", required=True, metavar="DEVICE_ID")

    unlock = sub.add_parser("unlock-user", help="clear a user's failed-login lockout")
    unlock.add_argument("--user", required=True)

    export = sub.add_parser("export-card", help="print a Security Code Card as CSV index,value")
    export.add_argument("--user", required=True)
    export.add_argument("--device", metavar="DEVICE_ID", help="which card (default: the only one)")

    scenario = sub.add_parser("load-scenario", help="load users and devices from a scenario file")
    scenario.add_argument("file", type=Path)

    sub.add_parser("migrate", help="apply the database migrations (serve does too)")

    sharing = sub.add_parser("list-sharing", help="list device-sharing requests (KB2481)")
    sharing.add_argument("--pending", action="store_true", help="only those awaiting approval")
    approve = sub.add_parser("approve-sharing", help="approve a pending device-sharing request")
    approve.add_argument("share_id", type=int, metavar="ID")
    refuse = sub.add_parser("refuse-sharing", help="refuse a pending device-sharing request")
    refuse.add_argument("share_id", type=int, metavar="ID")


def run(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    try:
        return _COMMANDS[args.admin_command](ctx, args, out)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


@contextmanager
def _named_user(ctx: ServerContext, args: argparse.Namespace) -> Iterator[tuple[Session, User]]:
    """One transaction, and in it the user ``--user`` names (``AccountError`` when none)."""
    with ctx.db.transaction() as s:
        yield s, accounts.require_user(s, args.user)


def _create_user(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            print("error: the passwords do not match", file=sys.stderr)
            return 1
    try:
        with ctx.db.transaction() as s:
            user = accounts.create_user(
                ctx,
                s,
                username=args.user,
                password=password,
                phone=args.phone,
                allowed_ips=args.allow_ip,
            )
            print(f"created user {user.username}", file=out)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    return 0


def _add_device(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    if args.kind == DeviceKind.TEMPORARY.value:
        raise AccountError("use issue-temp-passcode for a temporary passcode")
    with _named_user(ctx, args) as (s, user):
        new = accounts.add_device(
            ctx,
            s,
            user,
            kind=args.kind,
            label=args.label,
            enrolment=Enrolment(secret_hex=args.secret_hex, pin=args.pin, phone=args.phone),
        )
        print(f"added {new.device.kind} device {new.device.id} ({new.device.label})", file=out)
        if new.generated_secret_hex:
            print(
                f"secret (hex, shown once, for enrolling the device): {new.generated_secret_hex}",
                file=out,
            )
    return 0


def _print_table(out: TextIO, line: str, rows: Iterable[Mapping[str, object]]) -> None:
    """A listing: ``line`` (a format string of named fields) filled with each field's name as
    the header, then with each row, so the columns of the header and the rows line up."""
    names = [name for _, name, _, _ in string.Formatter().parse(line) if name]
    print(line.format_map({name: name for name in names}), file=out)
    for row in rows:
        print(line.format_map(row), file=out)


def _list_devices(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    with _named_user(ctx, args) as (s, user):
        rows = (
            {
                "id": device.id,
                "kind": device.kind,
                "status": device.status,
                "failures": device.consecutive_failures,
                "label": device.label,
            }
            for device in accounts.user_devices(s, user)
        )
        _print_table(out, "{id:<18} {kind:<12} {status:<8} {failures:>8}  {label}", rows)
    return 0


def _issue_temp(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    with _named_user(ctx, args) as (s, user):
        new = accounts.issue_temporary_passcode(ctx, s, user)
        print(f"temporary passcode for {user.username}: {new.passcode}", file=out)
        print(
            f"valid on every platform for {ctx.policy.temporary_full_access.days} days, then in "
            f"Client Portal only (to print the Online Security Code Card) until day "
            f"{ctx.policy.temporary_portal_access.days}",
            file=out,
        )
    return 0


def _reset_device(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    with _named_user(ctx, args) as (s, user):
        device = accounts.require_device(s, user, args.device)
        accounts.reset_device(s, device)
        print(f"device {device.id} of {user.username} is active again", file=out)
    return 0


def _unlock_user(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    with _named_user(ctx, args) as (s, user):
        accounts.unlock_user(s, user)
        print(f"{user.username} may log in again", file=out)
    return 0


def _export_card(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    with _named_user(ctx, args) as (s, user):
        cards = [
            device
            for device in accounts.user_devices(s, user)
            if device.kind in (DeviceKind.CODE_CARD.value, DeviceKind.ONLINE_CARD.value)
            and device.status is not DeviceStatus.REVOKED
        ]
        if args.device:
            cards = [device for device in cards if device.id == args.device]
        if not cards:
            raise AccountError(f"{user.username} has no such Security Code Card")
        if len(cards) > 1:
            ids = ", ".join(device.id for device in cards)
            raise AccountError(f"{user.username} has several cards; pick one with --device ({ids})")
        out.write(code_card.card_to_csv(device_secrets.device_card(ctx, cards[0])))
    return 0


def _load_scenario(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    scenario = read_scenario(args.file)
    if scenario.policy:
        print("note: the scenario's [policy] applies only with `serve --scenario`", file=sys.stderr)
    for line in load_scenario(ctx, scenario):
        print(f"loaded {line}", file=out)
    return 0


def _migrate(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    """Opening the database migrated it (as every start does); say what that found and did."""
    for line in ctx.db.migration.describe():
        print(line, file=out)
    return 0


def _list_sharing(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    rows = (
        {
            "id": share.share_id,
            "status": share.status,
            "requester": share.requester,
            "owner": share.owner,
            "device": share.device_id,
            "kind": share.device_kind,
        }
        for share in device_sharing.list_all(ctx, pending_only=args.pending)
    )
    _print_table(out, "{id:>6} {status:<9} {requester:<16} {owner:<16} {device:<18} {kind}", rows)
    return 0


def _decide_sharing(ctx: ServerContext, args: argparse.Namespace, out: TextIO) -> int:
    approve = args.admin_command == "approve-sharing"
    share = device_sharing.decide(ctx, args.share_id, approve=approve)
    print(
        f"sharing request {share.share_id} {share.status}: device {share.device_id} of "
        f"{share.owner} for {share.requester}",
        file=out,
    )
    return 0


_COMMANDS = {
    "create-user": _create_user,
    "add-device": _add_device,
    "list-devices": _list_devices,
    "issue-temp-passcode": _issue_temp,
    "reset-device": _reset_device,
    "unlock-user": _unlock_user,
    "export-card": _export_card,
    "load-scenario": _load_scenario,
    "migrate": _migrate,
    "list-sharing": _list_sharing,
    "approve-sharing": _decide_sharing,
    "refuse-sharing": _decide_sharing,
}
