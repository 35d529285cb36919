"""Driving the real login dialog through a whole login as ``demo`` with the DSC+, the response
computed as the simulator would: for scripts and benchmarks that need a logged-in GUI."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.demo import dsc_plus_response
from tws_companion.gui.device_pages import OcraPage
from tws_companion.gui.login_dialog import LoginDialog

Wait = Callable[[Callable[[], bool]], None]


def log_in_with_dsc_plus(dialog: LoginDialog, wait: Wait) -> None:
    """Type the credentials, pick the DSC+ and send its response; ``wait(condition)`` runs the
    event loop until ``condition()`` holds. Returns once the response is sent."""
    dialog.credentials.username.setText("demo")
    dialog.credentials.password.setText("demo-pass-1")
    dialog.credentials.login_button.click()
    wait(lambda: not dialog.busy)
    combo = dialog.select_page.devices
    combo.setCurrentIndex(combo.findData("demo-dscplus"))
    dialog.select_page.continue_button.click()
    wait(lambda: not dialog.busy)
    page = dialog.stack.currentWidget()
    assert isinstance(page, OcraPage)
    page.response_field.setText(dsc_plus_response(page.challenge_code.text()))
    page.submit_button.click()
