"""OCRA against RFC 6287 Appendix C, and the behaviour the login server relies on."""

from __future__ import annotations

import pytest

from tws_companion.sls import ocra
from tws_companion.sls.devices import (
    DSC_PLUS_OCRA_SUITE,
    IB_KEY_OCRA_SUITE,
    LEGACY_CARD_OCRA_SUITE,
    LEGACY_DSC_OCRA_SUITE,
)

# RFC 6287 Appendix C keys ("Standard 20/32/64Byte key") and PIN.
KEY20 = bytes.fromhex("3132333435363738393031323334353637383930")
KEY32 = b"12345678901234567890123456789012"
KEY64 = b"1234567890" * 6 + b"1234"
PIN = "1234"
# Appendix C: T = 0x132d0b6 one-minute steps (Mar 25 2008, 12:06:30 GMT).
TIME_STEPS = 0x132D0B6

SHA1_6 = "OCRA-1:HOTP-SHA1-6:QN08"
SHA256_C_PIN = "OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1"
SHA256_PIN = "OCRA-1:HOTP-SHA256-8:QN08-PSHA1"
SHA512_C = "OCRA-1:HOTP-SHA512-8:C-QN08"
SHA512_T = "OCRA-1:HOTP-SHA512-8:QN08-T1M"


def test_appendix_c_keys_are_the_rfc_hex_strings() -> None:
    assert KEY32.hex() == "3132333435363738393031323334353637383930313233343536373839303132"
    assert KEY64.hex() == (
        "31323334353637383930313233343536373839303132333435363738393031323334353637383930"
        "313233343536373839303132333435363738393031323334"
    )


@pytest.mark.parametrize(
    ("challenge", "expected"),
    [
        ("00000000", "237653"),
        ("11111111", "243178"),
        ("22222222", "653583"),
        ("33333333", "740991"),
        ("44444444", "608993"),
        ("55555555", "388898"),
        ("66666666", "816933"),
        ("77777777", "224598"),
        ("88888888", "750600"),
        ("99999999", "294470"),
    ],
)
def test_rfc6287_sha1_6_qn08(challenge: str, expected: str) -> None:
    assert ocra.compute_response(SHA1_6, KEY20, challenge) == expected
    assert ocra.verify_response(SHA1_6, KEY20, challenge, expected)


@pytest.mark.parametrize(
    ("counter", "expected"),
    [
        (0, "65347737"),
        (1, "86775851"),
        (2, "78192410"),
        (3, "71565254"),
        (4, "10104329"),
        (5, "65983500"),
        (6, "70069104"),
        (7, "91771096"),
        (8, "75011558"),
        (9, "08522129"),
    ],
)
def test_rfc6287_sha256_8_counter_pin(counter: int, expected: str) -> None:
    response = ocra.compute_response(SHA256_C_PIN, KEY32, "12345678", pin=PIN, counter=counter)
    assert response == expected


@pytest.mark.parametrize(
    ("challenge", "expected"),
    [
        ("00000000", "83238735"),
        ("11111111", "01501458"),
        ("22222222", "17957585"),
        ("33333333", "86776967"),
        ("44444444", "86807031"),
    ],
)
def test_rfc6287_sha256_8_pin(challenge: str, expected: str) -> None:
    assert ocra.compute_response(SHA256_PIN, KEY32, challenge, pin=PIN) == expected
    assert ocra.verify_response(SHA256_PIN, KEY32, challenge, expected, pin=PIN)


@pytest.mark.parametrize(
    ("counter", "challenge", "expected"),
    [
        (0, "00000000", "07016083"),
        (1, "11111111", "63947962"),
        (2, "22222222", "70123924"),
        (3, "33333333", "25341727"),
        (4, "44444444", "33203315"),
        (5, "55555555", "34205738"),
        (6, "66666666", "44343969"),
        (7, "77777777", "51946085"),
        (8, "88888888", "20403879"),
        (9, "99999999", "31409299"),
    ],
)
def test_rfc6287_sha512_8_counter(counter: int, challenge: str, expected: str) -> None:
    assert ocra.compute_response(SHA512_C, KEY64, challenge, counter=counter) == expected


