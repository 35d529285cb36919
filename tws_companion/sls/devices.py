"""Second-factor device kinds: how each is answered, its security level, its withdrawal limits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

from tws_companion.protocol import ChallengeType
from tws_companion.sls.policy import (
    DSC_PLUS_CHALLENGE_DIGITS,
    IB_KEY_CHALLENGE_DIGITS,
    LEGACY_CHALLENGE_DIGITS,
    OCRA_RESPONSE_DIGITS,
)

#: RFC 6287 suites, built from the lengths in ``sls/policy.py``.
#: DSC+, ``OCRA-1:HOTP-SHA256-8:QN06-PSHA1``: a 6-digit challenge (the seeds fix it) although
#: RFC 6287 IC4 wants a challenge at least as long as the 8-digit response: a documented deviation.
DSC_PLUS_OCRA_SUITE = (
    f"OCRA-1:HOTP-SHA256-{OCRA_RESPONSE_DIGITS}:QN{DSC_PLUS_CHALLENGE_DIGITS:02d}-PSHA1"
)
#: IB Key, ``OCRA-1:HOTP-SHA256-8:QN08-PSHA1``: the suite of RFC 6287's own test vectors.
IB_KEY_OCRA_SUITE = (
    f"OCRA-1:HOTP-SHA256-{OCRA_RESPONSE_DIGITS}:QN{IB_KEY_CHALLENGE_DIGITS:02d}-PSHA1"
)
#: Legacy devices (no longer issued) keep working: a challenge and a response, without a PIN
#: (``OCRA-1:HOTP-SHA1-8:QN06`` and ``OCRA-1:HOTP-SHA256-8:QN06``).
LEGACY_DSC_OCRA_SUITE = f"OCRA-1:HOTP-SHA1-{OCRA_RESPONSE_DIGITS}:QN{LEGACY_CHALLENGE_DIGITS:02d}"
LEGACY_CARD_OCRA_SUITE = (
    f"OCRA-1:HOTP-SHA256-{OCRA_RESPONSE_DIGITS}:QN{LEGACY_CHALLENGE_DIGITS:02d}"
)


class DeviceKind(StrEnum):
    DSC_PLUS = "dsc_plus"
    IB_KEY = "ib_key"
    CODE_CARD = "code_card"
    SMS = "sms"
    TEMPORARY = "temporary"
    ONLINE_CARD = "online_card"
    DSC = "dsc"
    GOLD = "gold"
    PLATINUM = "platinum"


class SecurityLevel(IntEnum):
    """Higher is more secure; device sharing must share the most secure device (KB2481)."""

    NONE = 0
    LOWEST = 1
    LOW = 2
    HIGH = 3
    HIGHEST = 4


@dataclass(frozen=True, slots=True)
class WithdrawalLimit:
    """USD limits of a withdrawal confirmed with a device; ``None`` means unlimited."""

    per_day: Decimal | None
    per_five_business_days: Decimal | None

    @property
    def unlimited(self) -> bool:
        return self.per_day is None and self.per_five_business_days is None

    def allows(self, amount_today: Decimal, amount_five_days: Decimal) -> bool:
        """Whether totals (including the new withdrawal) stay within both limits."""
        day_ok = self.per_day is None or amount_today <= self.per_day
        week_ok = (
            self.per_five_business_days is None or amount_five_days <= self.per_five_business_days
        )
        return day_ok and week_ok


UNLIMITED = WithdrawalLimit(None, None)
NO_WITHDRAWALS = WithdrawalLimit(Decimal(0), Decimal(0))


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    kind: DeviceKind
    #: What the seeds call it (English; the GUI shows its own translated names).
    name: str
    level: SecurityLevel
    challenge: ChallengeType
    withdrawal_limit: WithdrawalLimit
    #: The OCRA suite for ``ChallengeType.OCRA`` devices.
    ocra_suite: str | None = None
    #: Whether the OCRA suite takes the device PIN (``P`` data input).
    uses_pin: bool = False
    #: Temporary devices (temporary passcode, online card) expire; permanent ones do not.
    temporary: bool = False
    #: Still issued today (legacy devices keep working but are not issued).
    issued: bool = True


def _limit(per_day: int, per_five_days: int) -> WithdrawalLimit:
    return WithdrawalLimit(Decimal(per_day), Decimal(per_five_days))


DEVICE_SPECS: dict[DeviceKind, DeviceSpec] = {
    DeviceKind.DSC_PLUS: DeviceSpec(
        DeviceKind.DSC_PLUS,
        "Digital Security Card+",
        SecurityLevel.HIGHEST,
        ChallengeType.OCRA,
        UNLIMITED,
        ocra_suite=DSC_PLUS_OCRA_SUITE,
        uses_pin=True,
    ),
    DeviceKind.IB_KEY: DeviceSpec(
        DeviceKind.IB_KEY,
        "IB Key",
        SecurityLevel.HIGH,
        ChallengeType.OCRA,
        _limit(1_000_000, 1_000_000),
        ocra_suite=IB_KEY_OCRA_SUITE,
        uses_pin=True,
    ),
    DeviceKind.CODE_CARD: DeviceSpec(
        DeviceKind.CODE_CARD,
        "Security Code Card",
        SecurityLevel.LOWEST,
        ChallengeType.INDICES,
        _limit(200_000, 600_000),
    ),
    DeviceKind.SMS: DeviceSpec(
        DeviceKind.SMS,
        "SMS",
        SecurityLevel.LOW,
        ChallengeType.OOB,
        _limit(200_000, 600_000),
    ),
    DeviceKind.TEMPORARY: DeviceSpec(
        DeviceKind.TEMPORARY,
        "temporary passcode",
        SecurityLevel.NONE,
        ChallengeType.PASSCODE,
        NO_WITHDRAWALS,
        temporary=True,
    ),
    DeviceKind.ONLINE_CARD: DeviceSpec(
        DeviceKind.ONLINE_CARD,
        "Online Security Code Card",
        SecurityLevel.LOW,
        ChallengeType.INDICES,
        _limit(200_000, 600_000),
        temporary=True,
    ),
    DeviceKind.DSC: DeviceSpec(
        DeviceKind.DSC,
        "Digital Security Card",
        SecurityLevel.HIGH,
        ChallengeType.OCRA,
        _limit(1_000_000, 1_500_000),
        ocra_suite=LEGACY_DSC_OCRA_SUITE,
        issued=False,
    ),
    DeviceKind.GOLD: DeviceSpec(
        DeviceKind.GOLD,
        "Gold card",
        SecurityLevel.HIGH,
        ChallengeType.OCRA,
        UNLIMITED,
        ocra_suite=LEGACY_CARD_OCRA_SUITE,
        issued=False,
    ),
    DeviceKind.PLATINUM: DeviceSpec(
        DeviceKind.PLATINUM,
        "Platinum card",
        SecurityLevel.HIGH,
        ChallengeType.OCRA,
        UNLIMITED,
        ocra_suite=LEGACY_CARD_OCRA_SUITE,
        issued=False,
    ),
}


def spec(kind: DeviceKind | str) -> DeviceSpec:
    """The spec of a kind; ``ValueError`` for a name that is not a device kind."""
    return DEVICE_SPECS[DeviceKind(kind)]
