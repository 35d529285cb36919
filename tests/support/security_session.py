"""For the tests of the security centre's windows: a scenario with users who can share devices,
a session logged in through the client (the login dialog is tested on its own), and the answers
each device would give."""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.support import postgres
from tests.support.demo import (
    DEMO,
    PARTNER_KEY,
    SOLO_KEY,
    dsc_plus_response,
    ib_key_response,
)
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.models import Challenge
from tws_companion.gui.device_pages import CodeCardPage, DevicePage, OcraPage
from tws_companion.gui.identity_check_dialog import IdentityCheckDialog
from tws_companion.gui.login_result import LoginResult
from tws_companion.gui.security_window import SecurityWindow
from tws_companion.gui.worker import Worker
from tws_companion.protocol import Platform

#: ``wait(condition)`` runs the event loop until ``condition()`` holds (or fails the test).
Wait = Callable[[Callable[[], bool]], None]
#: How long a test waits for the server process (milliseconds).
WAIT_MS = 30_000

#: Users for device sharing (KB2481), besides the demo ones: ``heir`` is of demo's entity and has
#: a Security Code Card (sharing demo's DSC+ with it is approved at once); ``boss`` is of that
#: entity too and has a DSC+ (sharing ``clerk``'s code card with it is "Less secure device");
#: ``twin`` is of another entity with boss's identification data (sharing boss's DSC+ waits for
#: compliance); ``stranger`` is of another entity ("Different identification information");
#: ``texter`` has only SMS, which cannot verify an identity.
SHARING_USERS = Path(__file__).with_name("security_users.toml")

DSC_PLUS_PINS = {"demo": "1234", "boss": "1357"}
#: The IB Key (key, PIN) of the users who log in with one.
IB_KEYS = {"solo": (SOLO_KEY, "4321"), "partner": (PARTNER_KEY, "1357")}


def _scenario() -> str:
    """The demo users plus the sharing users above, as a scenario file says them."""
    demo, sharing = (path.read_text(encoding="utf-8") for path in (DEMO, SHARING_USERS))
    return f"{demo}\n{sharing}"


#: Each user's password, as the scenario says it.
PASSWORDS = {user["username"]: user["password"] for user in tomllib.loads(_scenario())["users"]}


def write_security_scenario(folder: Path) -> Path:
    """The demo users plus the sharing users above."""
    scenario = folder / "security.toml"
    scenario.write_text(_scenario(), encoding="utf-8")
    return scenario


def code_card(server: RunningServer, username: str) -> dict[int, str]:
    """The values of ``username``'s Security Code Card, as ``admin export-card`` prints them."""
    database = _DATABASE_URLS.get(server.url)
    where = ["--db", database] if database else []
    exported = server.admin(*where, "export-card", "--user", username)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.reader(io.StringIO(exported.stdout)))[1:]
    return {int(index): value for index, value in rows}


def card_answer(card: dict[int, str], indices: tuple[int, ...]) -> str:
    return "".join(card[index] for index in indices)


def log_in(server: RunningServer, username: str = "demo") -> LoginResult:
    """A full session of ``username`` (demo: its DSC+; solo: its IB Key; the others: their
    code card), logged in through the client."""
    with ApiClient(server.url) as api:
        start = api.start_login(username, PASSWORDS[username], Platform.TWS)
        device_id = start.device_id
        challenge = start.challenge
        if challenge is None:
            wanted = {"demo": "demo-dscplus", "boss": "boss-dscplus"}.get(username)
            device = next(d for d in start.devices if wanted in (None, d.id))
            step = api.select_device(start.login_id, device.id)
            device_id, challenge = step.device_id, step.challenge
        assert challenge is not None
        kind = next(d.kind for d in start.devices if d.id == device_id)
        if kind == "ib_key":  # solo's or partner's (demo logs in with its DSC+)
            key, pin = IB_KEYS[username]
            response = ib_key_response(challenge.code or "", key, pin)
        else:
            response = device_answer(server, username, kind, challenge)
        session = api.respond(start.login_id, response)
    return LoginResult(username, server.url, session, Platform.TWS, False, False)


