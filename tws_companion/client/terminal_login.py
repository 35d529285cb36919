"""``tws-companion login``: the Secure Login System in a terminal.

Asks for what the command line did not give (user name, password, device, response; every
prompt ends in ``": "``), shows the challenge in plain words, and on success caches the user's
settings key in the OS keyring. Exit codes: 0 logged in, 1 refused or failed (one line on
standard error), 2 bad server URL, 130 interrupted (Ctrl-C or end of input).

The password and the response are never printed, echoed back or logged: both are read without
echo, whatever the challenge (a temporary passcode stays valid for 8 days; the words ``sms`` and
``voice`` that ask for a new code can be typed at the hidden prompt just as well).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from tws_companion.client.api import ApiClient
from tws_companion.client.errors import (
    ClientError,
    GatewayUnavailable,
    ResendLimit,
    ResendNotAvailable,
    ResendTooSoon,
    ResponseReused,
    WrongResponse,
)
from tws_companion.client.models import Challenge, ChallengeStep, Device, Session
from tws_companion.protocol import ChallengeType, Channel, Platform, Scope
from tws_companion.storage.secret_store import SecretStore, SecretStoreError

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "add_arguments",
    "hidden_input",
    "run",
]

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Prompt = Callable[[str], str]

#: Errors of a resend request after which the code already sent may still be typed.
_RESEND_NOTES = (ResendTooSoon, ResendLimit, ResendNotAvailable, GatewayUnavailable)
#: Errors of a response after which the same challenge may be answered again. (Not
#: ResponseReused: the server has already ended that login.)
_RETRY_RESPONSE = (WrongResponse,)
#: Typed at the Response prompt of an SMS code: send a new code by that channel.
_CHANNEL_WORDS = frozenset(channel.value for channel in Channel)


def hidden_input(prompt: str) -> str:
    """Read a secret without echoing it, the prompt on standard output like every other one
    (plain getpass puts it on standard error when there is no terminal)."""
    return getpass.getpass(prompt, stream=sys.stdout)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``tws-companion login``."""
    parser.add_argument(
        "--server",
        required=True,
        metavar="URL",
        help="the server's address, e.g. https://sls.example.com or http://127.0.0.1:8765",
    )
    parser.add_argument("--user", metavar="NAME", help="user name (asked when missing)")
    parser.add_argument(
        "--platform",
        choices=[platform.value for platform in Platform],
        default=Platform.TWS.value,
        help="where the login counts as coming from (default: tws)",
    )


def run(
    args: argparse.Namespace,
    *,
    prompt: Prompt = input,
    secret_prompt: Prompt = hidden_input,
    out: TextIO | None = None,
    store: SecretStore | None = None,
) -> int:
    """Log in interactively; returns the exit code."""
    out = out if out is not None else sys.stdout
    try:
        client = ApiClient(args.server)
    except ValueError as exc:
        _fail(f"Invalid server URL: {exc}.")
        return EXIT_USAGE
    try:
        with client:
            login = _TerminalLogin(
                client, prompt, secret_prompt, out, store if store is not None else SecretStore()
            )
            return login.run(args.user, Platform(args.platform))
    except (KeyboardInterrupt, EOFError):
        return EXIT_INTERRUPTED
    except ResponseReused:
        _fail("That response was already used once, and the server ended this login. Start over.")
        return EXIT_FAILED
    except (ClientError, SecretStoreError) as exc:
        _fail(str(exc))
        return EXIT_FAILED


def _fail(message: str) -> None:
    print(" ".join(message.split()), file=sys.stderr)


def describe_challenge(challenge: Challenge) -> list[str]:
    """The lines telling the user what to do with ``challenge``."""
    if challenge.type is ChallengeType.OCRA:
        return [f"Challenge: {challenge.code}  (enter it into your device after its PIN)"]
    if challenge.type is ChallengeType.INDICES:
        indices = _and([str(i) for i in challenge.indices or ()])
        return [f"Enter the values at index {indices} of your Security Code Card, without spaces"]
    if challenge.type is ChallengeType.OOB:
        if challenge.channel is Channel.VOICE:
            sent = f"A voice call to {challenge.destination} will read you a security code"
        else:
            sent = f"A security code was sent by SMS to {challenge.destination}"
        return [sent, "No code? Type voice (or sms) at the Response prompt to get a new one."]
    return ["Enter your temporary passcode"]


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


