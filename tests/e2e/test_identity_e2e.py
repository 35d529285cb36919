"""Identity checks, withdrawals and device sharing against a real server process, through the
API client, as DESIGN.md section 5 describes them; on SQLite, and on PostgreSQL with two workers
when TWS_TEST_POSTGRES_URL names a database (in a fresh schema of its own).

Users: the demo scenario (``demo``, ``partner`` of demo's entity with an IB Key, ``solo``) and
``founder`` and ``twin``: different entities with identical identification data, so twin's
request to share founder's DSC+ waits for ``admin approve-sharing``; ``stranger`` is someone else.
"""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.databases import BACKENDS, fresh_database
from tests.support.demo import DEMO, PARTNER_KEY, dsc_plus_response, ib_key_response
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import (
    ApprovalExpired,
    ApprovalInvalid,
    ApprovalUsed,
    ApprovalWrongPurpose,
    DifferentIdentification,
    LessSecureDevice,
    WithdrawalLimit,
    WrongResponse,
)
from tws_companion.client.models import Challenge
from tws_companion.protocol import Platform, Step
from tws_companion.protocol.security import Purpose, ShareStatus
from tws_companion.sls import ocra
from tws_companion.sls.devices import DSC_PLUS_OCRA_SUITE

pytestmark = pytest.mark.e2e

FOUNDER_KEY = bytes.fromhex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
IDENTITY = """date_of_birth = "1975-01-31"
citizenship = "CH"
residence_country = "CH"
id_document_type = "passport"
"""
EXTRA_USERS = f"""
[[users]]
username = "founder"
password = "founder-pass-1"
phone = "+15555550162"
entity_id = "ENT-7001"
{IDENTITY}id_document_number = "X1234567"

[[users.devices]]
id = "founder-dscplus"
kind = "dsc_plus"
label = "Founder's DSC+"
secret_hex = "{FOUNDER_KEY.hex()}"
pin = "9876"

[[users]]
username = "twin"
password = "twin-pass-1"
phone = "+15555550163"
entity_id = "ENT-7002"
{IDENTITY}id_document_number = "X1234567"

[[users.devices]]
id = "twin-card"
kind = "code_card"
label = "Twin's card"

[[users]]
username = "stranger"
password = "stranger-pass-1"
phone = "+15555550164"
entity_id = "ENT-9001"
{IDENTITY}id_document_number = "Y7654321"

[[users.devices]]
id = "stranger-dscplus"
kind = "dsc_plus"
label = "Stranger's DSC+"
secret_hex = "{FOUNDER_KEY.hex()}"
pin = "1111"
"""


