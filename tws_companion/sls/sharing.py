"""Device sharing between user names (KB2481, "How to Share a Security Device").

Sharing is possible only when all of these hold:

a) the users belong to the same entity, or to entities with the same identification data (date of
   birth, citizenship, country of legal residence, identification document type and number);
b) none of them holds a temporary security device (temporary passcode, Online Security Code Card);
c) the shared device offers the highest level of protection among the participants' devices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from tws_companion.sls.devices import DeviceKind, spec


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a user is, for the sharing rules. Personal data stays out of the repr."""

    entity_id: str | None = None
    date_of_birth: str | None = field(default=None, repr=False)
    citizenship: str | None = field(default=None, repr=False)
    residence_country: str | None = field(default=None, repr=False)
    id_document_type: str | None = field(default=None, repr=False)
    id_document_number: str | None = field(default=None, repr=False)

    def identification_data(self) -> tuple[str, ...] | None:
        """The normalised identification data, or ``None`` if any part of it is missing."""
        parts = (
            self.date_of_birth,
            self.citizenship,
            self.residence_country,
            self.id_document_type,
            self.id_document_number,
        )
        normalized = tuple(" ".join(part.split()).casefold() for part in parts if part)
        return normalized if len(normalized) == len(parts) and all(normalized) else None


class SharingError(StrEnum):
    """Why a sharing request is refused; the values are the messages the user sees."""

    LESS_SECURE_DEVICE = "Less secure device"
    DIFFERENT_IDENTIFICATION = "Different identification information"
    TEMPORARY_DEVICE_ASSIGNED = "A user holds a temporary security device"


def same_person(owner: Identity, requester: Identity) -> bool:
    """Same entity, or complete and identical identification data (missing data never matches)."""
    if owner.entity_id and owner.entity_id == requester.entity_id:
        return True
    owner_data = owner.identification_data()
    return owner_data is not None and owner_data == requester.identification_data()


def check_sharing(
    owner: Identity,
    requester: Identity,
    shared_kind: DeviceKind,
    participant_kinds: Iterable[DeviceKind],
) -> SharingError | None:
    """Why ``requester`` may not share the owner's ``shared_kind`` device, or ``None`` if it may.

    ``participant_kinds`` are the kinds of the devices the participant users currently hold
    (besides the shared one). Identity is checked first, then temporary devices, then levels.
    """
    if not same_person(owner, requester):
        return SharingError.DIFFERENT_IDENTIFICATION
    shared = spec(shared_kind)
    participants = [spec(kind) for kind in participant_kinds]
    if shared.temporary or any(device.temporary for device in participants):
        return SharingError.TEMPORARY_DEVICE_ASSIGNED
    if any(device.level > shared.level for device in participants):
        return SharingError.LESS_SECURE_DEVICE
    return None
