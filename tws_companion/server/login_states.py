"""The states of a login transaction, as the ``logins`` table stores them."""

from __future__ import annotations

from enum import StrEnum

from tws_companion.protocol import Step


class LoginState(StrEnum):
    """Where a login transaction stands: waiting for a device, for a response, or over."""

    SELECT_DEVICE = "select_device"
    RESPOND = "respond"
    #: A session was issued; the login answers nothing any more.
    DONE = "done"
    #: Ended by a rule (expired, too many wrong responses, a response reused): start over.
    FAILED = "failed"

    @property
    def over(self) -> bool:
        """Whether the login is finished, one way or the other."""
        return self in (LoginState.DONE, LoginState.FAILED)

    @property
    def step(self) -> Step:
        """What the client is told to do next; ``ValueError`` once the login is over."""
        if self.over:
            raise ValueError(f"a login in state {self.value!r} has no next step")
        return Step(self.value)
