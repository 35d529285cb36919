"""Withdraw funds from Settings > Secure Login System against a real server process: an amount
within the confirming device's limit is accepted; one above the Security Code Card's limit is
refused, naming the Digital Security Card+, which then confirms it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.process_server import RunningServer
from tests.support.security_session import (
    log_in,
    open_security_window,
    pass_identity_check,
    server_fixture,
    waiter,
)
from tws_companion.client.api import ApiClient
from tws_companion.gui.identity_check_dialog import IdentityCheckDialog
from tws_companion.gui.security_window import SecurityWindow
from tws_companion.gui.withdrawal_dialog import WithdrawalDialog, parse_amount
from tws_companion.gui.worker import Worker

pytestmark = pytest.mark.gui
server = server_fixture("withdrawals")


@pytest.fixture
def window(qtbot: QtBot, server: RunningServer, worker: Worker) -> Iterator[SecurityWindow]:
    with ApiClient(server.url) as api:
        yield open_security_window(qtbot, log_in(server), api, worker)


def open_withdrawal(qtbot: QtBot, window: SecurityWindow) -> WithdrawalDialog:
    qtbot.mouseClick(window.withdraw_button, Qt.MouseButton.LeftButton)
    dialog = window.action_dialog
    assert isinstance(dialog, WithdrawalDialog)
    assert dialog.isVisible()
    return dialog


def withdraw(
    qtbot: QtBot, server: RunningServer, dialog: WithdrawalDialog, amount: str, device_id: str
) -> None:
    """Type ``amount``, press Enter, confirm with ``device_id`` and wait for the answer."""
    if amount:
        dialog.amount_field.setText(amount)
    qtbot.keyClick(dialog.amount_field, Qt.Key.Key_Return)
    check = dialog.check
    assert isinstance(check, IdentityCheckDialog)
    assert check.isVisible()
    assert check.credentials.username.text() == "demo"
    wait = waiter(qtbot)
    pass_identity_check(check, wait, server, "demo", device_id)
    wait(lambda: dialog.outcome is not None and dialog.task is None)
    assert dialog.check is None  # the identity check closed once it approved


def test_a_withdrawal_within_the_limit_is_accepted(
    qtbot: QtBot, server: RunningServer, window: SecurityWindow
) -> None:
    dialog = open_withdrawal(qtbot, window)
    withdraw(qtbot, server, dialog, "150,000", "demo-card")
    assert dialog.result_title.text() == "Withdrawal accepted"
    text = dialog.result_text.text()
    assert "of 150,000 USD was accepted, confirmed with your Security Code Card." in text
    assert not dialog.other_device_button.isVisible()


def test_above_the_code_cards_limit_is_refused_naming_the_dsc_plus(
    qtbot: QtBot, server: RunningServer, window: SecurityWindow
) -> None:
    dialog = open_withdrawal(qtbot, window)
    withdraw(qtbot, server, dialog, "250000", "demo-card")
    assert dialog.result_title.text() == "Withdrawal refused"
    text = dialog.result_text.text()
    assert text.startswith("250,000 USD is more than your Security Code Card can confirm: ")
    assert "200,000 USD a day and 600,000 USD in 5 business days" in text
    assert "Digital Security Card+" in text.split("Confirm it with: ")[1]
    assert dialog.other_device_button.isVisible()

    # "Confirm with another device...": the same amount, confirmed with the DSC+.
    qtbot.mouseClick(dialog.other_device_button, Qt.MouseButton.LeftButton)
    check = dialog.check
    assert isinstance(check, IdentityCheckDialog)
    wait = waiter(qtbot)
    pass_identity_check(check, wait, server, "demo", "demo-dscplus")
    wait(lambda: dialog.task is None and dialog.result_title.text() == "Withdrawal accepted")
    assert "of 250,000 USD was accepted, confirmed with your Digital Security Card+." in (
        dialog.result_text.text()
    )


def test_an_amount_that_is_not_one_is_said_before_any_check(
    qtbot: QtBot, window: SecurityWindow
) -> None:
    dialog = open_withdrawal(qtbot, window)
    dialog.amount_field.setText("0")
    qtbot.keyClick(dialog.amount_field, Qt.Key.Key_Return)
    assert dialog.check is None
    assert dialog.amount_error.isVisible()
    assert dialog.amount_error.text() == "Enter an amount in US dollars, such as 2500.00."


def test_amounts_are_read_with_their_group_separators() -> None:
    assert str(parse_amount("1,250,000.50")) == "1250000.50"
    assert parse_amount("12.345") is None
    assert parse_amount("-5") is None
    assert parse_amount("") is None


def test_tab_reaches_the_amount_and_every_button(qtbot: QtBot, window: SecurityWindow) -> None:
    dialog = open_withdrawal(qtbot, window)
    dialog.activateWindow()
    dialog.amount_field.setFocus()
    seen = [dialog.focusWidget()]
    for _ in range(3):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
    assert seen == [
        dialog.amount_field,
        dialog.continue_button,
        dialog.close_button,
        dialog.amount_field,
    ]
