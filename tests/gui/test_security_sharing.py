"""Share a device (KB2481) from Settings > Secure Login System against a real server process: the
device owner's credentials and challenge, the review, then the request approved, pending
compliance approval, or refused ("Less secure device", "Different identification
information"); the user's requests listed with their status."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.process_server import RunningServer
from tests.support.security_session import (
    WAIT_MS,
    log_in,
    open_security_window,
    pass_identity_check,
    server_fixture,
    waiter,
)
from tws_companion.client.api import ApiClient
from tws_companion.gui.device_sharing_dialog import DeviceSharingDialog
from tws_companion.gui.i18n import Translations
from tws_companion.gui.identity_check_dialog import IdentityCheckDialog
from tws_companion.gui.security_window import SecurityWindow
from tws_companion.gui.worker import Worker

pytestmark = pytest.mark.gui
server = server_fixture("sharing")


@pytest.fixture
def open_as(
    qtbot: QtBot, server: RunningServer, worker: Worker
) -> Iterator[Callable[[str], SecurityWindow]]:
    """Settings > Secure Login System of a user logged in."""
    with ApiClient(server.url) as api:

        def make(username: str) -> SecurityWindow:
            return open_security_window(qtbot, log_in(server, username), api, worker)

        yield make


def share(
    qtbot: QtBot, server: RunningServer, window: SecurityWindow, owner: str, device_id: str
) -> DeviceSharingDialog:
    """Share a device... as a user does: Continue, the owner's credentials and device, the
    review, Continue; returns once the server answered."""
    wait = waiter(qtbot)
    qtbot.mouseClick(window.share_button, Qt.MouseButton.LeftButton)
    dialog = window.action_dialog
    assert isinstance(dialog, DeviceSharingDialog)
    wait(lambda: dialog.requests is not None)
    assert dialog.stack.currentWidget() is dialog.rules_page
    assert "highest level of protection" in dialog.rules.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Continue is the default button
    check = dialog.check
    assert isinstance(check, IdentityCheckDialog)
    assert check.credentials.username.text() == ""  # the OWNER's, not the user's
    assert "credentials of the device owner" in check.credentials.intro.text()
    pass_identity_check(check, wait, server, owner, device_id)
    wait(lambda: dialog.stack.currentWidget() is dialog.review_page)
    assert f" of {owner} with your user name {window.login.username}?" in (
        dialog.review_text.text()
    )
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    wait(lambda: dialog.task is None and dialog.list_task is None)
    assert dialog.stack.currentWidget() is dialog.result_page
    return dialog


def test_a_request_the_rules_allow_is_approved_and_the_device_joins_the_list(
    qtbot: QtBot, server: RunningServer, open_as: Callable[[str], SecurityWindow]
) -> None:
    window = open_as("heir")
    assert [row[0] for row in window.device_texts()] == ["Security Code Card"]
    dialog = share(qtbot, server, window, "demo", "demo-dscplus")
    assert dialog.result_title.text() == "Sharing approved"
    assert dialog.result_text.text().startswith(
        "The Digital Security Card+ of demo is now shared with your user name"
    )
    assert dialog.request_texts()[0][:3] == ("Digital Security Card+", "demo", "Approved")
    assert dialog.continue_button.text() == "OK"
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.action_dialog is None and window.task is None)
    assert "Digital Security Card+" in [row[0] for row in window.device_texts()]


def test_a_device_named_only_by_its_kind_is_listed_in_the_users_language(
    qtbot: QtBot,
    server: RunningServer,
    open_as: Callable[[str], SecurityWindow],
) -> None:
    """The server names a device given no label after its kind, in English: switched to
    Chinese, the list shows the kind in Chinese alone, not "数码安全卡+: Digital Security Card+"."""
    window = open_as("heir")
    dialog = share(qtbot, server, window, "demo", "demo-dscplus")
    translations = Translations()
    assert translations.apply("zh_CN")
    try:
        qtbot.waitUntil(lambda: dialog.request_texts()[0][0] == "数码安全卡+", timeout=WAIT_MS)
    finally:
        translations.apply("en")


def test_sharing_a_less_secure_device_is_refused(
    qtbot: QtBot, server: RunningServer, open_as: Callable[[str], SecurityWindow]
) -> None:
    window = open_as("boss")  # kept: the dialog is its child
    dialog = share(qtbot, server, window, "clerk", "clerk-card")
    assert dialog.result_title.text() == "Sharing refused"
    assert dialog.result_text.text().startswith("Less secure device: ")
    assert dialog.request_texts() == []
    assert dialog.requests_status.text() == "You have no sharing requests."


def test_users_of_different_entities_are_refused(
    qtbot: QtBot, server: RunningServer, open_as: Callable[[str], SecurityWindow]
) -> None:
    window = open_as("stranger")
    dialog = share(qtbot, server, window, "demo", "demo-dscplus")
    assert dialog.result_title.text() == "Sharing refused"
    assert dialog.result_text.text().startswith("Different identification information: ")


def test_identical_identification_data_waits_for_compliance_approval(
    qtbot: QtBot, server: RunningServer, open_as: Callable[[str], SecurityWindow]
) -> None:
    window = open_as("twin")
    dialog = share(qtbot, server, window, "boss", "boss-dscplus")
    assert dialog.result_title.text() == "Pending compliance approval"
    assert "needs the approval of our Compliance department" in dialog.result_text.text()
    assert dialog.request_texts()[0][:3] == (
        "Digital Security Card+: Boss's DSC+",
        "boss",
        "Pending compliance approval",
    )
