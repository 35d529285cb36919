"""RFC 6287 OCRA challenges and responses for DSC+, IB Key and the legacy devices.

The HMAC arithmetic comes from the ``oath`` package (``str2ocrasuite``); everything around it is
ours, because parts of ``oath`` must not be used: its challenge generator draws from ``random``,
its ``P_digest`` input is broken, and its challenge-response server object is single-use. The PIN
is passed raw and ``oath`` hashes it with the suite's ``P`` algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from oath import str2ocrasuite

from tws_companion.sls.randomness import random_digits
from tws_companion.sls.text_input import is_ascii_digits, remove_whitespace, secure_equals

_UINT64_LIMIT = 2**64


@dataclass(frozen=True, slots=True)
class _Suite:
    """What our code needs to know about a parsed suite."""

    impl: Any
    challenge_kind: str | None
    challenge_max: int
    truncation: int
    uses_counter: bool
    uses_pin: bool
    uses_session: bool
    uses_timestamp: bool


@lru_cache(maxsize=64)
def _parse(suite: str) -> _Suite:
    try:
        impl = str2ocrasuite(suite)
    except (ValueError, IndexError, AttributeError, TypeError):
        raise ValueError(f"invalid OCRA suite {suite!r}") from None
    data_input = impl.data_input
    question = data_input.Q
    return _Suite(
        impl=impl,
        challenge_kind=question[0] if question else None,
        challenge_max=int(question[1]) if question else 0,
        truncation=int(impl.crypto_function.truncation_length or 0),
        uses_counter=bool(data_input.C),
        uses_pin=bool(data_input.P),
        uses_session=bool(data_input.S),
        uses_timestamp=bool(data_input.T),
    )


def new_numeric_challenge(digits: int) -> str:
    """A random numeric challenge of exactly ``digits`` digits (leading zeros kept)."""
    return random_digits(digits)


def challenge_digits(suite: str) -> int:
    """The challenge length ``nn`` of the suite's ``QNnn``; ``ValueError`` if it is not numeric."""
    parsed = _parse(suite)
    if parsed.challenge_kind != "N":
        raise ValueError(f"OCRA suite {suite!r} has no numeric challenge")
    return parsed.challenge_max


def response_digits(suite: str) -> int:
    """The response length (the suite's truncation, e.g. 8 for ``HOTP-SHA256-8``)."""
    parsed = _parse(suite)
    if parsed.truncation == 0:
        raise ValueError(f"OCRA suite {suite!r} does not truncate its response")
    return parsed.truncation


def _uint64_input(suite: str, name: str, used: bool, value: int | None) -> bool:
    """Whether the suite takes the 64-bit input ``name``; ``ValueError`` unless ``value`` fits."""
    if used and (value is None or not 0 <= value < _UINT64_LIMIT):
        raise ValueError(f"OCRA suite {suite!r} needs a {name} from 0 to 2**64 - 1")
    if not used and value is not None:
        raise ValueError(f"OCRA suite {suite!r} takes no {name}")
    return used


def compute_response(
    suite: str,
    key: bytes,
    challenge: str,
    *,
    pin: str | None = None,
    counter: int | None = None,
    timestamp: int | None = None,
) -> str:
    """The OCRA response to ``challenge``, as the device shows it.

    ``pin`` is the raw PIN (the suite's ``P`` hash is applied here), ``counter`` the ``C`` value
    and ``timestamp`` the already-divided number of time steps (``T``). Each must be given exactly
    when the suite uses it; anything else is a ``ValueError`` that names no secret.
    """
    parsed = _parse(suite)
    if parsed.challenge_kind is None:
        raise ValueError(f"OCRA suite {suite!r} has no challenge")
    if parsed.challenge_kind == "N" and not is_ascii_digits(challenge):
        raise ValueError("the challenge must be ASCII digits")
    if not 1 <= len(challenge) <= parsed.challenge_max:
        raise ValueError(f"the challenge must be 1 to {parsed.challenge_max} characters")
    if parsed.uses_session:
        raise ValueError(f"OCRA suite {suite!r} needs session data, which is not supported")
    kwargs: dict[str, Any] = {"Q": challenge}
    if parsed.uses_pin:
        if pin is None:
            raise ValueError(f"OCRA suite {suite!r} needs a PIN")
        kwargs["P"] = pin
    elif pin is not None:
        raise ValueError(f"OCRA suite {suite!r} takes no PIN")
    if _uint64_input(suite, "counter", parsed.uses_counter, counter):
        kwargs["C"] = counter
    if _uint64_input(suite, "timestamp", parsed.uses_timestamp, timestamp):
        kwargs["T_precomputed"] = timestamp
    try:
        return str(parsed.impl(bytes(key), **kwargs))
    except (ValueError, TypeError):
        # oath's messages may quote its inputs; ours must not.
        raise ValueError(f"OCRA suite {suite!r} rejected its inputs") from None


def verify_response(
    suite: str, key: bytes, challenge: str, response: str, *, pin: str | None = None
) -> bool:
    """Whether ``response`` answers ``challenge``, in constant time.

    The response is user input: whitespace in it is ignored, and anything that is not the right
    number of digits is simply ``False``. A bad suite, challenge or missing PIN (the server's
    data) still raises ``ValueError``.
    """
    expected = compute_response(suite, key, challenge, pin=pin)
    return secure_equals(remove_whitespace(response), expected)