@pytest.mark.parametrize(
    ("challenge", "expected"),
    [
        ("00000000", "95209754"),
        ("11111111", "55907591"),
        ("22222222", "22048402"),
        ("33333333", "24218844"),
        ("44444444", "36209546"),
    ],
)
def test_rfc6287_sha512_8_time(challenge: str, expected: str) -> None:
    response = ocra.compute_response(SHA512_T, KEY64, challenge, timestamp=TIME_STEPS)
    assert response == expected


def test_time_suite_depends_on_the_time_step() -> None:
    later = ocra.compute_response(SHA512_T, KEY64, "00000000", timestamp=TIME_STEPS + 1)
    assert later != "95209754"


@pytest.mark.parametrize(
    ("suite", "challenge", "response"),
    [
        (SHA1_6, 8, 6),
        (SHA512_C, 8, 8),
        (DSC_PLUS_OCRA_SUITE, 6, 8),
        (IB_KEY_OCRA_SUITE, 8, 8),
        (LEGACY_DSC_OCRA_SUITE, 6, 8),
    ],
)
def test_suite_lengths(suite: str, challenge: int, response: int) -> None:
    assert ocra.challenge_digits(suite) == challenge
    assert ocra.response_digits(suite) == response


def test_challenge_digits_needs_a_numeric_challenge() -> None:
    with pytest.raises(ValueError, match="numeric"):
        ocra.challenge_digits("OCRA-1:HOTP-SHA256-8:QA08")


@pytest.mark.parametrize(
    "suite",
    ["", "OCRA-2:HOTP-SHA1-6:QN08", "OCRA-1:HOTP-MD4X-6:QN08", "OCRA-1:HOTP-SHA1-6:", "nonsense"],
)
def test_a_malformed_suite_is_a_value_error(suite: str) -> None:
    with pytest.raises(ValueError, match="invalid OCRA suite"):
        ocra.response_digits(suite)


@pytest.mark.parametrize("digits", [1, 4, 6, 8, 10])
def test_new_numeric_challenge_has_exactly_the_digits(digits: int) -> None:
    for _ in range(50):
        challenge = ocra.new_numeric_challenge(digits)
        assert len(challenge) == digits
        assert challenge.isascii()
        assert challenge.isdigit()


def test_new_numeric_challenge_is_not_constant() -> None:
    assert len({ocra.new_numeric_challenge(8) for _ in range(20)}) > 1


def test_new_numeric_challenge_keeps_leading_zeros() -> None:
    # Two-digit challenges: about 1 in 10 start with 0; 500 draws miss that with p < 1e-22.
    assert any(ocra.new_numeric_challenge(2).startswith("0") for _ in range(500))


def test_new_numeric_challenge_rejects_zero_digits() -> None:
    with pytest.raises(ValueError):
        ocra.new_numeric_challenge(0)


@pytest.mark.parametrize("suite", [DSC_PLUS_OCRA_SUITE, IB_KEY_OCRA_SUITE])
def test_pin_devices_round_trip(suite: str) -> None:
    key = bytes(range(32))
    challenge = ocra.new_numeric_challenge(ocra.challenge_digits(suite))
    response = ocra.compute_response(suite, key, challenge, pin="4321")
    assert len(response) == ocra.response_digits(suite)
    assert ocra.verify_response(suite, key, challenge, response, pin="4321")


@pytest.mark.parametrize("suite", [DSC_PLUS_OCRA_SUITE, IB_KEY_OCRA_SUITE])
def test_wrong_pin_fails(suite: str) -> None:
    key = bytes(range(32))
    challenge = "123456"
    response = ocra.compute_response(suite, key, challenge, pin="4321")
    assert not ocra.verify_response(suite, key, challenge, response, pin="4322")


def test_wrong_key_or_challenge_fails() -> None:
    response = ocra.compute_response(IB_KEY_OCRA_SUITE, KEY32, "00000000", pin=PIN)
    assert not ocra.verify_response(IB_KEY_OCRA_SUITE, KEY20, "00000000", response, pin=PIN)
    assert not ocra.verify_response(IB_KEY_OCRA_SUITE, KEY32, "00000001", response, pin=PIN)


