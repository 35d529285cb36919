"""The TWS API components: the check of ``~/IBJts``, and installing a downloaded
``twsapi_macunix.N.M.zip`` safely (traversal, absolute paths, links, other folders and size
refused; an existing folder kept, or replaced and kept beside)."""

from __future__ import annotations

import stat
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from tws_companion.support import tws_api
from tws_companion.support.doctor_findings import Status
from tws_companion.support.tws_api import ApiInstallError, check_tws_api, install_tws_api

GOOD = {
    "IBJts/": b"",
    "IBJts/API_VersionNum.txt": b"API_Version=10.30.01\n",
    "IBJts/samples/Python/Testbed/Program.py": b"print('testbed')\n",
    "IBJts/source/pythonclient/ibapi/client.py": b"class EClient: ...\n",
    "IBJts/source/cppclient/client/EClient.cpp": b"// client\n",
}


def make_zip(path: Path, entries: dict[str, bytes], *, links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def tree(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.fixture
def download(tmp_path: Path) -> Path:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    return make_zip(folder / "twsapi_macunix.1030.01.zip", GOOD)


def test_missing_components_are_a_warning_with_the_seeds_steps(home: Path) -> None:
    finding = check_tws_api(home)
    assert (finding.status, finding.code) == (Status.WARNING, "tws_api.missing")
    assert str(home / "IBJts") in finding.summary
    assert "twsapi_macunix.N.M.zip" in finding.action
    assert "--install-api" in finding.action


def test_components_without_source_are_a_problem(home: Path) -> None:
    (home / "IBJts" / "samples").mkdir(parents=True)
    finding = check_tws_api(home)
    assert (finding.status, finding.code) == (Status.PROBLEM, "tws_api.incomplete")
    assert finding.params["missing"] == "source"


def test_the_archive_installs_into_the_home_folder(home: Path, download: Path) -> None:
    done = install_tws_api(download, home)
    assert done.folder == home / "IBJts"
    assert done.files == 4
    assert done.size == sum(len(data) for data in GOOD.values())
    assert done.replaced is None
    assert (home / "IBJts" / "source" / "pythonclient" / "ibapi" / "client.py").read_bytes() == (
        GOOD["IBJts/source/pythonclient/ibapi/client.py"]
    )
    assert check_tws_api(home).status is Status.OK
    assert sorted(p.name for p in home.iterdir()) == ["IBJts"]  # nothing left behind


def test_an_existing_folder_is_kept(home: Path, download: Path) -> None:
    mine = home / "IBJts" / "samples" / "mine.py"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own work")
    with pytest.raises(ApiInstallError, match=r"already exists and was kept.*--replace"):
        install_tws_api(download, home)
    assert tree(home) == {"IBJts", "IBJts/samples", "IBJts/samples/mine.py"}


def test_replacing_keeps_the_old_folder_beside_it(home: Path, download: Path) -> None:
    mine = home / "IBJts" / "mine.txt"
    mine.parent.mkdir()
    mine.write_text("my own work")
    done = install_tws_api(download, home, replace=True, now=datetime(2026, 11, 30, 10, 5, 7))
    assert done.replaced == home / "IBJts.old-20261130-100507"
    assert (done.replaced / "mine.txt").read_text() == "my own work"
    assert check_tws_api(home).status is Status.OK


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("IBJts/../../evil.sh", "leaves its folder"),
        ("IBJts/samples/../../.bashrc", "leaves its folder"),
        ("../evil.sh", "leaves its folder"),
        ("/etc/evil.conf", "absolute path"),
        ("C:/Windows/evil.dll", "absolute path"),
        ("IBJts\\..\\evil.sh", "unusual name"),
        ("Documents/evil.sh", "outside IBJts/"),
        (".bashrc", "outside IBJts/"),
    ],
)
def test_an_archive_that_would_write_elsewhere_is_refused(
    home: Path, tmp_path: Path, name: str, why: str
) -> None:
    evil = b"#!/bin/sh\nrm -rf ~\n"
    archive = make_zip(tmp_path / "twsapi_macunix.1.2.zip", {**GOOD, name: evil})
    with pytest.raises(ApiInstallError, match=why):
        install_tws_api(archive, home)
    assert tree(home) == set()
    assert not (tmp_path / "evil.sh").exists()


def test_a_link_in_the_archive_is_refused(home: Path, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", GOOD, links={"IBJts/samples/home": "/root"})
    with pytest.raises(ApiInstallError, match="link or a device"):
        install_tws_api(archive, home)
    assert tree(home) == set()


def test_an_archive_too_large_once_extracted_is_refused(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tws_api, "MAX_BYTES", 1000)
    archive = make_zip(tmp_path / "bomb.zip", {**GOOD, "IBJts/source/zeros": bytes(5000)})
    with pytest.raises(ApiInstallError, match="more than 1000 bytes"):
        install_tws_api(archive, home)
    assert tree(home) == set()


def test_an_archive_without_samples_and_source_is_refused(home: Path, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "other.zip", {"IBJts/readme.txt": b"hello"})
    with pytest.raises(ApiInstallError, match="no IBJts/samples or source"):
        install_tws_api(archive, home)
    assert tree(home) == set()


def test_a_file_that_is_not_a_zip_is_refused(home: Path, tmp_path: Path) -> None:
    (tmp_path / "twsapi_macunix.1.2.zip").write_text("<html>log in first</html>")
    with pytest.raises(ApiInstallError, match="cannot be read as a zip archive"):
        install_tws_api(tmp_path / "twsapi_macunix.1.2.zip", home)
    assert tree(home) == set()