def device_answer(
    server: RunningServer | None, username: str, kind: str, challenge: Challenge
) -> str:
    """What ``username``'s device of ``kind`` answers to ``challenge``: a DSC+ with its PIN,
    demo's IB Key, a code card's values (exported from ``server``)."""
    if kind == "dsc_plus":
        return dsc_plus_response(challenge.code or "", DSC_PLUS_PINS[username])
    if kind == "ib_key":
        return ib_key_response(challenge.code or "")
    assert server is not None, "a code card's values come from the server process"
    return card_answer(code_card(server, username), challenge.indices or ())


def waiter(qtbot: QtBot) -> Wait:
    """``wait(condition)`` with ``qtbot``, for as long as the server process may take."""

    def wait(condition: Callable[[], bool]) -> None:
        qtbot.waitUntil(condition, timeout=WAIT_MS)

    return wait


def open_security_window(
    qtbot: QtBot, login: LoginResult, api: ApiClient, worker: Worker
) -> SecurityWindow:
    """Settings > Secure Login System of ``login``'s user, shown, once its list is loaded (or
    its load failed)."""
    window = SecurityWindow(login, api, worker)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.task is None, timeout=WAIT_MS)
    return window


def type_answer(page: DevicePage, answer: str) -> None:
    """Type ``answer`` into a device page, as a user would fill its fields."""
    if isinstance(page, CodeCardPage):
        size = len(answer) // len(page.fields)
        for number, field in enumerate(page.fields):
            field.setText(answer[number * size : (number + 1) * size])
    elif isinstance(page, OcraPage):
        page.response_field.setText(answer)
    else:
        raise TypeError(f"no way to answer {type(page).__name__}")


def pass_identity_check(
    check: IdentityCheckDialog,
    wait: Wait,
    server: RunningServer | None,
    username: str,
    device_id: str,
    *,
    answer: str | None = None,
) -> DevicePage:
    """Go through ``check`` as ``username``: password, ``device_id`` from the drop-down (when
    there is one), the device's answer (or ``answer``), Continue. Returns the device page."""
    check.credentials.username.setText(username)
    check.credentials.password.setText(PASSWORDS[username])
    check.credentials.continue_button.click()
    wait(lambda: not check.busy)
    if check.current_page() is check.select_page:
        combo = check.select_page.devices
        index = combo.findData(device_id)
        assert index >= 0, f"{device_id} is not offered"
        combo.setCurrentIndex(index)
        check.select_page.continue_button.click()
        wait(lambda: not check.busy)
    page = check.current_page()
    assert isinstance(page, DevicePage), f"on {type(page).__name__}: {check.notice.text()}"
    assert page.device is not None
    assert page.challenge is not None
    if answer is None:
        answer = device_answer(server, username, page.device.kind, page.challenge)
    type_answer(page, answer)
    page.submit_button.click()
    return page


#: The databases the security centre's GUI tests run their server on (PostgreSQL when
#: ``./dev test`` provides one).
DATABASES = ("sqlite", "postgresql")
#: The database URL of each server of :func:`security_server` not on its data folder's SQLite
#: (``admin`` must be told).
_DATABASE_URLS: dict[str, str] = {}


@contextmanager
def security_server(folder: Path, database: str) -> Iterator[RunningServer]:
    """A server process with :func:`write_security_scenario`'s users, on SQLite or on the
    emptied PostgreSQL database of ``TWS_TEST_POSTGRES_URL`` (skipped without one)."""
    options = ["--scenario", str(write_security_scenario(folder))]
    if database == "postgresql":
        if not postgres.URL:
            pytest.skip(postgres.NOT_AVAILABLE)
        postgres.drop_all_tables(postgres.URL)
        options += ["--db", postgres.URL]
    with serve(folder / "data", options) as running:
        if database == "postgresql":
            _DATABASE_URLS[running.url] = postgres.URL
        try:
            yield running
        finally:
            _DATABASE_URLS.pop(running.url, None)


def server_fixture(
    folder: str, databases: tuple[str, ...] = DATABASES
) -> Callable[..., Iterator[RunningServer]]:
    """A test module's fixture ``server`` (``server = server_fixture("withdrawals")``): a
    :func:`security_server` in a folder named ``folder`` for the module's tests, run on each of
    ``databases`` in turn."""

    @pytest.fixture(name="server", scope="module", params=databases if len(databases) > 1 else None)
    def server(
        tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
    ) -> Iterator[RunningServer]:
        database = getattr(request, "param", databases[0])
        with security_server(tmp_path_factory.mktemp(folder), database) as running:
            yield running

    return server
