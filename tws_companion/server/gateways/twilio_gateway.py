"""The production gateway: SMS and voice calls through Twilio's REST API.

``api_base`` points the client at another base URL than ``https://api.twilio.com``: a local HTTP
server standing in for the provider in tests, or a relay. Twilio's client takes an
``http_client``; ours is a :class:`twilio.http.http_client.TwilioHttpClient` that rewrites the
scheme, host and port of every request URL to those of ``api_base`` (keeping the path, e.g.
``/2010-04-01/Accounts/<sid>/Messages.json``) and sets a request timeout.
"""

from __future__ import annotations

import logging
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from tws_companion.protocol import Channel
from tws_companion.server.gateways.base import GatewayError
from tws_companion.storage.outbox import SecurityCode

__all__ = ["REQUEST_TIMEOUT_S", "TwilioGateway", "build_twiml"]

_log = logging.getLogger(__name__)

#: Seconds to wait for Twilio to accept a message or a call.
REQUEST_TIMEOUT_S: Final = 15.0
#: Seconds of silence between the lines of a voice message (e.g. the code and its repeat).
VOICE_PAUSE_S: Final = 1


# What a request to the provider may raise: Twilio's errors (HTTP 4xx/5xx answers), transport
# errors, and ValueError for an answer that cannot be parsed. Anything else is a bug and propagates.
_PROVIDER_ERRORS: Final = (TwilioException, requests.RequestException, ValueError)

# Twilio error codes worth a word of explanation (https://www.twilio.com/docs/api/errors).
_KNOWN_ERRORS: Final[dict[int, str]] = {
    20003: "the server's Twilio credentials were not accepted",
    21211: "the phone number is not valid",
    21214: "the phone number cannot be reached",
    21217: "the phone number is not valid",
    21408: "sending to this country or region is not enabled",
    21610: "the phone number has opted out of messages (replied STOP)",
    21612: "this phone number cannot receive messages from the sender",
    21614: "the phone number is not a mobile number",
}


class _ApiBaseHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio has no type hints
    """A TwilioHttpClient that sends every request to ``api_base`` instead of Twilio's hosts."""

    def __init__(self, api_base: str | None, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._base = urlsplit(api_base) if api_base else None

    def rewrite(self, url: str) -> str:
        if self._base is None:
            return url
        parts = urlsplit(url)
        path = self._base.path.rstrip("/") + parts.path
        return urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, ""))

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Any:
        return super().request(
            method,
            self.rewrite(url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


def build_twiml(text: str) -> str:
    """TwiML that reads ``text``: one ``<Say>`` per non-empty line, a ``<Pause>`` between them."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError("the voice message is empty")
    response = VoiceResponse()
    for index, line in enumerate(lines):
        if index:
            response.pause(length=VOICE_PAUSE_S)
        response.say(line)
    return str(response)


class TwilioGateway:
    """Sends SMS and places voice calls from ``from_number`` with a Twilio account.

    ``api_base`` (e.g. ``http://127.0.0.1:8081``) replaces ``https://api.twilio.com``.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        *,
        api_base: str | None = None,
        timeout: float = REQUEST_TIMEOUT_S,
    ) -> None:
        if not account_sid or not auth_token or not from_number:
            raise ValueError("account_sid, auth_token and from_number must not be empty")
        if api_base is not None:
            base = urlsplit(api_base)
            if base.scheme not in {"http", "https"} or not base.netloc:
                raise ValueError("api_base must be an http:// or https:// URL with a host")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._account_sid = account_sid
        self._from_number = from_number
        self._api_base = api_base
        self._http = _ApiBaseHttpClient(api_base, timeout=timeout)
        self._client: Any = Client(account_sid, auth_token, http_client=self._http)

    def close(self) -> None:
        """Close the pooled HTTP connections (the gateway can still be used afterwards)."""
        session = self._http.session
        if session is not None:
            session.close()

    def __enter__(self) -> TwilioGateway:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        # Never the auth token.
        return (
            f"TwilioGateway(account_sid={self._account_sid!r}, "
            f"from_number={self._from_number!r}, api_base={self._api_base!r})"
        )

    def send_sms(self, to: str, text: str, *, security_code: SecurityCode | None = None) -> None:
        try:
            message = self._client.messages.create(to=to, from_=self._from_number, body=text)
        except _PROVIDER_ERRORS as exc:
            raise _translate(exc, Channel.SMS) from None
        _log.info("twilio: SMS accepted (%s)", getattr(message, "sid", "no sid"))

    def place_voice_call(
        self, to: str, text: str, *, security_code: SecurityCode | None = None
    ) -> None:
        twiml = build_twiml(text)
        try:
            call = self._client.calls.create(to=to, from_=self._from_number, twiml=twiml)
        except _PROVIDER_ERRORS as exc:
            raise _translate(exc, Channel.VOICE) from None
        _log.info("twilio: voice call accepted (%s)", getattr(call, "sid", "no sid"))


def _translate(exc: Exception, channel: Channel) -> GatewayError:
    """A user-safe GatewayError for one of :data:`_PROVIDER_ERRORS`.

    The original exception is not chained (its message may echo the request), so its class,
    HTTP status and Twilio error code are logged here instead.
    """
    provider = "SMS provider" if channel is Channel.SMS else "voice call provider"
    item = "message" if channel is Channel.SMS else "call"
    if isinstance(exc, TwilioException):
        status = getattr(exc, "status", None)
        code = getattr(exc, "code", None)
        _log.warning(
            "twilio: %s refused (%s, HTTP status %s, error %s)",
            item,
            type(exc).__name__,
            status,
            code,
        )
        if not isinstance(status, int):
            return GatewayError(f"The {provider} could not be used. Try again later.")
        # Without a Twilio error code in the answer, twilio-python repeats the HTTP status.
        has_code = isinstance(code, int) and code != status
        ref = f"error {code}" if has_code else f"HTTP {status}"
        if status in {401, 403}:
            return GatewayError(
                f"The {provider} did not accept the server's credentials ({ref}). "
                "Ask the server administrator to check the Twilio settings."
            )
        if status == 429:
            return GatewayError(f"The {provider} is busy ({ref}). Try again in a minute.")
        if status >= 500:
            return GatewayError(f"The {provider} is not available right now ({ref}). Try again.")
        reason = _KNOWN_ERRORS.get(code) if has_code and isinstance(code, int) else None
        if reason:
            return GatewayError(f"The {provider} refused the {item} ({ref}): {reason}.")
        return GatewayError(f"The {provider} refused the {item} ({ref}).")
    if isinstance(exc, requests.Timeout):
        _log.warning("twilio: %s timed out (%s)", item, type(exc).__name__)
        return GatewayError(f"The {provider} did not answer in time. Try again.")
    if isinstance(exc, requests.ConnectionError):
        _log.warning("twilio: %s: provider unreachable (%s)", item, type(exc).__name__)
        return GatewayError(
            f"The {provider} could not be reached. Check the server's network connection and "
            "try again."
        )
    if isinstance(exc, requests.RequestException):
        _log.warning("twilio: %s: request failed (%s)", item, type(exc).__name__)
        return GatewayError(f"The {provider} could not be reached. Try again.")
    # ValueError: e.g. an answer that is not JSON.
    _log.warning("twilio: %s: unreadable answer (%s)", item, type(exc).__name__)
    return GatewayError(f"The {provider} sent an answer the server could not read.")
