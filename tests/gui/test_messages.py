"""What the login dialog tells the user when something goes wrong, by cause.

The sentences are checked on their own, then in the dialog with a scripted API client (no
server needed: each case is one answer, or a refusal before anything is sent).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tws_companion.client.api import ApiClient
from tws_companion.client.errors import (
    CertificateError,
    ChallengeExpired,
    InsecureTransport,
    ProtocolError,
    ServerTimeout,
    ServerUnreachable,
    TlsError,
)
from tws_companion.client.login_machine import Notice, NoticeKind, Phase
from tws_companion.client.models import Challenge, Device, LoginStart, Session
from tws_companion.gui.device_pages import SmsPage
from tws_companion.gui.login_dialog import LoginDialog
from tws_companion.gui.messages import describe, describe_failure
from tws_companion.gui.worker import Worker
from tws_companion.protocol import ChallengeType, Channel, ErrorCode, Platform, Step

pytestmark = pytest.mark.gui

WAIT_MS = 10_000
URL = "https://sls.example.com"
UNREACHABLE = "The server cannot be reached. Check your connection and try again."


# --- the sentences ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            CertificateError(URL, "self-signed certificate"),
            "The server's certificate could not be verified, so the connection is not trusted. "
            "Nothing was sent.",
        ),
        (
            TlsError(URL, "handshake failure"),
            "A secure connection to the server could not be established.",
        ),
        (
            InsecureTransport("http://sls.example.com:8765"),
            "Refusing to send your password over an unencrypted connection to sls.example.com. "
            "Use an https:// server address.",
        ),
        (
            ProtocolError("the answer is not JSON", status=200),
            "The server gave an answer this app does not understand.",
        ),
        (ServerUnreachable(URL, "connection refused"), UNREACHABLE),
        (ServerTimeout(URL), UNREACHABLE),
        (RuntimeError("a bug"), UNREACHABLE),
    ],
)
def test_a_failure_without_an_answer_is_described_by_its_cause(
    error: Exception, expected: str
) -> None:
    assert describe_failure(error) == expected


EXPIRED = Notice(NoticeKind.SERVER_ERROR, code=ErrorCode.CHALLENGE_EXPIRED, text="Expired.")


def test_an_expired_security_code_asks_for_a_new_one() -> None:
    assert describe(EXPIRED, ChallengeType.OOB) == (
        "The security code has expired. Request a new security code."
    )


@pytest.mark.parametrize("challenge_type", [None, ChallengeType.OCRA, ChallengeType.INDICES])
def test_an_expired_challenge_asks_to_start_over(challenge_type: ChallengeType | None) -> None:
    assert describe(EXPIRED, challenge_type) == (
        "The challenge has expired. Start over from step 1."
    )


# --- in the dialog ----------------------------------------------------------------------------


class ExpiredSmsApi(ApiClient):
    """An SMS login whose code has expired when it is typed; the login itself lives on."""

    def start_login(
        self, username: str, password: str, platform: Platform | str = Platform.TWS
    ) -> LoginStart:
        return LoginStart(
            login_id="L1",
            expires_at=datetime.now(UTC) + timedelta(minutes=5),
            devices=(Device(id="d1", kind="sms", label="Phone"),),
            preferred_device_id="d1",
            step=Step.RESPOND,
            device_id="d1",
            challenge=Challenge(
                type=ChallengeType.OOB,
                channel=Channel.SMS,
                destination="*** 0100",
                expires_in=300,
                resend_after=30,
            ),
        )

    def respond(self, login_id: str, response: str) -> Session:
        raise ChallengeExpired(ErrorCode.CHALLENGE_EXPIRED, 401, "Expired.")


@pytest.fixture
def worker() -> Iterator[Worker]:
    worker = Worker()
    yield worker
    assert worker.shutdown(WAIT_MS)


def open_dialog(qtbot: QtBot, api: ApiClient, worker: Worker) -> LoginDialog:
    dialog = LoginDialog(api, worker)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def log_in(qtbot: QtBot, dialog: LoginDialog) -> None:
    dialog.credentials.username.setText("demo")
    dialog.credentials.password.setText("demo-pass-1")
    qtbot.mouseClick(dialog.credentials.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)


def test_plain_http_to_another_machine_is_explained(qtbot: QtBot, worker: Worker) -> None:
    with ApiClient("http://sls.example.com:8765") as api:
        dialog = open_dialog(qtbot, api, worker)
        log_in(qtbot, dialog)
        expected = (
            "Refusing to send your password over an unencrypted connection to sls.example.com. "
            "Use an https:// server address."
        )
        assert dialog.notice.text() == expected
        assert dialog.stack.currentWidget() is dialog.credentials
        dialog.retranslate()  # rendered again, the sentence stays
        assert dialog.notice.text() == expected


def test_an_expired_sms_code_keeps_the_login_alive(qtbot: QtBot, worker: Worker) -> None:
    with ExpiredSmsApi(URL) as api:
        dialog = open_dialog(qtbot, api, worker)
        log_in(qtbot, dialog)
        page = dialog.stack.currentWidget()
        assert isinstance(page, SmsPage)
        page.code_field.setText("123456")
        qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
        assert dialog.machine.state.phase is Phase.RESPOND
        assert dialog.stack.currentWidget() is page
        assert dialog.notice.text() == (
            "The security code has expired. Request a new security code."
        )
