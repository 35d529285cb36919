"""What the login window says about waits, wrong passwords and devices, in English (the
source language, with its plurals) and Simplified Chinese (one plural form)."""

from __future__ import annotations

import pytest

from tws_companion.client.login_machine import Notice, NoticeKind
from tws_companion.gui.messages import describe, device_kind_name, wait_text
from tws_companion.protocol import ErrorCode
from tws_companion.sls.devices import DeviceKind

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (1, "Please wait 1 second"),
        (2, "Please wait 2 seconds"),
        (59, "Please wait 59 seconds"),
        (60, "Please wait 1 minute"),
        (61, "Please wait 1 minute and 1 second"),
        (125, "Please wait 2 minutes and 5 seconds"),
        (3600, "Please wait 1 hour"),
        (3661, "Please wait 1 hour and 2 minutes"),  # minutes rounded up from an hour on
        (86_399, "Please wait 24 hours"),
    ],
)
def test_a_wait_is_spelled_with_correct_plurals(seconds: int, expected: str) -> None:
    assert wait_text(seconds) == expected


def wrong_password(before_wait: int | None, before_lock: int | None) -> str:
    notice = Notice(
        NoticeKind.SERVER_ERROR,
        code=ErrorCode.INVALID_CREDENTIALS,
        text="server words",
        attempts_left=before_wait,
        attempts_before_lock=before_lock,
    )
    return describe(notice)


def test_a_wrong_password_says_what_is_left_before_a_wait_and_a_lock() -> None:
    assert wrong_password(1, 1).splitlines() == [
        "The user name or password is not correct.",
        "1 attempt left before a wait.",
        "1 attempt left before the account locks.",
    ]
    # Past the first wait: each failure waits, only the lock is left to tell.
    assert wrong_password(0, 5).splitlines() == [
        "The user name or password is not correct.",
        "5 attempts left before the account locks.",
    ]
    assert wrong_password(0, 0).splitlines() == [
        "The user name or password is not correct.",
        "The account is now locked: contact Client Services to unlock it sooner.",
    ]
    # An older server tells no counts.
    assert wrong_password(None, None) == "The user name or password is not correct."


def test_a_new_code_asked_for_too_early_says_the_seconds_left() -> None:
    notice = Notice(NoticeKind.SERVER_ERROR, code=ErrorCode.RESEND_TOO_SOON, text="server words")
    assert describe(notice, seconds_left=1) == (
        "Please wait 1 second before requesting a new code."
    )
    assert describe(notice, seconds_left=25) == (
        "Please wait 25 seconds before requesting a new code."
    )
    # Without the server's number: the general sentence.
    assert describe(notice) == "Please wait a few seconds before requesting a new code."


def test_every_device_kind_has_a_name() -> None:
    names = {kind: device_kind_name(kind) for kind in DeviceKind}
    assert all(name and name != kind.value for kind, name in names.items()), names
    assert len(set(names.values())) == len(names)
    assert device_kind_name("a_kind_from_a_newer_server") == "a_kind_from_a_newer_server"
