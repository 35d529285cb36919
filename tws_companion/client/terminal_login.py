"""``tws-companion login``: the Secure Login System in a terminal.

Asks for what the command line did not give (user name, password, device, response; every
prompt ends in ``": "``), shows the challenge in plain words, and on success caches the user's
settings key in the OS keyring, and keeps the session there too (per server and user, replacing
and ending the one an earlier login kept), so that scripts can then use the server until it
expires: ``tws-companion settings --server URL upload``. A session of another scope than full
is ended at once. Exit codes: 0 logged in (and, for a full-scope session, the key and the session
kept), 1 refused or failed (one line on standard error), 2 bad server URL, 130 interrupted
(Ctrl-C or end of input).

It drives the same :class:`LoginMachine` as the login dialog, and the machine decides what comes
next: another try after a wrong response, the device list again when a device is refused, the
end of the login, a challenge that ran out while the response was typed. The terminal only
prompts and prints; where the dialog would wait out a lockout or ask for the password again, it
ends with exit code 1. Every attempt leaves a redacted login trace in the log folder
(``tws_companion.support``: no password, code, response, token or user name in it).

The password and the response are never printed, echoed back or logged: both are read without
echo, whatever the challenge (a temporary passcode stays valid for 8 days; the words ``sms`` and
``voice`` that ask for a new code can be typed at the hidden prompt just as well).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TextIO, TypeVar

from tws_companion.client.api import ApiClient
from tws_companion.client.errors import ClientError
from tws_companion.client.login_machine import (
    LoginMachine,
    LoginState,
    Notice,
    NoticeKind,
    Phase,
    ServerCall,
)
from tws_companion.client.login_steps import Responded, respond_and_cache_key
from tws_companion.client.models import Challenge, Device, Session
from tws_companion.protocol import ChallengeType, Channel, ErrorCode, Platform, Scope
from tws_companion.sls.durations import plural
from tws_companion.storage.secret_store import SecretStore, SecretStoreError

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "add_arguments",
    "describe_challenge",
    "hidden_input",
    "run",
]

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Prompt = Callable[[str], str]

_T = TypeVar("_T")

#: Typed at the Response prompt of an SMS code: send a new code by that channel.
_CHANNEL_WORDS = frozenset(channel.value for channel in Channel)
#: The phases in which the user is asked something; any other one ends the terminal login (it
#: does not wait out a lockout, nor ask for the password again).
_ASKING = (Phase.SELECT_DEVICE, Phase.RESPOND)


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
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Log in interactively; returns the exit code. ``clock`` (monotonic seconds) times the
    challenge."""
    out = out if out is not None else sys.stdout
    try:
        client = ApiClient(args.server)
    except ValueError as exc:
        _fail(f"Invalid server URL: {exc}.")
        return EXIT_USAGE
    # The one import of support by client (see .importlinter): the trace of this login.
    from tws_companion.support.login_traces import SURFACE_TERMINAL, login_trace_recorder

    machine = LoginMachine(clock=clock)
    recorder = login_trace_recorder(SURFACE_TERMINAL)
    machine.observe(recorder)
    try:
        with client:
            login = _TerminalLogin(
                client,
                prompt,
                secret_prompt,
                out,
                store if store is not None else SecretStore(),
                machine,
            )
            try:
                return login.run(args.user, Platform(args.platform))
            finally:
                recorder.close()  # an attempt still open was abandoned (Ctrl-C, end of input)
    except (KeyboardInterrupt, EOFError):
        return EXIT_INTERRUPTED
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


def _notice_text(notice: Notice) -> str:
    """What the terminal says about ``notice``: the server's words, but for a few codes said
    better here. Empty for a new code sent: the new challenge is shown instead."""
    if notice.kind in (NoticeKind.CODE_SENT, NoticeKind.VOICE_CALL_COMING):
        return ""
    if notice.code is ErrorCode.WRONG_RESPONSE and notice.attempts_left is not None:
        return f"Wrong response: {plural(notice.attempts_left, 'attempt')} left."
    if notice.code is ErrorCode.RESPONSE_REUSED:
        return "That response was already used once, and the server ended this login. Start over."
    return notice.text


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