@pytest.mark.parametrize("suite", [LEGACY_DSC_OCRA_SUITE, LEGACY_CARD_OCRA_SUITE])
def test_legacy_devices_round_trip_without_pin(suite: str) -> None:
    response = ocra.compute_response(suite, KEY32, "654321")
    assert ocra.verify_response(suite, KEY32, "654321", response)


@pytest.mark.parametrize("typed", ["8323 8735", " 83238735\n", "83 23 87 35", "\t83238735"])
def test_verify_ignores_whitespace_in_the_response(typed: str) -> None:
    assert ocra.verify_response(SHA256_PIN, KEY32, "00000000", typed, pin=PIN)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "8323873",  # too short
        "832387350",  # too long
        "0083238735",  # too long, even if it is the same number
        "8323873a",
        "８３２３８７３５",  # full-width digits: str.isdigit() is True for them
        "83238735\x00",
        "\ud800\ud800",  # lone surrogates, as a JSON body may carry them
        "-83238735",
    ],
)
def test_verify_rejects_malformed_responses_without_raising(typed: str) -> None:
    assert ocra.verify_response(SHA256_PIN, KEY32, "00000000", typed, pin=PIN) is False


def test_verify_rejects_a_response_to_an_older_challenge() -> None:
    old = ocra.compute_response(IB_KEY_OCRA_SUITE, KEY32, "11111111", pin=PIN)
    assert not ocra.verify_response(IB_KEY_OCRA_SUITE, KEY32, "22222222", old, pin=PIN)


def test_challenge_leading_zeros_are_numerically_insignificant() -> None:
    # RFC 6287 turns a numeric challenge into a number, as the reference implementation does.
    assert ocra.compute_response(SHA1_6, KEY20, "00000001") == ocra.compute_response(
        SHA1_6, KEY20, "1"
    )


@pytest.mark.parametrize("challenge", ["", "12a45678", "١٢٣٤٥٦٧٨", "123456789"])
def test_compute_rejects_a_bad_challenge(challenge: str) -> None:
    with pytest.raises(ValueError, match="challenge"):
        ocra.compute_response(SHA1_6, KEY20, challenge)


def test_compute_requires_the_pin_of_a_pin_suite() -> None:
    with pytest.raises(ValueError, match="needs a PIN"):
        ocra.compute_response(IB_KEY_OCRA_SUITE, KEY32, "00000000")


def test_compute_refuses_a_pin_the_suite_would_ignore() -> None:
    with pytest.raises(ValueError, match="takes no PIN"):
        ocra.compute_response(SHA1_6, KEY20, "00000000", pin=PIN)


@pytest.mark.parametrize("counter", [None, -1, 2**64])
def test_compute_requires_a_valid_counter(counter: int | None) -> None:
    with pytest.raises(ValueError, match="counter"):
        ocra.compute_response(SHA512_C, KEY64, "00000000", counter=counter)


def test_compute_refuses_a_counter_or_timestamp_the_suite_has_no_place_for() -> None:
    with pytest.raises(ValueError, match="no counter"):
        ocra.compute_response(SHA1_6, KEY20, "00000000", counter=1)
    with pytest.raises(ValueError, match="no timestamp"):
        ocra.compute_response(SHA1_6, KEY20, "00000000", timestamp=1)


def test_compute_requires_a_timestamp_for_a_time_suite() -> None:
    with pytest.raises(ValueError, match="timestamp"):
        ocra.compute_response(SHA512_T, KEY64, "00000000")


def test_errors_never_quote_the_pin_or_the_key() -> None:
    secret_pin = "987654"
    with pytest.raises(ValueError) as excinfo:
        ocra.compute_response(IB_KEY_OCRA_SUITE, KEY32, "not digits", pin=secret_pin)
    assert secret_pin not in str(excinfo.value)
    assert KEY32.decode() not in str(excinfo.value)
