"""The command line as an administrator or a support engineer uses it, and several workers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.support.process_server import run_cli, serve
from tws_companion.client.api import ApiClient
from tws_companion.protocol import Platform, Scope
from tws_companion.sls import ocra
from tws_companion.sls.devices import IB_KEY_OCRA_SUITE

pytestmark = pytest.mark.e2e

DEMO = Path(__file__).resolve().parents[2] / "resources" / "scenarios" / "demo.toml"


def admin(data_dir: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = run_cli("admin", "--data-dir", str(data_dir), *args, stdin=stdin)
    return result.returncode, result.stdout, result.stderr


def test_provisioning_a_user_from_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, out, err = admin(
        data, "create-user", "--user", "Alice", "--phone", "+15555550199", "--password-stdin",
        stdin="alice-pass-1\n",
    )  # fmt: skip
    assert code == 0, err
    assert "created user alice" in out

    code, out, err = admin(
        data, "add-device", "--user", "alice", "--kind", "ib_key", "--pin", "1357"
    )
    assert code == 0, err
    secret_hex = out.split("enrolling the device): ")[1].split()[0]
    device_id = out.split()[3]

    code, out, err = admin(data, "add-device", "--user", "alice", "--kind", "code_card")
    assert code == 0, err
    code, out, err = admin(data, "list-devices", "--user", "alice")
    assert code == 0, err
    assert device_id in out
    assert "ib_key" in out
    assert "code_card" in out
    assert secret_hex not in out

    code, out, err = admin(data, "export-card", "--user", "alice")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["index", "value"]
    assert len(rows) == 225

    with serve(data) as server, ApiClient(server.url) as api:
        start = api.start_login("ALICE", "alice-pass-1", Platform.TWS)
        step = api.select_device(start.login_id, device_id)
        assert step.challenge.code is not None
        answer = ocra.compute_response(
            IB_KEY_OCRA_SUITE, bytes.fromhex(secret_hex), step.challenge.code, pin="1357"
        )
        assert api.respond(start.login_id, answer).scope is Scope.FULL


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list-devices", "--user", "nobody"], "no user named 'nobody'"),
        (["add-device", "--user", "demo", "--kind", "dsc_plus", "--pin", "12"], "4 digits"),
        (["add-device", "--user", "demo", "--kind", "dsc_plus", "--pin", "١٢٣٤"], "4 digits"),
        (["add-device", "--user", "demo", "--kind", "ib_key", "--pin", "1234", "--secret-hex",
          "zz"], "hexadecimal"),
        (["reset-device", "--user", "demo", "--device", "nope"], "has no device 'nope'"),
        (["export-card", "--user", "solo"], "no such Security Code Card"),
        (["add-device", "--user", "demo", "--kind", "temporary"], "issue-temp-passcode"),
    ],
)  # fmt: skip
def test_admin_errors_are_one_clear_line(tmp_path: Path, args: list[str], message: str) -> None:
    data = tmp_path / "data"
    assert admin(data, "load-scenario", str(DEMO))[0] == 0
    code, _, err = admin(data, *args)
    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_a_broken_scenario_is_named_and_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[users]]\nusername = "x"\npassword = "y"\n[[users.devices]]\nkind = "pager"\n'
    )
    code, _, err = admin(data, "load-scenario", str(broken))
    assert code == 1
    assert "broken.toml" in err
    assert "pager" in err
    assert admin(data, "list-devices", "--user", "x")[0] == 1

    not_toml = tmp_path / "not.toml"
    not_toml.write_text("users = [")
    code, _, err = admin(data, "load-scenario", str(not_toml))
    assert code == 1
    assert "not valid TOML" in err


def test_serve_refuses_a_missing_scenario(tmp_path: Path) -> None:
    result = run_cli(
        "serve", "--port", "0", "--data-dir", str(tmp_path), "--scenario", str(tmp_path / "no.toml")
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_several_workers_serve_one_login(tmp_path: Path) -> None:
    """No login state in process memory: each step on a fresh connection, any worker answers."""
    key = bytes.fromhex("dac26abd423ff3f22c1db1b68d785b3d62fe961f6970f0647432e6a93547de13")
    with serve(tmp_path / "data", ["--scenario", str(DEMO), "--workers", "2"]) as server:
        for _ in range(6):
            with ApiClient(server.url) as first:
                start = first.start_login("solo", "solo-pass-1", Platform.TWS)
            assert start.challenge is not None
            assert start.challenge.code is not None
            answer = ocra.compute_response(IB_KEY_OCRA_SUITE, key, start.challenge.code, pin="4321")
            with ApiClient(server.url) as second:
                session = second.respond(start.login_id, answer)
            with ApiClient(server.url) as third:
                assert third.me(session.token).username == "solo"
