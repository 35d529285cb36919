"""The installers, built and used as a user would: the PyInstaller bundle opens the login window
and serves the API, the Debian package's contents run and its dependencies exist in Debian, the
portable tar.gz runs from wherever it is unpacked. Each stays within its size budget.

The bundle is built once for the whole session (a few minutes: PyInstaller analyses every
import and copies Qt), into a temporary folder, then the .deb and the tar.gz from it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile
import urllib.request
from pathlib import Path

import pytest

from installers.bundle import SIZE_BUDGET_MB, Bundle, build_bundle
from installers.debian import BUDGET_MB as DEB_BUDGET_MB
from installers.debian import build_deb
from installers.portable import BUDGET_MB as PORTABLE_BUDGET_MB
from installers.portable import build_portable, portable_name
from tests.support.process_server import first_line
from tws_companion import __version__

pytestmark = [pytest.mark.package, pytest.mark.timeout(1800)]
ROOT = Path(__file__).resolve().parents[2]
#: How long a started program may take to show what is looked for (a loaded machine).
DEADLINE_S = 90


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    built = tmp_path_factory.mktemp("bundle")
    return build_bundle(dist=built / "dist", work=built / "work")


@pytest.fixture(scope="session")
def deb(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_deb(bundle, dist=tmp_path_factory.mktemp("deb"))


@pytest.fixture(scope="session")
def portable(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_portable(bundle, dist=tmp_path_factory.mktemp("portable"))


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """A user with an empty home: the bundle reads and writes nothing of this machine's user."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QT_", "XDG_", "TWS_COMPANION_", "PYTHON", "DBUS_"))
    }
    env.update(HOME=str(home), LANG="C.UTF-8", TWS_COMPANION_HOME=str(home / "tws"))
    return env


def run(argv: list[str | Path], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=DEADLINE_S,
        check=False,
    )
    assert result.returncode == 0, f"{argv}: {result.returncode}\n{result.stdout}{result.stderr}"
    return result.stdout


# --- the bundle -------------------------------------------------------------------------------


def test_the_bundle_keeps_its_size_budget_and_only_the_qt_it_uses(bundle: Bundle) -> None:
    names = [str(path.relative_to(bundle.folder)) for path in bundle.folder.rglob("*")]
    assert bundle.size_bytes() <= SIZE_BUDGET_MB * 10**6, bundle.largest_files()
    unused = re.compile(r"Qt6(WebEngine|3D|Quick|Qml|Multimedia|Pdf|Svg)|libgtk-3|libcups")
    assert [name for name in names if unused.search(name)] == []
    for shipped in (
        "_internal/resources/translations/tws_companion_zh_CN.qm",
        "_internal/resources/scenarios/demo.toml",
        "_internal/resources/icons/tws-companion.svg",
        "_internal/tws_companion/server/migrations/env.py",
        "_internal/PySide6/Qt/plugins/platforms/libqxcb.so",
        "_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so",
    ):
        assert shipped in names
    assert [n for n in names if n.startswith("_internal/tws_companion/server/migrations/versions")]


def test_the_bundle_prints_its_version(bundle: Bundle, user_env: dict[str, str]) -> None:
    assert run([bundle.executable, "--version"], user_env) == f"tws-companion {__version__}\n"


def test_the_bundle_opens_the_login_window(bundle: Bundle, user_env: dict[str, str]) -> None:
    # On a virtual X display, through Qt's xcb platform (the one a Linux desktop uses, with the
    # system libraries the package depends on), the window is looked for by its title.
    script = (
        '"$1" gui --server http://127.0.0.1:9 & app=$!; '
        f"timeout {DEADLINE_S} xdotool search --sync --onlyvisible --name '^TWS Companion Login' "
        "getwindowname; found=$?; "
        'kill -0 "$app" && alive=yes; kill "$app"; wait "$app"; '
        'echo "alive=${alive:-no}"; exit $found'
    )
    xvfb = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24"]
    shown = run([*xvfb, "sh", "-c", script, "sh", bundle.executable], user_env).splitlines()
    assert shown[0].startswith("TWS Companion Login"), shown
    assert shown[-1] == "alive=yes", "the app still runs once its window is shown"


def test_the_bundle_serves_the_api_with_its_migrations(
    bundle: Bundle, user_env: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    process = subprocess.Popen(
        [bundle.executable, "serve", "--port", "0", "--data-dir", data],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=user_env,
    )
    try:
        line = first_line(process, DEADLINE_S)
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert match, line
        with urllib.request.urlopen(f"{match[1]}/api/v1/health", timeout=30) as answer:
            assert json.load(answer) == {"status": "ok", "version": __version__}
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=DEADLINE_S)
    # The database was made by Alembic from the revisions shipped as files.
    assert (data / "sls.db").exists(), errors


