"""Device sharing rules of KB2481."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tws_companion.sls.devices import DeviceKind
from tws_companion.sls.sharing import Identity, SharingError, check_sharing

ALICE = Identity(
    entity_id="E-100",
    date_of_birth="1980-04-12",
    citizenship="CH",
    residence_country="CH",
    id_document_type="passport",
    id_document_number="X1234567",
)
# The same person, registered under another entity with the same identification data.
ALICE_ELSEWHERE = replace(ALICE, entity_id="E-200")
BOB = Identity(
    entity_id="E-300",
    date_of_birth="1975-01-30",
    citizenship="US",
    residence_country="US",
    id_document_type="ssn",
    id_document_number="078-05-1120",
)


def test_error_messages_are_the_kb2481_texts() -> None:
    assert SharingError.LESS_SECURE_DEVICE.value == "Less secure device"
    assert SharingError.DIFFERENT_IDENTIFICATION.value == "Different identification information"
    assert (
        SharingError.TEMPORARY_DEVICE_ASSIGNED.value == "A user holds a temporary security device"
    )


def test_same_entity_may_share() -> None:
    other_user = Identity(entity_id="E-100")
    assert check_sharing(ALICE, other_user, DeviceKind.DSC_PLUS, [DeviceKind.CODE_CARD]) is None


def test_identical_identity_data_may_share() -> None:
    assert check_sharing(ALICE, ALICE_ELSEWHERE, DeviceKind.DSC_PLUS, []) is None


def test_identity_comparison_ignores_case_and_spacing() -> None:
    typed = replace(ALICE_ELSEWHERE, id_document_type="Passport", id_document_number=" x1234567")
    assert check_sharing(ALICE, typed, DeviceKind.DSC_PLUS, []) is None


def test_different_people_may_not_share() -> None:
    result = check_sharing(ALICE, BOB, DeviceKind.DSC_PLUS, [])
    assert result is SharingError.DIFFERENT_IDENTIFICATION


@pytest.mark.parametrize(
    "field",
    ["date_of_birth", "citizenship", "residence_country", "id_document_type", "id_document_number"],
)
def test_any_differing_identification_field_refuses(field: str) -> None:
    outdated = replace(ALICE_ELSEWHERE, **{field: "other"})
    result = check_sharing(ALICE, outdated, DeviceKind.DSC_PLUS, [])
    assert result is SharingError.DIFFERENT_IDENTIFICATION


def test_missing_identification_never_counts_as_identical() -> None:
    blank_a = Identity(entity_id="E-1")
    blank_b = Identity(entity_id="E-2")
    assert check_sharing(blank_a, blank_b, DeviceKind.DSC_PLUS, []) is (
        SharingError.DIFFERENT_IDENTIFICATION
    )
    no_entities = Identity()
    assert check_sharing(no_entities, Identity(), DeviceKind.DSC_PLUS, []) is (
        SharingError.DIFFERENT_IDENTIFICATION
    )


@pytest.mark.parametrize("temporary", [DeviceKind.TEMPORARY, DeviceKind.ONLINE_CARD])
def test_no_participant_may_hold_a_temporary_device(temporary: DeviceKind) -> None:
    result = check_sharing(ALICE, ALICE_ELSEWHERE, DeviceKind.DSC_PLUS, [temporary])
    assert result is SharingError.TEMPORARY_DEVICE_ASSIGNED


def test_a_temporary_device_cannot_be_the_shared_one() -> None:
    result = check_sharing(ALICE, ALICE_ELSEWHERE, DeviceKind.ONLINE_CARD, [])
    assert result is SharingError.TEMPORARY_DEVICE_ASSIGNED


def test_the_less_secure_device_may_not_be_shared() -> None:
    result = check_sharing(ALICE, ALICE_ELSEWHERE, DeviceKind.CODE_CARD, [DeviceKind.DSC_PLUS])
    assert result is SharingError.LESS_SECURE_DEVICE


@pytest.mark.parametrize(
    ("shared", "held"),
    [
        (DeviceKind.DSC_PLUS, [DeviceKind.IB_KEY, DeviceKind.CODE_CARD, DeviceKind.SMS]),
        (DeviceKind.IB_KEY, [DeviceKind.CODE_CARD]),
        (DeviceKind.IB_KEY, [DeviceKind.DSC]),  # equal levels: either may be shared
        (DeviceKind.CODE_CARD, [DeviceKind.CODE_CARD]),
        (DeviceKind.SMS, [DeviceKind.CODE_CARD]),
    ],
)
def test_the_most_secure_device_may_be_shared(shared: DeviceKind, held: list[DeviceKind]) -> None:
    assert check_sharing(ALICE, ALICE_ELSEWHERE, shared, held) is None


@pytest.mark.parametrize(
    ("shared", "held"),
    [
        (DeviceKind.IB_KEY, [DeviceKind.DSC_PLUS]),
        (DeviceKind.SMS, [DeviceKind.IB_KEY]),
        (DeviceKind.CODE_CARD, [DeviceKind.SMS]),
        (DeviceKind.DSC, [DeviceKind.CODE_CARD, DeviceKind.DSC_PLUS]),
    ],
)
def test_a_more_secure_participant_device_refuses(
    shared: DeviceKind, held: list[DeviceKind]
) -> None:
    assert check_sharing(ALICE, ALICE_ELSEWHERE, shared, held) is SharingError.LESS_SECURE_DEVICE


def test_participant_kinds_may_be_any_iterable() -> None:
    held = (kind for kind in [DeviceKind.DSC_PLUS])
    result = check_sharing(ALICE, ALICE_ELSEWHERE, DeviceKind.CODE_CARD, held)
    assert result is SharingError.LESS_SECURE_DEVICE


def test_identity_repr_hides_personal_data() -> None:
    text = repr(ALICE)
    assert "E-100" in text
    for secret in ("1980-04-12", "X1234567", "passport"):
        assert secret not in text
