"""``tws-companion doctor``: the checks as a table, one line per check, and the doctor's two
repairs, each a separate action: ``--install-api ZIP`` (the TWS API components into the home
folder) and, on Windows, ``--fix-dbcapi`` (eSignal's ``dbcapi.dll``).

Exit status: 0 when no check found a problem (warnings allowed), 1 otherwise; a repair exits 0
when done, 1 when refused.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from tws_companion.support.dbcapi import DbcapiFixError, check_dbcapi, fix_dbcapi
from tws_companion.support.doctor import (
    DoctorSetup,
    doctor_checks,
    run_check,
    worst,
)
from tws_companion.support.doctor_findings import Finding, Status
from tws_companion.support.sizes import human_size
from tws_companion.support.tws_api import ApiInstallError, check_tws_api, install_tws_api

__all__ = ["add_arguments", "display_name", "format_table", "run"]

_HEADER = ("STATUS", "CHECK", "FINDING")


def add_arguments(parser: argparse.ArgumentParser, default_server: str) -> None:
    from tws_companion import settings_command

    parser.add_argument(
        "--server", default=default_server, metavar="URL", help=f"default: {default_server}"
    )
    settings_command.add_home_argument(parser)
    parser.add_argument(
        "--gui",
        action="store_true",
        help="also check what the desktop window needs: a display and fonts for Chinese",
    )
    repair = parser.add_mutually_exclusive_group()
    repair.add_argument(
        "--install-api",
        type=Path,
        metavar="ZIP",
        help="install a downloaded twsapi_macunix.N.M.zip as ~/IBJts (macOS, Linux)",
    )
    repair.add_argument(
        "--fix-dbcapi",
        action="store_true",
        help="Windows: replace C:\\Jts\\dbcapi.dll with eSignal 12's dbcapi_vc8.dll "
        "(the old one is kept as dbcapi_old.dll)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="with --install-api: replace an existing ~/IBJts (it is kept as IBJts.old-...)",
    )


def _line(status: str, title: str, text: str, widths: tuple[int, int]) -> str:
    return f"{status:<{widths[0]}}  {title:<{widths[1]}}  {text}".rstrip()


def format_table(findings: Sequence[Finding]) -> list[str]:
    """A header, then one line per finding: status, check, the finding and what to do."""
    widths = (
        max(len(_HEADER[0]), *(len(f.status.value) for f in findings)),
        max(len(_HEADER[1]), *(len(f.title) for f in findings)),
    )
    lines = [_line(*_HEADER, widths)]
    for finding in findings:
        text = finding.summary
        if finding.action:
            text += f" To do: {finding.action}"
        lines.append(_line(finding.status.value, finding.title, text, widths))
    return lines


def _verdict(findings: Sequence[Finding]) -> str:
    problems = sum(f.status is Status.PROBLEM for f in findings)
    warnings = sum(f.status is Status.WARNING for f in findings)
    if not problems and not warnings:
        return "All checks passed."
    parts = []
    if problems:
        parts.append(f"{problems} problem{'s' if problems > 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings > 1 else ''}")
    return " and ".join(parts) + " found."


def display_name(has_display: Callable[[], bool]) -> str | None:
    """What the GUI would show its windows on, for the display check (``None``: nothing)."""
    if not has_display():
        return None
    for variable in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY"):
        if os.environ.get(variable):
            return f"{variable}={os.environ[variable]}"
    return sys.platform


def _install_api(args: argparse.Namespace, setup: DoctorSetup, out: TextIO) -> int:
    if setup.platform == "win32":
        print(
            "error: --install-api installs the macOS / Unix archive; on Windows, run the TWS API "
            "installer instead",
            file=sys.stderr,
        )
        return 1
    try:
        done = install_tws_api(args.install_api, setup.user_home, replace=args.replace)
    except ApiInstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Installed the TWS API components in {done.folder} "
        f"({done.files} files, {human_size(done.size)}).",
        file=out,
    )
    if done.replaced is not None:
        print(f"The folder it replaced is kept as {done.replaced}.", file=out)
    finding = check_tws_api(setup.user_home)
    print("\n".join(format_table([finding])), file=out)
    return 0 if finding.status is Status.OK else 1


def _fix_dbcapi(setup: DoctorSetup, out: TextIO) -> int:
    if setup.platform != "win32":
        print("error: --fix-dbcapi is for TWS with eSignal on Windows", file=sys.stderr)
        return 1
    try:
        kept = fix_dbcapi(setup.jts_dir, setup.esignal_dir)
    except (DbcapiFixError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"The old dbcapi.dll is kept as {kept}.", file=out)
    finding = check_dbcapi(setup.jts_dir, setup.esignal_dir)
    print("\n".join(format_table([finding])), file=out)
    return 0 if finding.status is Status.OK else 1


def run(
    args: argparse.Namespace,
    out: TextIO,
    *,
    has_display: Callable[[], bool] | None = None,
    setup: DoctorSetup | None = None,
) -> int:
    """The ``doctor`` command. ``has_display`` (the GUI's own test) is needed with ``--gui``;
    ``setup`` replaces what the arguments would describe (tests)."""
    if setup is None:
        setup = DoctorSetup(server=args.server, home=args.home, gui=args.gui)
        if has_display is not None:
            check_display = has_display
            setup.display = lambda: display_name(check_display)
    if args.install_api is not None:
        return _install_api(args, setup, out)
    if args.fix_dbcapi:
        return _fix_dbcapi(setup, out)
    findings = [run_check(check) for check in doctor_checks(setup)]
    print("\n".join(format_table(findings)), file=out)
    print(_verdict(findings), file=out)
    return 1 if worst(findings) is Status.PROBLEM else 0
