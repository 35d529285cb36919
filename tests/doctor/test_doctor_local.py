"""The doctor's checks of this computer, each on prepared environments: the keyring (secure,
plaintext, absent, locked), the settings folder, free space, a display, Chinese fonts; and the
list of checks itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked

from tests.support.memory_keyring import MemoryKeyring
from tws_companion.support.doctor import (
    Check,
    DiskUsage,
    DoctorSetup,
    FontList,
    KeyringState,
    check_chinese_fonts,
    check_display,
    check_free_space,
    check_keyring,
    check_settings_folder,
    current_keyring,
    doctor_checks,
    fontconfig_chinese_fonts,
    run_check,
    worst,
)
from tws_companion.support.doctor_findings import MESSAGES, TITLES, Finding, Status

# --- the keyring --------------------------------------------------------------------------------


class PlaintextKeyring(MemoryKeyring):
    """Stands for keyrings.alt's plaintext file backend (judged by the module it comes from)."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")


def test_a_secure_keyring_is_ok() -> None:
    finding = check_keyring(current_keyring())
    assert (finding.status, finding.code) == (Status.OK, "keyring.ok")
    assert "tests.support.memory_keyring" in finding.summary


@pytest.mark.parametrize("backend", [PlaintextKeyring(), fail.Keyring()])  # type: ignore[no-untyped-call]
def test_a_plaintext_or_missing_keyring_is_a_problem(backend: Any) -> None:
    keyring.set_keyring(backend)
    finding = check_keyring(current_keyring())
    assert (finding.status, finding.code) == (Status.PROBLEM, "keyring.insecure")
    assert type(backend).__module__ in finding.summary
    assert "GNOME Keyring" in finding.action


def test_a_locked_keyring_is_a_problem_saying_to_unlock_it() -> None:
    keyring.set_keyring(LockedKeyring())
    finding = check_keyring(current_keyring())
    assert (finding.status, finding.code) == (Status.PROBLEM, "keyring.unusable")
    assert "could not read" in finding.summary
    assert finding.action.startswith("Unlock the keyring")


# --- the settings folder ------------------------------------------------------------------------


def test_a_writable_settings_folder_is_ok_and_made_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "tws-companion"
    finding = check_settings_folder(folder)
    assert (finding.status, finding.code) == (Status.OK, "settings_folder.ok")
    assert folder.is_dir()
    assert list(folder.iterdir()) == []  # the probe file is gone
    if sys.platform != "win32":
        assert folder.stat().st_mode & 0o777 == 0o700


def test_a_settings_folder_that_cannot_be_made_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the folder should be")
    finding = check_settings_folder(tmp_path / "blocked" / "tws-companion")
    assert (finding.status, finding.code) == (Status.PROBLEM, "settings_folder.unwritable")
    assert "--home" in finding.action


@contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """``folder`` made read-only for this process; yields the reason the system then gives for a
    file refused in it. A user loses the folder's write permission; root, whom permissions do not
    bind, gets the folder marked immutable (``chattr +i``), which binds root too."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield "Permission denied"
        finally:
            folder.chmod(0o700)
        return
    marked = subprocess.run(
        ["chattr", "+i", str(folder)], capture_output=True, text=True, check=False
    )
    if marked.returncode != 0:  # no chattr, or a file system without the attribute (overlayfs)
        pytest.skip(f"root cannot make a folder read-only here: {marked.stderr.strip()}")
    try:
        yield "Operation not permitted"
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows folders have no write permission")
def test_a_read_only_settings_folder_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o700)
    with read_only(folder) as reason:
        finding = check_settings_folder(folder)
        assert list(folder.iterdir()) == []
    assert (finding.status, finding.code) == (Status.PROBLEM, "settings_folder.unwritable")
    assert f"cannot be written: {reason}." in finding.summary


#: The check of a folder, in a process whose files may hold nothing (RLIMIT_FSIZE 0): files can be
#: made but not written, as on a full drive or past a quota; root is bound by it too.
NO_FILE_SIZE = """
import json, resource, signal, sys
from pathlib import Path
from tws_companion.support.doctor import check_settings_folder
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails instead of killing the process
resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
finding = check_settings_folder(Path(sys.argv[1]))
print(json.dumps([finding.status.value, finding.code, finding.summary]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no file size limit on Windows")
def test_a_settings_folder_where_nothing_can_be_written_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "full"
    folder.mkdir(mode=0o700)
    checked = subprocess.run(
        [sys.executable, "-c", NO_FILE_SIZE, str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    status, code, summary = json.loads(checked.stdout)
    assert (status, code) == (Status.PROBLEM.value, "settings_folder.unwritable")
    assert "cannot be written: File too large." in summary
    assert list(folder.iterdir()) == []  # the probe file is gone


@pytest.mark.parametrize(
    ("free", "status", "code"),
    [
        (10 * 1024**3, Status.OK, "free_space.ok"),
        (100 * 1024**2, Status.WARNING, "free_space.low"),
        (5 * 1024**2, Status.PROBLEM, "free_space.full"),
    ],
)
def test_free_space(tmp_path: Path, free: int, status: Status, code: str) -> None:
    asked: list[Path] = []

    def usage(path: Path) -> DiskUsage:
        asked.append(path)
        return DiskUsage(total=free * 2, used=free, free=free)

    finding = check_free_space(tmp_path / "not" / "made" / "yet", usage)
    assert (finding.status, finding.code) == (status, code)
    assert asked == [tmp_path]  # the nearest folder that exists
    assert finding.params["free"] in finding.summary


def test_free_space_of_the_real_drive(tmp_path: Path) -> None:
    finding = check_free_space(tmp_path)
    assert finding.code.startswith("free_space.")
    assert "free on the drive" in finding.summary


def test_free_space_that_cannot_be_measured_is_a_warning(tmp_path: Path) -> None:
    def broken(path: Path) -> DiskUsage:
        raise PermissionError(13, "Permission denied")

    finding = check_free_space(tmp_path, broken)
    assert (finding.status, finding.code) == (Status.WARNING, "free_space.unknown")


# --- what the GUI needs -------------------------------------------------------------------------


def test_display() -> None:
    assert check_display(None).status is Status.PROBLEM
    assert "xvfb-run" in check_display(None).action
    ok = check_display("DISPLAY=:0")
    assert (ok.status, ok.summary) == (Status.OK, "A display is available (DISPLAY=:0).")


def fake_fc_list(stdout: str) -> Any:
    def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        assert command == ["fc-list", ":lang=zh", "family"]
        return subprocess.CompletedProcess(command, 0, stdout=stdout, stderr="")

    return run


def test_chinese_fonts_listed_by_fontconfig() -> None:
    listed = "Noto Sans CJK SC,Noto Sans CJK SC Regular\nAR PL UMing CN\nNoto Sans CJK SC\n"
    fonts = fontconfig_chinese_fonts(fake_fc_list(listed))
    assert fonts == FontList(["AR PL UMing CN", "Noto Sans CJK SC"])
    finding = check_chinese_fonts(fonts)
    assert (finding.status, finding.code) == (Status.OK, "chinese_fonts.ok")
    assert "AR PL UMing CN, Noto Sans CJK SC" in finding.summary


def test_no_chinese_font_is_a_problem_saying_what_to_install() -> None:
    finding = check_chinese_fonts(fontconfig_chinese_fonts(fake_fc_list("")))
    assert (finding.status, finding.code) == (Status.PROBLEM, "chinese_fonts.missing")
    assert "fonts-noto-cjk" in finding.action


def test_fonts_that_cannot_be_listed_are_a_warning() -> None:
    def missing(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        raise FileNotFoundError(2, "No such file or directory", "fc-list")

    finding = check_chinese_fonts(fontconfig_chinese_fonts(missing))
    assert (finding.status, finding.code) == (Status.WARNING, "chinese_fonts.unknown")
    assert "fc-list is not installed" in finding.summary


def test_many_fonts_are_summed_up() -> None:
    finding = check_chinese_fonts(FontList([f"Font {n}" for n in range(7)]))
    assert finding.params["fonts"] == "Font 0, Font 1, Font 2 (+4)"


# --- the list ---------------------------------------------------------------------------------


def prepared(tmp_path: Path, **changes: Any) -> DoctorSetup:
    from tws_companion.client.server_probe import ServerProbe

    def probe(url: str, verify: bool | str, now: Any) -> ServerProbe:
        return ServerProbe(url=url, base_url=url)

    fields: dict[str, Any] = {
        "server": "http://127.0.0.1:1",
        "home": tmp_path / "data",
        "user_home": tmp_path,
        "probe": probe,
        "keyring": lambda: KeyringState("Memory", secure=True),
    }
    return DoctorSetup(**(fields | changes))


def test_the_checks_follow_the_platform_and_the_gui(tmp_path: Path) -> None:
    ids = [check.id for check in doctor_checks(prepared(tmp_path, platform="linux"))]
    assert ids == [
        "server", "certificate", "clock", "keyring", "settings_folder", "free_space", "tws_api"
    ]  # fmt: skip
    windows = [check.id for check in doctor_checks(prepared(tmp_path, platform="win32"))]
    assert windows[-1] == "dbcapi"
    assert "tws_api" not in windows
    gui = [check.id for check in doctor_checks(prepared(tmp_path, gui=True))]
    assert gui[-3:-1] == ["display", "chinese_fonts"]
    assert list(TITLES) == [i for i in TITLES if i in {*ids, *windows, *gui}]


def test_the_server_is_probed_once_for_its_three_checks(tmp_path: Path) -> None:
    from tws_companion.client.server_probe import ServerProbe

    probes: list[str] = []

    def probe(url: str, verify: bool | str, now: Any) -> ServerProbe:
        probes.append(url)
        return ServerProbe(url=url, base_url=url, error=ValueError("no"))

    findings = [run_check(check) for check in doctor_checks(prepared(tmp_path, probe=probe))]
    assert probes == ["http://127.0.0.1:1"]
    assert [f.check for f in findings][:3] == ["server", "certificate", "clock"]


def test_a_check_that_crashes_is_a_problem_not_an_exception() -> None:
    def broken() -> Finding:
        raise RuntimeError("boom")

    finding = run_check(Check("keyring", broken))
    assert (finding.status, finding.code) == (Status.PROBLEM, "check.failed")
    assert finding.summary == "The check failed: RuntimeError."


def test_worst() -> None:
    ok = Finding("keyring", Status.OK, "keyring.ok", {"backend": "x"})
    warning = Finding("clock", Status.WARNING, "clock.no_date")
    problem = Finding("display", Status.PROBLEM, "display.missing")
    assert worst([]) is Status.OK
    assert worst([ok, warning]) is Status.WARNING
    assert worst([problem, ok, warning]) is Status.PROBLEM


def test_every_wording_fills_in_and_names_a_known_check() -> None:
    for code, (summary, action) in MESSAGES.items():
        assert code.split(".")[0] in TITLES or code == "check.failed"
        assert summary.endswith("."), code
        assert not action or action[0].isupper(), code
    with pytest.raises(ValueError, match="unknown finding"):
        Finding("clock", Status.OK, "clock.perfect")