class _TerminalLogin:
    """Prompts for what the machine's state asks and prints each new state; the machine decides
    every step."""

    def __init__(
        self,
        client: ApiClient,
        prompt: Prompt,
        secret_prompt: Prompt,
        out: TextIO,
        store: SecretStore,
        machine: LoginMachine,
    ) -> None:
        self._client = client
        self._prompt = prompt
        self._secret_prompt = secret_prompt
        self._out = out
        self._store = store
        self._machine = machine
        #: The state last shown, to print only what changed.
        self._shown = machine.state
        #: Why the settings key of the accepted response was not cached, if it was not.
        self._key_problem: str | None = None
        machine.subscribe(self._show)

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

    def _call(self, report: Callable[[_T], object], call: Callable[[], _T]) -> None:
        """Call the server and report the answer, or the failure, to the machine."""
        try:
            answer = call()
        except ClientError as exc:
            self._machine.failed(exc)
        else:
            report(answer)

    def run(self, username: str | None, platform: Platform) -> int:
        # Before asking for the password: refuse what would fail after it anyway.
        self._client.require_secure()
        self._store.check()  # no point logging in if the settings key cannot be kept
        username = (username or "").strip() or self._ask("User name")
        password = self._ask("Password", secret=True, exact=True)
        machine = self._machine
        machine.begin(username, platform)
        machine.sending(ServerCall.LOGIN)
        self._call(machine.started, partial(self._client.start_login, username, password, platform))
        while True:
            state = machine.state
            if state.phase is Phase.SELECT_DEVICE:
                self._select_device(state)
            elif state.phase is Phase.RESPOND:
                self._respond(state)
            elif state.phase is Phase.DONE:
                return self._finish(state)
            else:
                notice = state.notice
                _fail(_notice_text(notice) if notice is not None else "The login ended.")
                return EXIT_FAILED

    def _show(self, state: LoginState) -> None:
        """Print what is new in ``state``: a notice, the device list, the device the server
        chose, the challenge. The end of the login is told by :meth:`run`."""
        shown, self._shown = self._shown, state
        if state.phase not in _ASKING:
            return
        if state.notice is not None and state.notice is not shown.notice:
            text = _notice_text(state.notice)
            if text:
                self._say(text)
        if state.phase is Phase.SELECT_DEVICE and shown.phase is not Phase.SELECT_DEVICE:
            self._say("Devices:")
            for number, device in enumerate(state.devices, start=1):
                mark = "  (default)" if device.id == state.preferred_device_id else ""
                self._say(f"  {number}. {_device_text(device)}{mark}")
        if state.challenge is not None and state.challenge is not shown.challenge:
            if shown.phase is Phase.CREDENTIALS and state.device is not None:
                self._say(f"Device: {_device_text(state.device)}")  # the server chose it
            self._say(*describe_challenge(state.challenge))

    def _select_device(self, state: LoginState) -> None:
        devices = state.devices
        default = next((d for d in devices if d.id == state.preferred_device_id), None)
        choices = f"1-{len(devices)}" if len(devices) > 1 else "1"
        while True:
            answer = self._prompt(f"Device [{choices}]: ").strip()
            if not answer and default is not None:
                device = default
                break
            if answer.isdigit() and 1 <= int(answer) <= len(devices):
                device = devices[int(answer) - 1]
                break
            self._say(f"Please type a number from 1 to {len(devices)}.")
        assert state.login_id is not None  # a device is chosen within a login
        select = partial(self._client.select_device, state.login_id, device.id)
        self._machine.sending(ServerCall.SELECT_DEVICE, device_id=device.id)
        self._call(self._machine.device_chosen, select)

    def _respond(self, state: LoginState) -> None:
        assert state.login_id is not None  # a challenge is answered within a login
        response = self._ask("Response", secret=True)
        word = response.lower()
        if state.can_request_code and word in _CHANNEL_WORDS:
            resend = partial(self._client.resend, state.login_id, Channel(word))
            self._machine.sending(ServerCall.RESEND, channel=Channel(word))
            self._call(self._machine.code_resent, resend)
            return
        if self._machine.tick().phase is not Phase.RESPOND:
            return  # the challenge ran out while the user was typing: no use sending it
        answer = partial(
            respond_and_cache_key,
            self._client,
            self._store,
            state.username,
            state.login_id,
            response,
        )
        self._machine.sending(ServerCall.RESPOND)
        self._call(self._succeeded, answer)

    def _succeeded(self, responded: Responded) -> None:
        self._key_problem = responded.key_problem
        self._machine.succeeded(responded.session)

    def _finish(self, state: LoginState) -> int:
        session = state.session
        assert session is not None  # the machine is done only with a session
        if self._key_problem is not None:
            self._end(session.token)
            _fail(f"Logged in, but the settings key was not cached: {self._key_problem}")
            return EXIT_FAILED
        if session.scope is Scope.FULL:
            try:
                self._keep(state.username, session)
            except SecretStoreError as exc:
                self._end(session.token)
                _fail(f"Logged in, but the session was not kept: {exc}")
                return EXIT_FAILED
        else:  # it cannot reach the settings: end it rather than leave it open
            self._end(session.token)
        self._say(f"Logged in as {state.username} (scope {session.scope.value}).")
        if session.scope is not Scope.FULL:
            self._say(
                "This login only allows printing the Online Security Code Card in Client "
                "Portal; no settings key was fetched."
            )
        return EXIT_OK

    def _keep(self, username: str, session: Session) -> None:
        """Keep ``session`` in the keyring for scripts; end the one it replaces."""
        server = self._client.base_url
        try:
            previous = self._store.get_session(server, username)
        except SecretStoreError:
            previous = None
        self._store.set_session(server, username, session.token, session.expires_at)
        if previous is not None and previous.token != session.token:
            self._end(previous.token)

    def _end(self, token: str) -> None:
        """End a session on the server, if it can be reached."""
        try:
            self._client.logout(token)
        except ClientError as exc:
            log.debug("logout after the terminal login failed: %s", type(exc).__name__)


def _device_text(device: Device) -> str:
    return f"{device.label or device.id} ({device.kind})"