# --- the Debian package -----------------------------------------------------------------------


def control_fields(deb: Path) -> dict[str, str]:
    text = run(["dpkg-deb", "-f", deb])
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith(" "):
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def alternatives(depends: str) -> list[list[str]]:
    """``a (>= 1), b | c`` → ``[["a"], ["b", "c"]]`` (package names only)."""
    return [
        [choice.split("(")[0].strip() for choice in entry.split("|")]
        for entry in depends.split(",")
    ]


def known_to_apt(package: str) -> bool:
    policy = run(["apt-cache", "policy", package])
    return bool(re.search(r"(Installed|Candidate): (?!\(none\))", policy))


def demo_packages() -> list[str]:
    script = '. "$1" && printf "%s\\n" "${DEMO_PACKAGES[@]}"'
    listed = run(["bash", "-c", script, "bash", ROOT / "dev"])
    return [name for name in listed.split() if name.startswith("lib")]


@pytest.fixture(scope="session")
def unpacked(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("unpacked")
    run(["dpkg-deb", "-x", deb, root])
    return root


def test_the_deb_names_its_version_and_depends_on_packages_debian_has(deb: Path) -> None:
    fields = control_fields(deb)
    assert fields["Package"] == "tws-companion"
    assert fields["Version"] == __version__
    assert deb.name == f"tws-companion_{__version__}_{fields['Architecture']}.deb"
    depends = alternatives(fields["Depends"])
    assert ["libc6"] in depends
    for choices in depends:
        assert any(known_to_apt(choice) for choice in choices), choices
    # apt resolves every dependency of the package (simulated: nothing is installed).
    simulated = run(["apt-get", "install", "--simulate", "-qq", str(deb.resolve())])
    assert re.search(r"^Inst tws-companion ", simulated, re.MULTILINE), simulated
    assert deb.stat().st_size <= DEB_BUDGET_MB * 10**6


def test_every_qt_system_library_is_carried_or_a_dependency(
    deb: Path, unpacked: Path, bundle: Bundle
) -> None:
    depends = {name for choices in alternatives(control_fields(deb)["Depends"]) for name in choices}
    carried = {path.name for path in bundle.folder.rglob("*.so*")}
    for package in demo_packages():
        files = run(["dpkg-query", "-L", package]).split()
        libraries = {Path(f).name for f in files if re.search(r"/lib[^/]*\.so\.\d+$", f)}
        assert package in depends or libraries & carried, package


def test_the_debs_program_runs_and_its_desktop_files_validate(
    unpacked: Path, user_env: dict[str, str]
) -> None:
    program = unpacked / "opt" / "tws-companion" / "tws-companion"
    assert run([program, "--version"], user_env) == f"tws-companion {__version__}\n"
    assert (
        os.readlink(unpacked / "usr" / "bin" / "tws-companion")
        == "/opt/tws-companion/tws-companion"
    )
    [desktop] = (unpacked / "usr" / "share" / "applications").glob("*.desktop")
    run(["desktop-file-validate", desktop])
    [metainfo] = (unpacked / "usr" / "share" / "metainfo").glob("*.metainfo.xml")
    run(["appstreamcli", "validate", "--no-net", metainfo])
    icons = unpacked / "usr" / "share" / "icons" / "hicolor"
    icon = desktop.stem
    for size in ("16x16", "48x48", "256x256"):
        assert (icons / size / "apps" / f"{icon}.png").is_file()
    assert f"Icon={icon}\n" in desktop.read_text(encoding="utf-8")


# --- the portable bundle ----------------------------------------------------------------------


def test_the_portable_bundle_runs_through_its_launcher_from_anywhere(
    portable: Path, tmp_path: Path, user_env: dict[str, str]
) -> None:
    assert portable.stat().st_size <= PORTABLE_BUDGET_MB * 10**6
    with tarfile.open(portable) as archive:
        archive.extractall(tmp_path / "unpacked", filter="tar")
    top = tmp_path / "unpacked" / portable_name()
    assert "libc6 (>= 2." in (top / "README.txt").read_text(encoding="utf-8")
    linked = tmp_path / "bin" / "tws-companion"
    linked.parent.mkdir()
    linked.symlink_to(top / "tws-companion")
    assert run([linked, "--version"], user_env) == f"tws-companion {__version__}\n"
    run([top / "install-desktop-entry.sh"], user_env)
    data = Path(user_env["HOME"]) / ".local" / "share"
    [entry] = (data / "applications").glob("*.desktop")
    run(["desktop-file-validate", entry])
    assert f"Exec={top}/tws-companion gui\n" in entry.read_text(encoding="utf-8")
