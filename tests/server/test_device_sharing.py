"""Device sharing (KB2481): the requesting user, logged in, sends an approval obtained with the
owner's credentials and the owner's device; the rules decide, compliance approves what needs it,
and a shared device joins the requester's login devices; on every database."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.demo_api import Live, assert_error
from tests.support.identity_checks import PARTNER_DEVICE, Checks, add_sharing_users
from tws_companion.protocol import ErrorCode
from tws_companion.server import device_sharing
from tws_companion.server.account_errors import AccountError


@pytest.fixture
def checks(live: Live) -> Checks:
    add_sharing_users(live.ctx)
    return Checks(live)


def share(checks: Checks, token: str, owner: str, device_id: str) -> Any:
    approval = checks.approval(owner, "share_device", device_id)
    return checks.post("/me/device-shares", {"approval": approval["token"]}, token)


def test_a_user_of_the_same_entity_shares_the_owners_dsc_plus_at_once(checks: Checks) -> None:
    assert checks.login_devices("partner") == [PARTNER_DEVICE]
    token = checks.session("partner", PARTNER_DEVICE)
    shared = checks.ok(share(checks, token, "demo", "demo-dscplus"), 201)
    assert shared["status"] == "approved"
    assert (shared["device_id"], shared["device_kind"], shared["owner"]) == (
        "demo-dscplus",
        "dsc_plus",
        "demo",
    )
    assert shared["decided_at"] is not None
    listed = checks.ok(checks.get("/me/device-shares", token))["shares"]
    assert [(s["share_id"], s["status"]) for s in listed] == [(shared["share_id"], "approved")]
    # The M2FS drop-down of partner's next login offers demo's DSC+, and it logs partner in.
    assert checks.login_devices("partner") == [PARTNER_DEVICE, "demo-dscplus"]
    with_shared = checks.session("partner", "demo-dscplus")
    me = checks.ok(checks.get("/me", with_shared))
    assert me["username"] == "partner"
    assert [device["id"] for device in me["devices"]] == [PARTNER_DEVICE, "demo-dscplus"]
    # ... and it verifies partner's identity too.
    approval = checks.approval("partner", "withdrawal", "demo-dscplus")
    assert approval["device_kind"] == "dsc_plus"


def test_sharing_a_less_secure_device_is_refused(checks: Checks) -> None:
    token = checks.session("partner", PARTNER_DEVICE)
    refused = share(checks, token, "demo", "demo-card")
    error = assert_error(refused, 403, ErrorCode.LESS_SECURE_DEVICE)
    assert error["message"] == "Less secure device"
    assert checks.ok(checks.get("/me/device-shares", token))["shares"] == []


def test_users_of_different_identities_cannot_share(checks: Checks) -> None:
    token = checks.session("partner", PARTNER_DEVICE)
    refused = share(checks, token, "stranger", "stranger-dscplus")
    error = assert_error(refused, 403, ErrorCode.DIFFERENT_IDENTIFICATION)
    assert error["message"] == "Different identification information"


def test_a_user_holding_a_temporary_device_cannot_share(checks: Checks) -> None:
    token = checks.session("tempo", "tempo-passcode")
    refused = share(checks, token, "demo", "demo-dscplus")
    assert_error(refused, 403, ErrorCode.TEMPORARY_DEVICE_ASSIGNED)


def test_identical_identification_data_of_another_entity_waits_for_compliance(
    checks: Checks,
) -> None:
    token = checks.session("twin", "twin-card")
    pending = checks.ok(share(checks, token, "founder", "founder-dscplus"), 201)
    assert pending["status"] == "pending"
    assert pending["decided_at"] is None
    assert checks.login_devices("twin") == ["twin-card"]  # not before compliance approves

    assert [s.share_id for s in device_sharing.list_all(checks.ctx, pending_only=True)] == [
        pending["share_id"]
    ]
    decided = device_sharing.decide(checks.ctx, pending["share_id"], approve=True)
    assert (decided.status, decided.requester, decided.owner) == ("approved", "twin", "founder")
    assert checks.login_devices("twin") == ["twin-card", "founder-dscplus"]
    assert device_sharing.list_all(checks.ctx, pending_only=True) == []
    with pytest.raises(AccountError, match="not pending"):
        device_sharing.decide(checks.ctx, pending["share_id"], approve=False)
    with pytest.raises(AccountError, match="no sharing request"):
        device_sharing.decide(checks.ctx, 999_999, approve=True)


def test_a_refused_request_shares_nothing_and_may_be_made_again(checks: Checks) -> None:
    token = checks.session("twin", "twin-card")
    first = checks.ok(share(checks, token, "founder", "founder-dscplus"), 201)
    refused = device_sharing.decide(checks.ctx, first["share_id"], approve=False)
    assert refused.status == "refused"
    assert checks.login_devices("twin") == ["twin-card"]
    listed = checks.ok(checks.get("/me/device-shares", token))["shares"]
    assert [s["status"] for s in listed] == ["refused"]
    second = checks.ok(share(checks, token, "founder", "founder-dscplus"), 201)
    assert second["status"] == "pending"


def test_a_request_already_made_or_for_ones_own_device_is_not_needed(checks: Checks) -> None:
    token = checks.session("partner", PARTNER_DEVICE)
    checks.ok(share(checks, token, "demo", "demo-dscplus"), 201)
    again = share(checks, token, "demo", "demo-dscplus")
    assert_error(again, 409, ErrorCode.SHARE_NOT_NEEDED)
    own = share(checks, token, "partner", PARTNER_DEVICE)
    assert_error(own, 409, ErrorCode.SHARE_NOT_NEEDED)


def test_only_the_owner_of_a_device_shares_it(checks: Checks) -> None:
    partner = checks.session("partner", PARTNER_DEVICE)
    checks.ok(share(checks, partner, "demo", "demo-dscplus"), 201)
    # partner's identity check answered with demo's DSC+ (shared with partner) shares nothing.
    solo = checks.session("solo", "solo-ibkey")
    error = assert_error(
        share(checks, solo, "partner", "demo-dscplus"), 409, ErrorCode.SHARE_NOT_NEEDED
    )
    assert "Only the user a device belongs to" in error["message"]


def test_ib_key_is_not_shared_but_gets_another_user_in_the_app(checks: Checks) -> None:
    token = checks.session("partner", PARTNER_DEVICE)
    error = assert_error(
        share(checks, token, "demo", "demo-ibkey"), 409, ErrorCode.SHARE_NOT_NEEDED
    )
    assert "Add user" in error["message"]


def test_sharing_needs_an_approval_for_sharing_used_once(checks: Checks) -> None:
    token = checks.session("partner", PARTNER_DEVICE)
    withdrawal = checks.approval("demo", "withdrawal", "demo-dscplus")
    wrong = checks.post("/me/device-shares", {"approval": withdrawal["token"]}, token)
    assert_error(wrong, 403, ErrorCode.APPROVAL_WRONG_PURPOSE)
    approval = checks.approval("demo", "share_device", "demo-dscplus")
    checks.clock.advance(minutes=5)
    token = checks.session("partner", PARTNER_DEVICE)
    late = checks.post("/me/device-shares", {"approval": approval["token"]}, token)
    assert_error(late, 410, ErrorCode.APPROVAL_EXPIRED)
    anonymous = checks.post("/me/device-shares", {"approval": approval["token"]})
    assert_error(anonymous, 401, ErrorCode.UNAUTHORIZED)
