"""Device kinds: the table of DESIGN.md section 3 (levels, withdrawal limits, OCRA suites)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tws_companion.protocol import ChallengeType
from tws_companion.sls import ocra, policy
from tws_companion.sls.devices import (
    DEVICE_SPECS,
    DSC_PLUS_OCRA_SUITE,
    IB_KEY_OCRA_SUITE,
    LEGACY_CARD_OCRA_SUITE,
    LEGACY_DSC_OCRA_SUITE,
    DeviceKind,
    SecurityLevel,
    WithdrawalLimit,
    spec,
)

M = Decimal(1_000_000)


def test_every_kind_has_a_spec_under_its_own_name() -> None:
    assert set(DEVICE_SPECS) == set(DeviceKind)
    for kind, device in DEVICE_SPECS.items():
        assert device.kind is kind


def test_kind_names_are_the_wire_names() -> None:
    assert [kind.value for kind in DeviceKind] == [
        "dsc_plus",
        "ib_key",
        "code_card",
        "sms",
        "temporary",
        "online_card",
        "dsc",
        "gold",
        "platinum",
    ]


@pytest.mark.parametrize(
    ("kind", "per_day", "per_five_days"),
    [
        (DeviceKind.DSC_PLUS, None, None),
        (DeviceKind.IB_KEY, M, M),
        (DeviceKind.CODE_CARD, Decimal(200_000), Decimal(600_000)),
        (DeviceKind.SMS, Decimal(200_000), Decimal(600_000)),
        (DeviceKind.TEMPORARY, Decimal(0), Decimal(0)),
        (DeviceKind.ONLINE_CARD, Decimal(200_000), Decimal(600_000)),
        (DeviceKind.DSC, M, Decimal(1_500_000)),
        (DeviceKind.GOLD, None, None),
        (DeviceKind.PLATINUM, None, None),
    ],
)
def test_withdrawal_limits(
    kind: DeviceKind, per_day: Decimal | None, per_five_days: Decimal | None
) -> None:
    limit = spec(kind).withdrawal_limit
    assert limit.per_day == per_day
    assert limit.per_five_business_days == per_five_days
    assert limit.unlimited is (per_day is None)


def test_withdrawal_limit_boundaries() -> None:
    card = spec(DeviceKind.CODE_CARD).withdrawal_limit
    assert card.allows(Decimal(200_000), Decimal(600_000))
    assert not card.allows(Decimal("200000.01"), Decimal("200000.01"))
    assert not card.allows(Decimal(100_000), Decimal("600000.01"))


def test_unlimited_devices_allow_any_amount() -> None:
    assert spec(DeviceKind.DSC_PLUS).withdrawal_limit.allows(Decimal(10**12), Decimal(10**13))


def test_temporary_passcode_allows_no_withdrawal() -> None:
    limit = spec(DeviceKind.TEMPORARY).withdrawal_limit
    assert limit.allows(Decimal(0), Decimal(0))
    assert not limit.allows(Decimal("0.01"), Decimal("0.01"))


def test_half_limited_withdrawal_limit() -> None:
    limit = WithdrawalLimit(Decimal(10), None)
    assert not limit.unlimited
    assert limit.allows(Decimal(10), Decimal(10**9))
    assert not limit.allows(Decimal(11), Decimal(11))


def test_security_levels_order() -> None:
    level = {kind: spec(kind).level for kind in DeviceKind}
    assert level[DeviceKind.DSC_PLUS] == SecurityLevel.HIGHEST
    assert level[DeviceKind.CODE_CARD] == SecurityLevel.LOWEST
    permanent = [kind for kind in DeviceKind if not spec(kind).temporary]
    assert max(permanent, key=level.__getitem__) is DeviceKind.DSC_PLUS
    assert min(permanent, key=level.__getitem__) is DeviceKind.CODE_CARD
    assert level[DeviceKind.DSC_PLUS] > level[DeviceKind.IB_KEY] > level[DeviceKind.SMS]
    assert level[DeviceKind.SMS] > level[DeviceKind.CODE_CARD]
    assert level[DeviceKind.ONLINE_CARD] > level[DeviceKind.CODE_CARD]
    for legacy in (DeviceKind.DSC, DeviceKind.GOLD, DeviceKind.PLATINUM):
        assert level[legacy] == SecurityLevel.HIGH
    assert level[DeviceKind.TEMPORARY] < level[DeviceKind.CODE_CARD]


def test_suites() -> None:
    assert DSC_PLUS_OCRA_SUITE == "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"
    assert IB_KEY_OCRA_SUITE == "OCRA-1:HOTP-SHA256-8:QN08-PSHA1"
    assert LEGACY_DSC_OCRA_SUITE == "OCRA-1:HOTP-SHA1-8:QN06"
    assert LEGACY_CARD_OCRA_SUITE == "OCRA-1:HOTP-SHA256-8:QN06"
    assert spec(DeviceKind.DSC_PLUS).ocra_suite == DSC_PLUS_OCRA_SUITE
    assert spec(DeviceKind.IB_KEY).ocra_suite == IB_KEY_OCRA_SUITE


def test_suites_have_the_lengths_of_the_policy() -> None:
    # The GUI sizes its fields from the policy's names; the suites must agree with them.
    assert ocra.challenge_digits(DSC_PLUS_OCRA_SUITE) == policy.DSC_PLUS_CHALLENGE_DIGITS
    assert ocra.challenge_digits(IB_KEY_OCRA_SUITE) == policy.IB_KEY_CHALLENGE_DIGITS
    for legacy in (LEGACY_DSC_OCRA_SUITE, LEGACY_CARD_OCRA_SUITE):
        assert ocra.challenge_digits(legacy) == policy.LEGACY_CHALLENGE_DIGITS
    suites = {spec(kind).ocra_suite for kind in DeviceKind} - {None}
    assert len(suites) == 4
    for suite in suites:
        assert suite is not None
        assert ocra.response_digits(suite) == policy.OCRA_RESPONSE_DIGITS


@pytest.mark.parametrize("kind", list(DeviceKind))
def test_ocra_devices_have_a_working_suite(kind: DeviceKind) -> None:
    device = spec(kind)
    if device.challenge is not ChallengeType.OCRA:
        assert device.ocra_suite is None
        assert not device.uses_pin
        return
    assert device.ocra_suite is not None
    pin = "1234" if device.uses_pin else None
    challenge = ocra.new_numeric_challenge(ocra.challenge_digits(device.ocra_suite))
    response = ocra.compute_response(device.ocra_suite, b"k" * 32, challenge, pin=pin)
    assert ocra.verify_response(device.ocra_suite, b"k" * 32, challenge, response, pin=pin)


def test_pin_devices() -> None:
    assert {kind for kind in DeviceKind if spec(kind).uses_pin} == {
        DeviceKind.DSC_PLUS,
        DeviceKind.IB_KEY,
    }


def test_challenge_types() -> None:
    assert spec(DeviceKind.CODE_CARD).challenge is ChallengeType.INDICES
    assert spec(DeviceKind.ONLINE_CARD).challenge is ChallengeType.INDICES
    assert spec(DeviceKind.SMS).challenge is ChallengeType.OOB
    assert spec(DeviceKind.TEMPORARY).challenge is ChallengeType.PASSCODE


def test_temporary_and_legacy_flags() -> None:
    assert {kind for kind in DeviceKind if spec(kind).temporary} == {
        DeviceKind.TEMPORARY,
        DeviceKind.ONLINE_CARD,
    }
    assert {kind for kind in DeviceKind if not spec(kind).issued} == {
        DeviceKind.DSC,
        DeviceKind.GOLD,
        DeviceKind.PLATINUM,
    }


def test_spec_by_name_and_unknown_name() -> None:
    assert spec("ib_key") is DEVICE_SPECS[DeviceKind.IB_KEY]
    with pytest.raises(ValueError):
        spec("yubikey")
