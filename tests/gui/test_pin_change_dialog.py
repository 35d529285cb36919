"""The DSC+ PIN change dialog against a real server process: the new PIN twice, the challenge
answered with the new PIN on the card, the result; the refusals a user meets; and a login with
the new PIN afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.demo import dsc_plus_response, write_scenario
from tests.support.process_server import RunningServer, serve
from tws_companion.client.api import ApiClient
from tws_companion.client.errors import WrongResponse
from tws_companion.gui.pin_change_dialog import PinChangeDialog
from tws_companion.gui.worker import Worker
from tws_companion.protocol import Platform

TRAVELLER, TRAVELLER_PASSWORD, TRAVELLER_DSC, TRAVELLER_PIN = (
    "traveller",
    "traveller-pass-1",
    "traveller-dscplus",
    "8642",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("pin-change")
    with serve(folder / "data", ["--scenario", str(write_scenario(folder))]) as running:
        yield running


def _log_in(api: ApiClient, pin: str) -> str:
    """A session of ``traveller`` (one DSC+), answered with ``pin``."""
    start = api.start_login(TRAVELLER, TRAVELLER_PASSWORD, Platform.TWS)
    assert start.challenge is not None
    assert start.challenge.code
    return api.respond(start.login_id, dsc_plus_response(start.challenge.code, pin)).token


@pytest.fixture
def api(server: RunningServer) -> Iterator[ApiClient]:
    with ApiClient(server.url) as client:
        yield client


@pytest.fixture
def pin(api: ApiClient) -> Iterator[list[str]]:
    """The card's PIN as the server has it: the test notes each change, and the PIN is set back
    to the scenario's afterwards (the server lives for the whole module)."""
    current = [TRAVELLER_PIN]
    yield current
    if current[0] != TRAVELLER_PIN:
        token = _log_in(api, current[0])
        step = api.start_dsc_plus_pin_change(token, TRAVELLER_DSC, TRAVELLER_PIN, TRAVELLER_PIN)
        code = step.challenge.code or ""
        api.respond_dsc_plus_pin_change(
            token, TRAVELLER_DSC, dsc_plus_response(code, TRAVELLER_PIN)
        )


@pytest.fixture
def dialog(qtbot: QtBot, api: ApiClient, worker: Worker) -> PinChangeDialog:
    token = _log_in(api, TRAVELLER_PIN)
    window = PinChangeDialog(api, worker, token, TRAVELLER_DSC, "Traveller's DSC+")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _waiter(qtbot: QtBot, dialog: PinChangeDialog) -> Callable[[], None]:
    def wait() -> None:
        qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)

    return wait


def test_the_new_pin_then_the_challenge_answered_with_it_changes_the_pin(
    qtbot: QtBot, dialog: PinChangeDialog, api: ApiClient, pin: list[str]
) -> None:
    wait = _waiter(qtbot, dialog)
    assert dialog.new_pin.hasFocus()
    qtbot.keyClicks(dialog.new_pin, "2468")
    qtbot.keyClick(dialog.new_pin, Qt.Key.Key_Return)
    assert dialog.repeat_pin.hasFocus()
    qtbot.keyClicks(dialog.repeat_pin, "2468")
    qtbot.keyClick(dialog.repeat_pin, Qt.Key.Key_Return)
    wait()

    assert dialog.step == 1, dialog.notice.text()
    challenge = dialog.challenge.text()
    assert len(challenge) == 6
    assert challenge.isdigit()
    assert "expires in" in dialog.countdown.text()
    assert dialog.response.hasFocus()
    with qtbot.waitSignal(dialog.pinChanged, timeout=20_000) as changed:
        qtbot.keyClicks(dialog.response, dsc_plus_response(challenge, "2468"))
        qtbot.keyClick(dialog.response, Qt.Key.Key_Return)
    pin[0] = "2468"
    wait()

    assert changed.args == [TRAVELLER_DSC]
    assert dialog.step == 2
    assert "accepted" in dialog.done_text.text()
    assert _log_in(api, "2468")
    with pytest.raises(WrongResponse):
        _log_in(api, TRAVELLER_PIN)
    dialog.continue_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_pins_that_differ_or_are_not_4_digits_are_refused_before_anything_is_sent(
    qtbot: QtBot, dialog: PinChangeDialog
) -> None:
    dialog.new_pin.setText("123")
    dialog.repeat_pin.setText("123")
    dialog.continue_button.click()
    assert dialog.task is None
    assert dialog.step == 0
    assert "exactly 4 digits" in dialog.notice.text()

    dialog.new_pin.setText("1234")
    dialog.repeat_pin.setText("1243")
    dialog.continue_button.click()
    assert dialog.task is None
    assert dialog.step == 0
    assert "differ" in dialog.notice.text()
    assert dialog.repeat_pin.text() == ""
    # Letters cannot even be typed.
    dialog.new_pin.clear()
    qtbot.keyClicks(dialog.new_pin, "12ab")
    assert dialog.new_pin.text() == "12"


def test_a_response_computed_with_the_old_pin_is_refused_with_the_attempts_left(
    qtbot: QtBot, dialog: PinChangeDialog, api: ApiClient
) -> None:
    wait = _waiter(qtbot, dialog)
    dialog.new_pin.setText("1357")
    dialog.repeat_pin.setText("1357")
    dialog.continue_button.click()
    wait()
    assert dialog.step == 1
    dialog.response.setText(dsc_plus_response(dialog.challenge.text(), TRAVELLER_PIN))
    dialog.continue_button.click()
    wait()

    assert dialog.step == 1
    assert "NEW PIN" in dialog.notice.text()
    assert "Attempts left: 2." in dialog.notice.text()
    dialog.reject()
    assert _log_in(api, TRAVELLER_PIN)  # unchanged (and the failure run ends)


def test_cancel_while_a_call_runs_drops_its_answer(
    qtbot: QtBot, dialog: PinChangeDialog, worker: Worker
) -> None:
    dialog.new_pin.setText("9753")
    dialog.repeat_pin.setText("9753")
    dialog.continue_button.click()
    assert dialog.task is not None
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not worker.busy, timeout=20_000)
    assert dialog.step == 0
    assert dialog.result() == dialog.DialogCode.Rejected
