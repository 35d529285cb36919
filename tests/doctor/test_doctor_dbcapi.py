"""eSignal's ``dbcapi.dll`` (Windows), on any OS: sample PE headers in a fake ``C:\\Jts`` and a
fake eSignal folder; the check's verdicts, and the knowledge base's fix (rename to
``dbcapi_old.dll``, copy ``dbcapi_vc8.dll`` in as ``dbcapi.dll``)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tws_companion.support.dbcapi import DbcapiFixError, check_dbcapi, fix_dbcapi, pe_bits
from tws_companion.support.doctor_findings import Status

I386, AMD64 = 0x014C, 0x8664


def pe(machine: int, body: bytes = b"") -> bytes:
    """A minimal PE image: DOS header pointing at the PE signature, then the COFF machine."""
    dos = bytearray(0x80)
    dos[:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 0x80)
    return bytes(dos) + b"PE\x00\x00" + struct.pack("<H", machine) + bytes(18) + body


@pytest.fixture
def jts(tmp_path: Path) -> Path:
    folder = tmp_path / "Jts"
    folder.mkdir()
    return folder


@pytest.fixture
def esignal(tmp_path: Path) -> Path:
    folder = tmp_path / "Interactive Data" / "DM"
    folder.mkdir(parents=True)
    return folder


def test_pe_bits(tmp_path: Path) -> None:
    for machine, bits in ((I386, 32), (AMD64, 64)):
        (tmp_path / "x.dll").write_bytes(pe(machine))
        assert pe_bits(tmp_path / "x.dll") == bits
    (tmp_path / "x.dll").write_bytes(b"not a library at all")
    with pytest.raises(ValueError, match="no MZ header"):
        pe_bits(tmp_path / "x.dll")
    (tmp_path / "x.dll").write_bytes(pe(I386)[:0x80] + b"NE\x00\x00")
    with pytest.raises(ValueError, match="no PE header"):
        pe_bits(tmp_path / "x.dll")


def test_without_dbcapi_there_is_nothing_to_check(jts: Path, esignal: Path) -> None:
    finding = check_dbcapi(jts, esignal)
    assert (finding.status, finding.code) == (Status.OK, "dbcapi.absent")


def test_esignal_12s_library_in_place_is_ok(jts: Path, esignal: Path) -> None:
    (esignal / "dbcapi_vc8.dll").write_bytes(pe(I386, b"vc8"))
    (jts / "dbcapi.dll").write_bytes(pe(I386, b"vc8"))
    finding = check_dbcapi(jts, esignal)
    assert (finding.status, finding.code) == (Status.OK, "dbcapi.ok")


@pytest.mark.parametrize(("machine", "bits"), [(AMD64, "64"), (I386, "32")])
def test_another_library_than_esignals_is_a_problem_with_the_fix(
    jts: Path, esignal: Path, machine: int, bits: str
) -> None:
    (esignal / "dbcapi_vc8.dll").write_bytes(pe(I386, b"vc8"))
    (jts / "dbcapi.dll").write_bytes(pe(machine, b"tws's own"))
    finding = check_dbcapi(jts, esignal)
    assert (finding.status, finding.code) == (Status.PROBLEM, "dbcapi.mismatch")
    assert f"({bits}-bit)" in finding.summary
    assert "Library dbcapi.dll cannot be loaded" in finding.summary
    assert "dbcapi_old.dll" in finding.action
    assert "--fix-dbcapi" in finding.action


def test_a_64_bit_library_without_esignal_12_points_at_the_32_bit_versions(
    jts: Path, esignal: Path
) -> None:
    (jts / "dbcapi.dll").write_bytes(pe(AMD64))
    finding = check_dbcapi(jts, esignal)
    assert (finding.status, finding.code) == (Status.PROBLEM, "dbcapi.wrong_bits")
    assert "Windows 32-bit" in finding.action


def test_a_32_bit_library_without_esignal_12_is_ok(jts: Path, esignal: Path) -> None:
    (jts / "dbcapi.dll").write_bytes(pe(I386))
    assert check_dbcapi(jts, esignal).code == "dbcapi.no_esignal"


def test_a_damaged_library_is_a_problem(jts: Path, esignal: Path) -> None:
    (jts / "dbcapi.dll").write_bytes(b"\x00" * 10)
    finding = check_dbcapi(jts, esignal)
    assert (finding.status, finding.code) == (Status.PROBLEM, "dbcapi.unreadable")


def test_the_fix_renames_the_old_library_and_copies_esignals(jts: Path, esignal: Path) -> None:
    (esignal / "dbcapi_vc8.dll").write_bytes(pe(I386, b"vc8"))
    (jts / "dbcapi.dll").write_bytes(pe(AMD64, b"tws's own"))
    kept = fix_dbcapi(jts, esignal)
    assert kept == jts / "dbcapi_old.dll"
    assert kept.read_bytes() == pe(AMD64, b"tws's own")
    assert (jts / "dbcapi.dll").read_bytes() == pe(I386, b"vc8")
    assert check_dbcapi(jts, esignal).code == "dbcapi.ok"
    # Applied again (after TWS put its own back): the first old copy is not overwritten.
    (jts / "dbcapi.dll").write_bytes(pe(AMD64, b"again"))
    assert fix_dbcapi(jts, esignal) == jts / "dbcapi_old.2.dll"
    assert kept.read_bytes() == pe(AMD64, b"tws's own")


def test_the_fix_changes_nothing_without_a_32_bit_esignal_library(jts: Path, esignal: Path) -> None:
    (jts / "dbcapi.dll").write_bytes(pe(AMD64, b"tws's own"))
    with pytest.raises(DbcapiFixError, match="not usable"):
        fix_dbcapi(jts, esignal)
    (esignal / "dbcapi_vc8.dll").write_bytes(pe(AMD64))
    with pytest.raises(DbcapiFixError, match="64-bit"):
        fix_dbcapi(jts, esignal)
    assert sorted(p.name for p in jts.iterdir()) == ["dbcapi.dll"]
