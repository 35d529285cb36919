"""SMS and voice one-time codes: generation, hashed storage, the messages that carry them."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from tws_companion.sls.durations import ceil_seconds, duration_text
from tws_companion.sls.policy import MIN_PHONE_DIGITS, ONE_TIME_CODE_DIGITS, VOICE_CODE_REPEATS
from tws_companion.sls.randomness import random_digits
from tws_companion.sls.text_input import is_ascii_digits, remove_whitespace, secure_equals

#: Domain separation: these digests can never be confused with another HMAC under the same key.
_DIGEST_LABEL = b"tws-companion one-time code v1\x00"
_SHOWN_PHONE_DIGITS = 4


def new_code(digits: int = ONE_TIME_CODE_DIGITS) -> str:
    """A random code of exactly ``digits`` digits (``secrets``; leading zeros kept)."""
    return random_digits(digits)


def _digest(key: bytes, context: str, code: str) -> str:
    context_bytes = context.encode("utf-8", "surrogatepass")
    message = (
        _DIGEST_LABEL
        + len(context_bytes).to_bytes(8, "big")
        + context_bytes
        + code.encode("utf-8", "surrogatepass")
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def code_digest(key: bytes, context: str, code: str) -> str:
    """HMAC-SHA256 (hex) of ``code`` bound to ``context`` (the login id): what the server stores.

    A code stored for one login never verifies for another.
    """
    normalized = remove_whitespace(code)
    if not is_ascii_digits(normalized):
        raise ValueError("a one-time code must be digits")
    return _digest(key, context, normalized)


def verify_code(key: bytes, context: str, code: str, digest: str) -> bool:
    """Whether ``code`` (user input; whitespace ignored) is the one stored as ``digest``.

    Constant-time, and ``False`` rather than an exception for any junk input.
    """
    return secure_equals(_digest(key, context, remove_whitespace(code)), digest)


def sms_text(code: str, valid_for: timedelta) -> str:
    """The text message carrying ``code``."""
    digits = _checked_digits(code)
    if valid_for <= timedelta(0):
        raise ValueError("valid_for must be positive")
    return (
        f"Your security code is {digits}. "
        f"It is valid for {duration_text(ceil_seconds(valid_for))}. "
        "Do not share it with anyone."
    )


def voice_script(code: str, repeats: int = VOICE_CODE_REPEATS) -> str:
    """What the voice call says: the code digit by digit, ``repeats`` times.

    Digits separated by commas make text-to-speech engines such as espeak-ng pause between them.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, not {repeats}")
    spoken = ", ".join(_checked_digits(code))
    sentences = ["Hello.", f"Your security code is: {spoken}."]
    sentences.extend(f"Again, your security code is: {spoken}." for _ in range(repeats - 1))
    sentences.append("Goodbye.")
    return " ".join(sentences)


def phone_digits(phone: str) -> str:
    """The ASCII digits of a phone number, without its formatting."""
    return "".join(char for char in phone if char in "0123456789")


def mask_phone(phone: str) -> str:
    """``phone`` with only its last 4 digits shown, e.g. ``"+*** *** 1234"``.

    The mask has a fixed shape, so it reveals neither the length nor the formatting of the number,
    and only ASCII digits of the input reach the output. Anything with fewer than
    ``MIN_PHONE_DIGITS`` digits is not a phone number and is masked completely.
    """
    digits = phone_digits(phone)
    prefix = "+" if phone.strip().startswith("+") else ""
    if len(digits) < MIN_PHONE_DIGITS:
        return f"{prefix}*** *** ****"
    return f"{prefix}*** *** {digits[-_SHOWN_PHONE_DIGITS:]}"


def _checked_digits(code: str) -> str:
    digits = remove_whitespace(code)
    if not is_ascii_digits(digits):
        raise ValueError("a one-time code must be digits")
    return digits
