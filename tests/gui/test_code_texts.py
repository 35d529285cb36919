"""The sentences shown for the server's refusal codes (login and security centre), through the one
code → text table: in the language in use when they are read, the server's own words for a code
the app does not know."""

from __future__ import annotations

import pytest

from tws_companion.client.errors import ApiError
from tws_companion.client.login_machine import Notice, NoticeKind
from tws_companion.gui.code_texts import QT_TRANSLATE_NOOP, CodeTexts
from tws_companion.gui.i18n import Translations
from tws_companion.gui.messages import describe
from tws_companion.gui.security_window import failure_text
from tws_companion.protocol import ErrorCode

pytestmark = pytest.mark.gui


def refused_login(code: ErrorCode) -> str:
    return describe(Notice(NoticeKind.SERVER_ERROR, code, text="the server's words"))


def refused_security(code: ErrorCode | str) -> str:
    return failure_text(ApiError(code, 409, "the server's words"))


def test_known_codes_read_in_english_and_unknown_ones_in_the_servers_words() -> None:
    assert refused_login(ErrorCode.LOGIN_THROTTLED) == "Too many failed login attempts."
    assert refused_security(ErrorCode.APPROVAL_USED) == (
        "The identity check was already used once. Start again."
    )
    assert refused_login(ErrorCode.APPROVAL_USED) == "the server's words"
    assert refused_security(ErrorCode.LOGIN_THROTTLED) == "the server's words"
    assert refused_security("a_code_from_a_newer_server") == "the server's words"


def test_the_tables_read_in_the_language_switched_to(chinese: Translations) -> None:
    assert refused_login(ErrorCode.LOGIN_THROTTLED) == "登录失败次数过多。"
    assert refused_security(ErrorCode.APPROVAL_USED) == "此身份验证已使用过一次。请重新开始。"
    chinese.apply("en")
    assert refused_login(ErrorCode.LOGIN_THROTTLED) == "Too many failed login attempts."


def test_every_refusal_has_its_chinese_sentence(chinese: Translations) -> None:
    login = [ErrorCode.SOURCE_THROTTLED, ErrorCode.ACCOUNT_LOCKED, ErrorCode.SCOPE_DENIED]
    security = [ErrorCode.LESS_SECURE_DEVICE, ErrorCode.SHARE_NOT_NEEDED]
    for text in [refused_login(code) for code in login] + [
        refused_security(code) for code in security
    ]:
        assert text != "the server's words"
        assert any("\u4e00" <= char <= "\u9fff" for char in text), text


def test_a_table_falls_back_for_no_code() -> None:
    table = CodeTexts("Nowhere", {1: QT_TRANSLATE_NOOP("Nowhere", "one")})
    assert table.text(1, "fallback") == "one"
    assert table.text(2, "fallback") == "fallback"
    assert table.text(None, "fallback") == "fallback"
