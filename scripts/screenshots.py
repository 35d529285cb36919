"""Screenshots of every login step, in English and Chinese, for README and review.

Run under a virtual X server (the README's screenshots are taken this way)::

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py

It starts the demo server in this process on a temporary data folder, drives the real login
dialog through each step, and writes ``docs/screenshots/<language>/<step>.png``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.demo import (  # noqa: E402 - after the path is set
    DSC_PLUS_KEY,
    IB_KEY_KEY,
    write_scenario,
)
from tws_companion.client.api import ApiClient  # noqa: E402
from tws_companion.gui.device_pages import OcraPage, SmsPage  # noqa: E402
from tws_companion.gui.garbage import GuiThreadCollector  # noqa: E402
from tws_companion.gui.i18n import Translations  # noqa: E402
from tws_companion.gui.login_dialog import LoginDialog  # noqa: E402
from tws_companion.gui.preferences import LoginPreferences  # noqa: E402
from tws_companion.gui.simulators import SimulatedOcraDevice  # noqa: E402
from tws_companion.gui.worker import Worker  # noqa: E402
from tws_companion.server.config import ServerConfig  # noqa: E402
from tws_companion.server.runner import EmbeddedServer  # noqa: E402
from tws_companion.server.scenario import load_scenario, read_scenario  # noqa: E402

#: Seconds between "Request new code" requests on the screenshot server.
RESEND_INTERVAL = 1


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


class Shooter:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, widget: QWidget, name: str) -> None:
        for _ in range(5):
            QCoreApplication.processEvents()
        path = self.folder / f"{name}.png"
        widget.grab().save(str(path))
        print(f"wrote {path.relative_to(ROOT)}")


def login_steps(url: str, language: str, shoot: Shooter, outbox: Path) -> None:
    worker = Worker()
    api = ApiClient(url)

    def fresh() -> LoginDialog:
        dialog = LoginDialog(api, worker, translations=translations)
        dialog.resize(480, 470)
        dialog.show()
        return dialog

    def log_in(dialog: LoginDialog, user: str, password: str) -> None:
        dialog.credentials.username.setText(user)
        dialog.credentials.password.setText(password)
        dialog.credentials.login_button.click()
        wait_until(lambda: not dialog.busy)

    def choose(dialog: LoginDialog, kind: str) -> None:
        kinds = {d.id: d.kind for d in dialog.machine.state.devices}
        combo = dialog.select_page.devices
        combo.setCurrentIndex(
            next(i for i in range(combo.count()) if kinds[combo.itemData(i)] == kind)
        )
        dialog.select_page.continue_button.click()
        wait_until(lambda: not dialog.busy)

    translations = Translations()
    translations.apply(language)

    dialog = fresh()
    dialog.credentials.username.setText("demo")
    dialog.credentials.more_button.setChecked(True)
    shoot(dialog, "01-credentials")
    dialog.credentials.keyboard_button.setChecked(True)
    dialog.credentials.more_button.setChecked(False)
    dialog.resize(480, 560)
    shoot(dialog, "02-on-screen-keyboard")
    dialog.close()

    dialog = fresh()
    log_in(dialog, "demo", "demo-pass-1")
    shoot(dialog, "03-select-device")
    for kind, name in (("dsc_plus", "04-dsc-plus"), ("ib_key", "05-ib-key"),
                       ("code_card", "06-code-card")):  # fmt: skip
        choose(dialog, kind)
        shoot(dialog, name)
        dialog.other_device.click()
    choose(dialog, "sms")
    resend_allowed = time.monotonic() + RESEND_INTERVAL + 0.2
    page = dialog.stack.currentWidget()
    assert isinstance(page, SmsPage)
    page.not_received.click()
    shoot(dialog, "07-sms-request-new-code")
    wait_until(lambda: time.monotonic() > resend_allowed)
    page.by_voice.setChecked(True)
    page.request_ok.click()
    wait_until(lambda: not dialog.busy)
    shoot(dialog, "08-voice-call-coming")
    dialog.close()

    dialog = fresh()
    log_in(dialog, "demo", "demo-pass-1")
    choose(dialog, "dsc_plus")
    ocra_page = dialog.stack.currentWidget()
    assert isinstance(ocra_page, OcraPage)
    ocra_page.response_field.setText("00000000")
    ocra_page.submit_button.click()
    wait_until(lambda: not dialog.busy)
    shoot(dialog, "09-wrong-response")
    dialog.close()

    dialog = fresh()
    for _ in range(3):
        log_in(dialog, "locky", "wrong")
    log_in(dialog, "locky", "locky-pass-1")
    shoot(dialog, "10-lockout-countdown")
    dialog.close()

    dialog = fresh()
    log_in(dialog, "restricted", "restricted-pass-1")
    shoot(dialog, "11-ip-restricted")
    dialog.close()

    worker.shutdown()
    api.close()


def simulators(shoot: Shooter, server: EmbeddedServer) -> None:
    from tws_companion.gui.simulators.code_card import CodeCardViewer
    from tws_companion.gui.simulators.dsc_plus import DscPlusSimulator
    from tws_companion.gui.simulators.ib_key import IbKeySimulator
    from tws_companion.gui.simulators.phone import PhoneWindow
    from tws_companion.server import accounts
    from tws_companion.server.db import Device

    dsc = DscPlusSimulator(SimulatedOcraDevice("Digital Security Card+", DSC_PLUS_KEY, "1234"))
    dsc.show()
    shoot(dsc, "20-dsc-plus-simulator")
    ib_key = IbKeySimulator(SimulatedOcraDevice("IB Key", IB_KEY_KEY, "2580"))
    ib_key.show()
    shoot(ib_key, "21-ib-key-simulator")
    with server.context.db.transaction() as s:
        row = s.get(Device, "demo-card")
        assert row is not None
        card = accounts.device_card(server.context, row)
    viewer = CodeCardViewer("Security Code Card", card)
    viewer.show()
    shoot(viewer, "22-code-card-viewer")
    assert server.context.data_dir is not None
    phone = PhoneWindow(server.context.data_dir / "outbox", "+15555550100")
    phone.show()
    wait_until(lambda: phone.message_count() > 0, 10)
    shoot(phone, "23-phone")
    for window in (dsc, ib_key, viewer, phone):
        window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--languages", nargs="+", default=["en", "zh_CN"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tws-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    app = QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    GuiThreadCollector(app).start()
    try:
        for language in args.languages:
            scenario = read_scenario(write_scenario(work))
            server = EmbeddedServer(
                ServerConfig(
                    data_dir=work / f"data-{language}",
                    # So the voice-callback step needs no 30-second wait.
                    policy={"resend_min_interval": RESEND_INTERVAL},
                )
            )
            load_scenario(server.context, scenario)
            url = server.start()
            LoginPreferences().last_username = ""
            shoot = Shooter(args.output / language)
            assert server.context.data_dir is not None
            login_steps(url, language, shoot, server.context.data_dir / "outbox")
            simulators(shoot, server)
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
