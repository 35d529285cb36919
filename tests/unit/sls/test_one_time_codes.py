"""SMS and voice codes: generation, hashed storage, message texts, phone masking."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tws_companion.sls.one_time_codes import (
    code_digest,
    mask_phone,
    new_code,
    sms_text,
    verify_code,
    voice_script,
)

KEY = b"k" * 32
LOGIN = "login-7f3a"


def test_new_code_is_six_digits_by_default() -> None:
    for _ in range(100):
        code = new_code()
        assert len(code) == 6
        assert code.isascii()
        assert code.isdigit()


def test_new_code_other_lengths_keep_leading_zeros() -> None:
    codes = [new_code(2) for _ in range(500)]
    assert all(len(code) == 2 for code in codes)
    assert any(code.startswith("0") for code in codes)


def test_new_code_is_not_constant() -> None:
    assert len({new_code() for _ in range(20)}) > 1


def test_digest_is_hex_sha256_and_hides_the_code() -> None:
    digest = code_digest(KEY, LOGIN, "123456")
    assert len(digest) == 64
    int(digest, 16)
    assert "123456" not in digest


def test_digest_is_deterministic_and_normalised() -> None:
    assert code_digest(KEY, LOGIN, "123456") == code_digest(KEY, LOGIN, " 123 456 ")


def test_digest_depends_on_key_context_and_code() -> None:
    digest = code_digest(KEY, LOGIN, "123456")
    assert code_digest(b"other key", LOGIN, "123456") != digest
    assert code_digest(KEY, "login-other", "123456") != digest
    assert code_digest(KEY, LOGIN, "123457") != digest


def test_context_and_code_cannot_be_shifted_into_each_other() -> None:
    assert code_digest(KEY, "login1", "23456") != code_digest(KEY, "login", "123456")


def test_digest_refuses_a_non_numeric_code_without_quoting_it() -> None:
    with pytest.raises(ValueError) as excinfo:
        code_digest(KEY, LOGIN, "12a456")
    assert "12a456" not in str(excinfo.value)


def test_verify_accepts_the_code_with_spaces() -> None:
    digest = code_digest(KEY, LOGIN, "123456")
    assert verify_code(KEY, LOGIN, "123456", digest)
    assert verify_code(KEY, LOGIN, "123 456\n", digest)


def test_verify_binds_the_code_to_its_login() -> None:
    digest = code_digest(KEY, LOGIN, "123456")
    assert not verify_code(KEY, "login-other", "123456", digest)


@pytest.mark.parametrize(
    "typed", ["", "123457", "12345", "1234567", "abcdef", "１２３４５６", "\ud800", "\x00"]
)
def test_verify_rejects_junk_without_raising(typed: str) -> None:
    digest = code_digest(KEY, LOGIN, "123456")
    assert verify_code(KEY, LOGIN, typed, digest) is False


@pytest.mark.parametrize("digest", ["", "zz", "é" * 64, "\ud800"])
def test_verify_survives_a_corrupt_stored_digest(digest: str) -> None:
    assert verify_code(KEY, LOGIN, "123456", digest) is False


def test_sms_text() -> None:
    assert sms_text("123456", timedelta(minutes=5)) == (
        "Your security code is 123456. It is valid for 5 minutes. Do not share it with anyone."
    )


@pytest.mark.parametrize(
    ("valid_for", "words"),
    [
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=90), "1 minute and 30 seconds"),
        (timedelta(seconds=30), "30 seconds"),
        (timedelta(hours=1, seconds=1), "1 hour and 1 second"),
    ],
)
def test_sms_text_spells_the_validity(valid_for: timedelta, words: str) -> None:
    assert f"It is valid for {words}." in sms_text("123456", valid_for)


def test_sms_text_rejects_a_non_positive_validity() -> None:
    with pytest.raises(ValueError):
        sms_text("123456", timedelta(0))


def test_voice_script_reads_digits_twice() -> None:
    assert voice_script("123456") == (
        "Hello. Your security code is: 1, 2, 3, 4, 5, 6. "
        "Again, your security code is: 1, 2, 3, 4, 5, 6. Goodbye."
    )


def test_voice_script_repeats() -> None:
    assert voice_script("042", repeats=1) == "Hello. Your security code is: 0, 4, 2. Goodbye."
    assert voice_script("042", repeats=3).count("0, 4, 2.") == 3


@pytest.mark.parametrize("code", ["", "12a4", "１２"])
def test_voice_script_refuses_non_digits(code: str) -> None:
    with pytest.raises(ValueError):
        voice_script(code)


def test_voice_script_refuses_zero_repeats() -> None:
    with pytest.raises(ValueError):
        voice_script("123456", repeats=0)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+1 555 123 4567", "+*** *** 4567"),
        ("+15551234567", "+*** *** 4567"),
        ("(555) 123-4567", "*** *** 4567"),
        ("+44 20 7946 0018", "+*** *** 0018"),
        ("1234567", "*** *** 4567"),
    ],
)
def test_mask_phone_shows_only_the_last_four_digits(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("phone", ["", "+", "1234", "+123456", "garbage", "+1 ☎ 55"])
def test_mask_phone_masks_short_or_garbage_input_completely(phone: str) -> None:
    masked = mask_phone(phone)
    assert set(masked) <= set("+* ")
    assert "*" in masked


def test_mask_phone_passes_nothing_but_digits_through() -> None:
    masked = mask_phone("+1 555\n<script>\x1b[31m 123 ٤٥٦٧ 4567")
    assert masked == "+*** *** 4567"
