"""``tws-companion doctor``: one line per check, exit 0 when nothing is a problem (warnings
allowed), 1 otherwise; ``--install-api ZIP`` as a separate action."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from tests.doctor.test_doctor_tws_api import GOOD, make_zip
from tws_companion import cli

ROOT = Path(__file__).resolve().parents[2]


def doctor(*argv: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = cli.main(["doctor", *argv], out=out)
    return code, out.getvalue().splitlines()


def rows(lines: list[str]) -> dict[str, str]:
    """Each check's line by its title (the lines between the header and the verdict)."""
    found = {}
    for line in lines[1:-1]:
        status, rest = line.split(maxsplit=1)
        title = next(t for t in cli_titles() if rest.startswith(t))
        found[title] = f"{status} {rest[len(title) :].strip()}"
    return found


def cli_titles() -> list[str]:
    from tws_companion.support.doctor_findings import TITLES

    return sorted(TITLES.values(), key=len, reverse=True)


def test_all_passing_exits_0_with_one_line_per_check(
    app_server: str, home: Path, tmp_path: Path
) -> None:
    (home / "IBJts" / "samples").mkdir(parents=True)
    (home / "IBJts" / "source").mkdir()
    code, lines = doctor("--server", app_server, "--home", str(tmp_path / "data"))
    assert code == 0
    assert lines[0].split() == ["STATUS", "CHECK", "FINDING"]
    assert lines[-1] == "All checks passed."
    checks = rows(lines)
    assert list(checks) == [
        "Server", "Certificate", "Clock", "Keyring", "Settings folder", "Free space", "TWS API"
    ]  # fmt: skip
    assert all(line.startswith("ok ") for line in checks.values())
    assert checks["Server"].startswith(f"ok Reached {app_server} in ")


def test_warnings_alone_exit_0(app_server: str, home: Path, tmp_path: Path) -> None:
    code, lines = doctor("--server", app_server, "--home", str(tmp_path / "data"))
    assert code == 0
    assert rows(lines)["TWS API"].startswith("warning The TWS API components are not installed")
    assert "To do: Download twsapi_macunix.N.M.zip" in rows(lines)["TWS API"]
    assert lines[-1] == "1 warning found."


def test_a_problem_exits_1_and_says_what_to_do(home: Path, tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, lines = doctor("--server", f"http://127.0.0.1:{port}", "--home", str(tmp_path))
    assert code == 1
    checks = rows(lines)
    assert checks["Server"].startswith("problem ")
    assert "To do: Check the server address" in checks["Server"]
    assert checks["Keyring"].startswith("problem The keyring keyring.backends.fail.Keyring ")
    assert lines[-1] == "2 problems and 2 warnings found."


def test_with_gui_the_display_and_fonts_are_checked(
    app_server: str, home: Path, tmp_path: Path
) -> None:
    code, lines = doctor("--server", app_server, "--home", str(tmp_path), "--gui")
    checks = rows(lines)
    assert checks["Display"] == "ok A display is available (QT_QPA_PLATFORM=offscreen)."
    assert "Chinese fonts" in checks
    assert code == (1 if checks["Chinese fonts"].startswith("problem") else 0)


def test_install_api(home: Path, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "twsapi_macunix.1030.01.zip", GOOD)
    code, lines = doctor("--install-api", str(archive))
    assert code == 0
    assert lines[0].startswith(f"Installed the TWS API components in {home / 'IBJts'} (4 files, ")
    assert lines[-1].split()[:2] == ["ok", "TWS"]
    # Again: the folder now exists and is kept.
    code, _ = doctor("--install-api", str(archive))
    assert code == 1
    code, lines = doctor("--install-api", str(archive), "--replace")
    assert code == 0
    assert lines[1].startswith(f"The folder it replaced is kept as {home}/IBJts.old-")


def test_install_api_refuses_a_traversal(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_zip(tmp_path / "twsapi_macunix.1.2.zip", {**GOOD, "IBJts/../../x": b"x"})
    code, lines = doctor("--install-api", str(archive))
    assert (code, lines) == (1, [])
    assert "refused: the archive entry 'IBJts/../../x' leaves its folder" in capsys.readouterr().err
    assert list(home.iterdir()) == []
    assert not (tmp_path / "x").exists()


def test_fix_dbcapi_is_for_windows(capsys: pytest.CaptureFixture[str]) -> None:
    if sys.platform == "win32":
        pytest.skip("this is about the other systems")
    code, _ = doctor("--fix-dbcapi")
    assert code == 1
    assert "for TWS with eSignal on Windows" in capsys.readouterr().err


def test_the_installed_command_prints_the_table_and_exits_with_its_status(
    app_server: str, home: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
        "TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
        "TWS_COMPANION_HOME": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tws_companion", "doctor", "--server", app_server],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert rows(lines)["Settings folder"] == (
        f"ok The settings folder {tmp_path / 'data'} is writable."
    )
    assert lines[-1] == "1 warning found."  # the TWS API components