class _TerminalLogin:
    def __init__(
        self,
        client: ApiClient,
        prompt: Prompt,
        secret_prompt: Prompt,
        out: TextIO,
        store: SecretStore,
    ) -> None:
        self._client = client
        self._prompt = prompt
        self._secret_prompt = secret_prompt
        self._out = out
        self._store = store

    def _say(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self._out)
        self._out.flush()

    def _ask(self, label: str, *, secret: bool = False, exact: bool = False) -> str:
        """Ask until the answer is not blank; ``secret`` hides what is typed, ``exact`` keeps the
        answer as typed (a password), otherwise it is stripped."""
        ask = self._secret_prompt if secret else self._prompt
        while True:
            answer = ask(f"{label}: ")
            if answer.strip():
                return answer if exact else answer.strip()

    def run(self, username: str | None, platform: Platform) -> int:
        # Before asking for the password: refuse what would fail after it anyway.
        self._client.require_secure()
        self._store.check()  # no point logging in if the settings key cannot be kept
        username = (username or "").strip() or self._ask("User name")
        password = self._ask("Password", secret=True, exact=True)
        start = self._client.start_login(username, password, platform)
        if start.challenge is not None and start.device_id is not None:
            device = _find(start.devices, start.device_id)
            if device is not None:
                self._say(f"Device: {_device_text(device)}")
            step = ChallengeStep(start.step, start.device_id, start.challenge)
        else:
            device = self._choose_device(start.devices, start.preferred_device_id)
            step = self._client.select_device(start.login_id, device.id)
        session = self._answer(start.login_id, step.challenge)
        self._finish(username, session)
        return EXIT_OK

    def _choose_device(self, devices: Sequence[Device], preferred: str | None) -> Device:
        self._say("Devices:")
        default = None
        for number, device in enumerate(devices, start=1):
            mark = ""
            if device.id == preferred:
                default, mark = device, "  (default)"
            self._say(f"  {number}. {_device_text(device)}{mark}")
        choices = f"1-{len(devices)}" if len(devices) > 1 else "1"
        while True:
            answer = self._prompt(f"Device [{choices}]: ").strip()
            if not answer and default is not None:
                return default
            if answer.isdigit() and 1 <= int(answer) <= len(devices):
                return devices[int(answer) - 1]
            self._say(f"Please type a number from 1 to {len(devices)}.")

    def _answer(self, login_id: str, challenge: Challenge) -> Session:
        self._say(*describe_challenge(challenge))
        while True:
            response = self._ask("Response", secret=True)
            if challenge.type is ChallengeType.OOB and response.lower() in _CHANNEL_WORDS:
                try:
                    step = self._client.resend(login_id, Channel(response.lower()))
                except _RESEND_NOTES as exc:
                    self._say(str(exc))
                    continue
                challenge = step.challenge
                self._say(*describe_challenge(challenge))
                continue
            try:
                return self._client.respond(login_id, response)
            except _RETRY_RESPONSE as exc:
                self._say(_retry_text(exc))

    def _finish(self, username: str, session: Session) -> None:
        if session.scope is Scope.FULL:
            key = self._client.settings_key(session.token)
            self._store.set_settings_key(self._client.base_url, username, key)
        try:  # the session was only needed for the key: end it rather than leave it open
            self._client.logout(session.token)
        except ClientError as exc:
            log.debug("logout after the terminal login failed: %s", type(exc).__name__)
        self._say(f"Logged in as {username} (scope {session.scope.value}).")
        if session.scope is not Scope.FULL:
            self._say(
                "This login only allows printing the Online Security Code Card in Client "
                "Portal; no settings key was fetched."
            )


def _find(devices: Sequence[Device], device_id: str) -> Device | None:
    return next((device for device in devices if device.id == device_id), None)


def _device_text(device: Device) -> str:
    return f"{device.label or device.id} ({device.kind})"


def _retry_text(exc: WrongResponse) -> str:
    if exc.attempts_left is not None:
        tries = "attempt" if exc.attempts_left == 1 else "attempts"
        return f"Wrong response: {exc.attempts_left} {tries} left."
    return str(exc)
