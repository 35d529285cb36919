"""The base classes of the API's bodies, once for :mod:`.models`, :mod:`.security` and
:mod:`.device_changes`: a request refuses unknown fields (a hostile or mistyped body is a 422
before any rule runs), an answer ignores them (a newer server may add some), and
:class:`Credentials` is the user name and password a body starts with where the password is
checked as at a login.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from tws_companion.protocol.fields import Password, Username

__all__ = ["AnswerBody", "Credentials", "RequestBody"]


class RequestBody(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class AnswerBody(BaseModel):
    """An answer body: unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")


class Credentials(RequestBody):
    """A request that names a user and carries their password (kept out of ``repr``), checked
    and throttled as at a login."""

    username: Username
    password: Password