@dataclass(frozen=True)
class Served:
    """The running server, and the ``--db`` option its admin commands need."""

    running: RunningServer
    db: tuple[str, ...]
    #: Each user's code card, as ``admin export-card`` printed it.
    cards: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.running.url

    def admin(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.running.admin(*self.db, *args)


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(DEMO.read_text(encoding="utf-8") + EXTRA_USERS, encoding="utf-8")
    with fresh_database(request.param, tmp_path / "db") as url:
        db = ("--db", url) if request.param == "postgresql" else ()
        workers = ("--workers", "2") if db else ()
        with serve(tmp_path / "data", ["--scenario", str(scenario), *db, *workers]) as running:
            yield Served(running, db)


def admin(server: Served, *args: str) -> str:
    result = server.admin(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def card_values(server: Served, user: str) -> dict[int, str]:
    if user not in server.cards:
        rows = list(csv.reader(io.StringIO(admin(server, "export-card", "--user", user))))
        server.cards[user] = {int(index): value for index, value in rows[1:]}
    return server.cards[user]


def answer(server: Served, device_id: str, challenge: Challenge) -> str:
    """What the device shows for the challenge."""
    if device_id == "demo-dscplus":
        assert challenge.code is not None
        return dsc_plus_response(challenge.code)
    if device_id == "partner-ibkey":
        assert challenge.code is not None
        return ib_key_response(challenge.code, PARTNER_KEY, "1357")
    if device_id in ("founder-dscplus", "stranger-dscplus"):
        assert challenge.code is not None
        pin = "9876" if device_id == "founder-dscplus" else "1111"
        return ocra.compute_response(DSC_PLUS_OCRA_SUITE, FOUNDER_KEY, challenge.code, pin=pin)
    assert challenge.indices is not None
    values = card_values(server, device_id.split("-")[0])
    return "".join(values[index] for index in challenge.indices)


PASSWORDS = {
    "demo": "demo-pass-1",
    "partner": "partner-pass-1",
    "founder": "founder-pass-1",
    "twin": "twin-pass-1",
    "stranger": "stranger-pass-1",
}


def log_in(server: Served, api: ApiClient, user: str, device_id: str) -> str:
    start = api.start_login(user, PASSWORDS[user], Platform.TWS)
    challenge = start.challenge
    if start.step is Step.SELECT_DEVICE or start.device_id != device_id:
        challenge = api.select_device(start.login_id, device_id).challenge
    assert challenge is not None
    return api.respond(start.login_id, answer(server, device_id, challenge)).token


def login_devices(api: ApiClient, user: str) -> list[str]:
    return [device.id for device in api.start_login(user, PASSWORDS[user], Platform.TWS).devices]


def verify(server: Served, api: ApiClient, user: str, purpose: Purpose, device_id: str) -> str:
    """An identity check of ``user`` answered with ``device_id``: the approval's token."""
    start = api.start_verify(user, PASSWORDS[user], purpose)
    challenge = start.challenge
    if start.step is Step.SELECT_DEVICE or start.device_id != device_id:
        challenge = api.verify_device(start.login_id, device_id).challenge
    assert challenge is not None
    approval = api.verify_respond(start.login_id, answer(server, device_id, challenge))
    assert approval.purpose is purpose
    assert approval.token not in repr(approval)
    return approval.token


def test_an_identity_check_confirms_a_withdrawal_within_the_devices_limit(
    server: Served,
) -> None:
    with ApiClient(server.url) as api:
        token = log_in(server, api, "demo", "demo-dscplus")
        start = api.start_verify("demo", "demo-pass-1", Purpose.WITHDRAWAL)
        assert [device.kind for device in start.devices] == ["dsc_plus", "ib_key", "code_card"]
        step = api.verify_device(start.login_id, "demo-card")
        with pytest.raises(WrongResponse) as wrong:
            api.verify_respond(start.login_id, "AAAAAA")
        assert wrong.value.attempts_left == 2
        approval = api.verify_respond(start.login_id, answer(server, "demo-card", step.challenge))
        assert approval.device_kind == "code_card"

        made = api.withdraw(token, Decimal("150000.25"), approval)
        assert (made.amount_usd, made.device_kind) == (Decimal("150000.25"), "code_card")
        with pytest.raises(ApprovalUsed):
            api.withdraw(token, "1", approval)

        card = verify(server, api, "demo", Purpose.WITHDRAWAL, "demo-card")
        with pytest.raises(WithdrawalLimit) as limit:
            api.withdraw(token, "50000", card)  # 200,000.25 today: above the card's limit
        assert limit.value.device_kinds == ("dsc_plus", "ib_key")
        assert "Digital Security Card+" in str(limit.value)
        dsc = verify(server, api, "demo", Purpose.WITHDRAWAL, "demo-dscplus")
        assert api.withdraw(token, "2000000", dsc).device_kind == "dsc_plus"
        assert [w.amount_usd for w in api.withdrawals(token)] == [
            Decimal("2000000"),
            Decimal("150000.25"),
        ]

        sharing = verify(server, api, "demo", Purpose.SHARE_DEVICE, "demo-card")
        with pytest.raises(ApprovalWrongPurpose):
            api.withdraw(token, "1", sharing)
        with ApiClient(server.url) as other:
            partner = log_in(server, other, "partner", "partner-ibkey")
            with pytest.raises(ApprovalInvalid):
                other.withdraw(partner, "1", card)  # demo's approval
        server.running.move_clock(5 * 60)
        with pytest.raises(ApprovalExpired):
            api.withdraw(log_in(server, api, "demo", "demo-dscplus"), "1", card)


def test_an_identity_check_with_the_owners_device_shares_it(server: Served) -> None:
    with ApiClient(server.url) as api:
        token = log_in(server, api, "partner", "partner-ibkey")
        with pytest.raises(LessSecureDevice, match="Less secure device"):
            api.request_device_share(
                token, verify(server, api, "demo", Purpose.SHARE_DEVICE, "demo-card")
            )
        with pytest.raises(DifferentIdentification, match="Different identification information"):
            api.request_device_share(
                token, verify(server, api, "stranger", Purpose.SHARE_DEVICE, "stranger-dscplus")
            )
        approval = verify(server, api, "demo", Purpose.SHARE_DEVICE, "demo-dscplus")
        shared = api.request_device_share(token, approval)
        assert (shared.status, shared.device_id, shared.owner) == (
            ShareStatus.APPROVED,
            "demo-dscplus",
            "demo",
        )
        assert [s.share_id for s in api.device_shares(token)] == [shared.share_id]
        assert login_devices(api, "partner") == ["partner-ibkey", "demo-dscplus"]
        with_shared = log_in(server, api, "partner", "demo-dscplus")
        assert api.me(with_shared).username == "partner"


def test_a_request_that_needs_compliance_waits_for_the_admin(server: Served) -> None:
    with ApiClient(server.url) as api:
        token = log_in(server, api, "twin", "twin-card")
        approval = verify(server, api, "founder", Purpose.SHARE_DEVICE, "founder-dscplus")
        pending = api.request_device_share(token, approval)
        assert pending.status is ShareStatus.PENDING
        assert login_devices(api, "twin") == ["twin-card"]

        listing = admin(server, "list-sharing", "--pending")
        assert f"{pending.share_id:>6} pending" in listing
        assert "twin" in listing
        assert "founder-dscplus" in listing
        approved = admin(server, "approve-sharing", str(pending.share_id))
        assert f"sharing request {pending.share_id} approved" in approved

        assert [s.status for s in api.device_shares(token)] == [ShareStatus.APPROVED]
        assert login_devices(api, "twin") == ["twin-card", "founder-dscplus"]
        assert len(admin(server, "list-sharing", "--pending").splitlines()) == 1  # the header
        again = server.admin("approve-sharing", "999")
        assert again.returncode == 1
        assert "no sharing request 999" in again.stderr
