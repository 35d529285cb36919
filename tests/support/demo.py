"""The demo scenario's secrets, and a scenario with extra users for end-to-end tests."""

from __future__ import annotations

import re
from pathlib import Path

from tws_companion.sls import ocra
from tws_companion.sls.devices import DSC_PLUS_OCRA_SUITE, IB_KEY_OCRA_SUITE
from tws_companion.storage.outbox import read_messages

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "scenarios" / "demo.toml"
DSC_PLUS_KEY = bytes.fromhex("5f367d63fdd1cd6278e3de73aadc16aec9c7f0c9af5e853acded3346fc5be290")
IB_KEY_KEY = bytes.fromhex("607fe6cf262e65b01fffa5209aec66ae26522bbc194a86b552d6c2e51e39e4b2")
SOLO_KEY = bytes.fromhex("dac26abd423ff3f22c1db1b68d785b3d62fe961f6970f0647432e6a93547de13")
PARTNER_KEY = bytes.fromhex("d6bf2c7c6397017e467c85c12cdd4079941ae9042c382afe2ace59ce67f590e8")

EXTRA_USERS = """
[[users]]
username = "locky"
password = "locky-pass-1"
phone = "+15555550177"

[[users.devices]]
kind = "sms"

[[users]]
username = "traveller"
password = "traveller-pass-1"
phone = "+15555550188"

[[users.devices]]
id = "traveller-dscplus"
kind = "dsc_plus"
secret_hex = "5f367d63fdd1cd6278e3de73aadc16aec9c7f0c9af5e853acded3346fc5be290"
pin = "8642"
"""


def write_scenario(folder: Path) -> Path:
    """The demo users plus ``locky`` (SMS only) and ``traveller`` (a DSC+)."""
    scenario = folder / "scenario.toml"
    scenario.write_text(DEMO.read_text(encoding="utf-8") + EXTRA_USERS, encoding="utf-8")
    return scenario


def dsc_plus_response(challenge: str, pin: str = "1234") -> str:
    return ocra.compute_response(DSC_PLUS_OCRA_SUITE, DSC_PLUS_KEY, challenge, pin=pin)


def ib_key_response(challenge: str, key: bytes = IB_KEY_KEY, pin: str = "2580") -> str:
    return ocra.compute_response(IB_KEY_OCRA_SUITE, key, challenge, pin=pin)


def code_in(text: str) -> str:
    """The code in an SMS ("... is 123456.") or a voice script ("... is: 1, 2, 3, 4, 5, 6.")."""
    found = re.search(r"\d(?:,? ?\d){5}", text)
    assert found, "no code in the message"
    return re.sub(r"\D", "", found.group())


def latest_code(outbox: Path, channel: str) -> str:
    messages = [m for m in read_messages(outbox) if m.channel == channel]
    assert messages, f"no {channel} message in the outbox"
    return code_in(messages[-1].text)
