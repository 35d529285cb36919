"""Which PINs each device kind accepts."""

from __future__ import annotations

import pytest

from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.pins import pin_problem


@pytest.mark.parametrize("pin", ["1234", "0000"])
def test_a_dsc_plus_takes_four_digits(pin: str) -> None:
    assert pin_problem(DeviceKind.DSC_PLUS, pin) is None


@pytest.mark.parametrize("pin", [None, "123", "12345", "12a4", "١٢٣٤", "12 4"])
def test_a_dsc_plus_refuses_anything_else(pin: str | None) -> None:
    assert pin_problem(DeviceKind.DSC_PLUS, pin) == "a dsc_plus PIN has exactly 4 digits"


@pytest.mark.parametrize("pin", ["1234", "123456", "ab12", "Pa$5w!", "#%&*"])
def test_an_ib_key_takes_four_to_six_letters_digits_or_symbols(pin: str) -> None:
    assert pin_problem(DeviceKind.IB_KEY, pin) is None


@pytest.mark.parametrize("pin", [None, "123", "1234567", "ab 12", "pässe", "12\x0034"])
def test_an_ib_key_refuses_other_pins(pin: str | None) -> None:
    problem = pin_problem(DeviceKind.IB_KEY, pin)
    assert problem is not None
    assert "4 to 6 characters" in problem


def test_a_code_card_takes_no_pin() -> None:
    assert pin_problem(DeviceKind.CODE_CARD, None) is None
    assert pin_problem(DeviceKind.CODE_CARD, "1234") == "a code_card device takes no PIN"
