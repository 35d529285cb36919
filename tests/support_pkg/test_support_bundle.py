"""``tws-companion support bundle``: what the diagnostics zip holds, that it lists exactly that,
that it holds no settings content nor user name, ``--dry-run``, and a write that fails."""

from __future__ import annotations

import io
import logging
import os
import stat
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tws_companion import cli
from tws_companion.storage.paths import user_dir
from tws_companion.support.app_log import install_app_log
from tws_companion.support.bundle import MAX_LOG_BYTES, MAX_TRACES_IN_BUNDLE
from tws_companion.support.environment import collect_environment
from tws_companion.support.locations import pseudonym_key_path
from tws_companion.support.pseudonyms import Pseudonyms
from tws_companion.support.trace_format import LoginTrace, TraceStep
from tws_companion.support.trace_store import TraceStore

USER = "Bob.Trader"
LAYOUT = b"<layout><watchlist>SECRET-LAYOUT-CONTENT AAPL</watchlist></layout>"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def a_trace(home: Path, minutes: int) -> LoginTrace:
    return LoginTrace(
        trace_id=f"{minutes:016x}",
        started_at=NOW + timedelta(minutes=minutes),
        user=Pseudonyms(pseudonym_key_path(home)).of(USER),
        platform="tws",
        surface="dialog",
        outcome="refused",
        duration_ms=10,
        environment=collect_environment(),
        steps=(TraceStep(0, "begin", "credentials"),),
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A machine with a user's settings and backups, an app log and three login traces."""
    machine = tmp_path / "machine"
    folder = user_dir(machine, USER)
    (folder / "backups").mkdir(parents=True)
    (folder / "settings.xml").write_bytes(LAYOUT)
    for n in range(12):
        (folder / "backups" / f"settings-2026113{n % 10}T0900{n:02d}.000000Z.xml").write_bytes(
            LAYOUT
        )
    (machine / "logs").mkdir()
    (machine / "logs" / "tws-companion.log").write_text("09:00 INFO started\n09:01 INFO login\n")
    store = TraceStore(machine / "logs" / "traces")
    for minutes in range(3):
        store.write(a_trace(machine, minutes))
    return machine


def bundle(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(["support", "bundle", *argv], out=out)
    return code, out.getvalue()


def listed_names(printed: str) -> list[str]:
    return [line.split()[0] for line in printed.splitlines() if line.startswith("  ")]


def test_the_bundle_holds_exactly_what_it_lists(home: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.zip"
    code, printed = bundle("--output", str(output), "--home", str(home))
    assert code == 0
    assert printed.startswith(f"Diagnostics bundle written to {output}:")
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        files = {name: archive.read(name) for name in names}
    assert listed_names(printed) == names
    traces = sorted(p.name for p in (home / "logs" / "traces").iterdir())
    assert names == [
        "environment.txt",
        "settings-summary.txt",
        *(f"traces/{name}" for name in reversed(traces)),
        "logs/tws-companion.log",
    ]
    assert printed.splitlines()[-1].startswith(f"{len(names)} files, ")
    assert files["logs/tws-companion.log"] == (home / "logs" / "tws-companion.log").read_bytes()
    environment = files["environment.txt"].decode()
    assert "TWS Companion: " in environment
    assert f"Python: CPython {sys.version.split()[0]}" in environment
    if sys.platform != "win32":
        assert stat.S_IMODE(output.stat().st_mode) == 0o600


def test_the_settings_summary_has_names_sizes_and_counts_but_no_content(
    home: Path, tmp_path: Path
) -> None:
    output = tmp_path / "report.zip"
    assert bundle("--output", str(output), "--home", str(home))[0] == 0
    with zipfile.ZipFile(output) as archive:
        summary = archive.read("settings-summary.txt").decode()
        everything = b"".join(archive.read(name) for name in archive.namelist())
    pseudonym = Pseudonyms(pseudonym_key_path(home)).of(USER)
    assert f"Users with settings on this computer: 1\n  {pseudonym}: 13 files" in summary
    assert f"settings.xml  {len(LAYOUT)} bytes  modified " in summary
    assert "backups/: 12 files" in summary  # many files: summed up, not listed
    assert "Login traces kept: 3" in summary
    assert b"SECRET-LAYOUT-CONTENT" not in everything
    assert b"bob" not in everything.lower()
    assert str(tmp_path).encode() not in everything  # no folder path (it names the OS user)


def test_a_dry_run_lists_the_same_files_and_writes_nothing(home: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.zip"
    code, printed = bundle("--dry-run", "--output", str(output), "--home", str(home))
    assert code == 0
    assert printed.startswith("Dry run, nothing written. The diagnostics bundle would hold:")
    assert not output.exists()
    _code, written = bundle("--output", str(output), "--home", str(home))
    assert listed_names(printed) == listed_names(written)
    assert bundle("--dry-run", "--home", str(home))[0] == 0  # no --output needed


def test_without_output_or_dry_run_it_says_what_is_missing(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bundle("--home", str(home))[0] == 2
    assert "--output PATH" in capsys.readouterr().err


def test_a_failed_write_says_why_and_keeps_the_previous_file(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "unplugged-stick" / "report.zip"
    assert bundle("--output", str(missing), "--home", str(home))[0] == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the bundle was not written:")
    assert "unplugged-stick" in err
    if sys.platform != "win32" and os.geteuid() != 0:
        readonly = tmp_path / "readonly"
        readonly.mkdir()
        (readonly / "report.zip").write_bytes(b"previous")
        readonly.chmod(0o500)
        assert bundle("--output", str(readonly / "report.zip"), "--home", str(home))[0] == 1
        assert (readonly / "report.zip").read_bytes() == b"previous"


def test_only_the_recent_traces_and_the_end_of_a_long_log_go_in(home: Path, tmp_path: Path) -> None:
    store = TraceStore(home / "logs" / "traces")
    for minutes in range(3, 30):
        store.write(a_trace(home, minutes))
    log = home / "logs" / "tws-companion.log"
    log.write_bytes(b"old line\n" * 200_000 + b"the last line\n")
    output = tmp_path / "report.zip"
    assert bundle("--output", str(output), "--home", str(home))[0] == 0
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        kept_log = archive.read("logs/tws-companion.log")
    traces = [name for name in names if name.startswith("traces/")]
    newest = [f"traces/{p.name}" for p in store.paths()[:MAX_TRACES_IN_BUNDLE]]
    assert traces == newest
    assert len(kept_log) == MAX_LOG_BYTES
    assert kept_log.endswith(b"the last line\n")


@pytest.fixture
def app_log(home: Path) -> Iterator[Path]:
    path = install_app_log(home)
    assert path is not None
    yield path
    logger = logging.getLogger("tws_companion")
    for handler in list(logger.handlers):
        if getattr(handler, "baseFilename", None) == str(path):
            logger.removeHandler(handler)
            handler.close()


def test_the_app_log_is_owner_only_rotated_and_in_the_bundle(
    home: Path, app_log: Path, tmp_path: Path
) -> None:
    assert app_log == home / "logs" / "tws-companion.log"
    assert install_app_log(home) == app_log  # a second install adds no second handler
    log = logging.getLogger("tws_companion.support.test")
    log.info("the login window was shown")
    for number in range(20_000):
        log.info("line %05d of a long session", number)
    rotated = app_log.with_name("tws-companion.log.1")
    assert rotated.exists()
    assert app_log.stat().st_size <= 1024 * 1024
    if sys.platform != "win32":
        assert stat.S_IMODE(app_log.stat().st_mode) == 0o600
        assert stat.S_IMODE(rotated.stat().st_mode) == 0o600
    output = tmp_path / "report.zip"
    assert bundle("--output", str(output), "--home", str(home))[0] == 0
    with zipfile.ZipFile(output) as archive:
        assert "logs/tws-companion.log" in archive.namelist()
        assert "logs/tws-companion.log.1" in archive.namelist()
        assert b"line 19999 of a long session" in archive.read("logs/tws-companion.log")
