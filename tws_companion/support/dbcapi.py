"""eSignal's ``dbcapi.dll`` on Windows: the doctor's check and the knowledge base's fix.

The error "Library dbcapi.dll cannot be loaded" (TWS with the eSignal data feed) has two causes
in the knowledge base: A, TWS or eSignal is not the 32-bit version; B, ``C:\\Jts\\dbcapi.dll`` is
not the library 32-bit eSignal 12 needs. Fix B: rename ``C:\\Jts\\dbcapi.dll`` to
``dbcapi_old.dll``, copy ``dbcapi_vc8.dll`` from the eSignal folder (most commonly
``C:\\Program Files (x86)\\Common Files\\Interactive Data\\DM``) into ``C:\\Jts`` and rename it
``dbcapi.dll``.

Which is which is read from the libraries' PE headers (the machine field of the COFF header), so
the logic runs, and is tested, on any operating system with the folders passed in.
"""

from __future__ import annotations

import shutil
import struct
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Final

from tws_companion.support.doctor_findings import Finding, Status

__all__ = [
    "ESIGNAL_DIR",
    "JTS_DIR",
    "DbcapiFixError",
    "check_dbcapi",
    "fix_dbcapi",
    "pe_bits",
]

JTS_DIR: Final = PureWindowsPath(r"C:\Jts")
ESIGNAL_DIR: Final = PureWindowsPath(r"C:\Program Files (x86)\Common Files\Interactive Data\DM")
DBCAPI: Final = "dbcapi.dll"
ESIGNAL_DBCAPI: Final = "dbcapi_vc8.dll"
OLD_DBCAPI: Final = "dbcapi_old.dll"

#: COFF machine types: 32-bit x86, and the 64-bit ones.
_MACHINES: Final = {0x014C: 32, 0x8664: 64, 0xAA64: 64, 0x0200: 64}
#: The DOS header's pointer to the PE signature, and a sane bound for it.
_LFANEW_OFFSET: Final = 0x3C
_MAX_LFANEW: Final = 64 * 1024


class DbcapiFixError(Exception):
    """The fix was not applied (nothing was changed)."""


def pe_bits(path: Path) -> int:
    """32 or 64: the bitness of the Windows library at ``path``; :class:`ValueError` when it
    is not one (:class:`OSError` when it cannot be read)."""
    with open(path, "rb") as file:
        head = file.read(_LFANEW_OFFSET + 4)
        if len(head) < _LFANEW_OFFSET + 4 or head[:2] != b"MZ":
            raise ValueError("no MZ header")
        (lfanew,) = struct.unpack_from("<I", head, _LFANEW_OFFSET)
        if lfanew > _MAX_LFANEW:
            raise ValueError("no PE header")
        file.seek(lfanew)
        pe = file.read(6)
    if len(pe) < 6 or pe[:4] != b"PE\x00\x00":
        raise ValueError("no PE header")
    (machine,) = struct.unpack_from("<H", pe, 4)
    if machine not in _MACHINES:
        raise ValueError(f"unknown machine type 0x{machine:04x}")
    return _MACHINES[machine]


@dataclass(frozen=True)
class _Esignal:
    path: Path
    bits: int


def _esignal(esignal_dir: Path) -> _Esignal | None:
    path = esignal_dir / ESIGNAL_DBCAPI
    try:
        return _Esignal(path, pe_bits(path))
    except (OSError, ValueError):
        return None


def check_dbcapi(jts_dir: Path, esignal_dir: Path) -> Finding:
    """Whether TWS's ``dbcapi.dll`` suits 32-bit eSignal 12 (see the module's description)."""
    path = jts_dir / DBCAPI
    if not path.exists():
        return Finding("dbcapi", Status.OK, "dbcapi.absent", {"path": str(path)})
    esignal = _esignal(esignal_dir)
    try:
        bits = pe_bits(path)
    except (OSError, ValueError) as exc:
        if esignal is None:
            params = {"path": str(path), "reason": str(exc)}
            return Finding("dbcapi", Status.PROBLEM, "dbcapi.unreadable", params)
        bits = 0
    if esignal is None:
        if bits == 64:
            return Finding("dbcapi", Status.PROBLEM, "dbcapi.wrong_bits", {"path": str(path)})
        return Finding("dbcapi", Status.OK, "dbcapi.no_esignal", {"path": str(path), "bits": "32"})
    if bits == esignal.bits and path.read_bytes() == esignal.path.read_bytes():
        return Finding("dbcapi", Status.OK, "dbcapi.ok", {"path": str(path)})
    params = {
        "path": str(path),
        "bits": str(bits) if bits else "?",
        "esignal": str(esignal.path),
        "esignal_bits": str(esignal.bits),
        "esignal_dir": str(esignal_dir),
    }
    return Finding("dbcapi", Status.PROBLEM, "dbcapi.mismatch", params)


def fix_dbcapi(jts_dir: Path, esignal_dir: Path) -> Path:
    """Apply fix B: ``dbcapi.dll`` renamed ``dbcapi_old.dll`` (or ``dbcapi_old.2.dll``... when
    that name is taken), then eSignal's ``dbcapi_vc8.dll`` copied in as ``dbcapi.dll``.

    Returns the name the old library was kept under. Raises :class:`DbcapiFixError`, changing
    nothing, when eSignal's library is missing or not a 32-bit library.
    """
    source = esignal_dir / ESIGNAL_DBCAPI
    try:
        bits = pe_bits(source)
    except (OSError, ValueError) as exc:
        raise DbcapiFixError(f"{source} is not usable: {exc}") from exc
    if bits != 32:
        raise DbcapiFixError(f"{source} is {bits}-bit; eSignal 12's library is 32-bit")
    target = jts_dir / DBCAPI
    kept = jts_dir / OLD_DBCAPI
    number = 1
    while kept.exists():
        number += 1
        kept = jts_dir / f"dbcapi_old.{number}.dll"
    if target.exists():
        target.rename(kept)
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        if kept.exists() and not target.exists():
            kept.rename(target)
        raise DbcapiFixError(f"{source} could not be copied: {exc}") from exc
    return kept
