"""What the routes receive besides their body, as typed FastAPI dependencies.

- :data:`Context`: the :class:`ServerContext` of the app;
- :data:`Source`: the client's address, for the per-address limit;
- :data:`BearerToken`: the session token of an ``Authorization: Bearer`` header, if any;
- :data:`CurrentSession`: the live session of that token, or 401 ``unauthorized`` when it is
  missing, expired or revoked, looked up in a thread-pool step of its own;
- :data:`LazySession`: the same session not looked up yet (a :class:`SessionRef`), for a route
  whose first step reads the database anyway: that step looks it up in its own read
  transaction (:meth:`SessionRef.find`), one hop less (the settings routes);
- :data:`LoginId`: the ``login_id`` of the path; one that cannot be a login id answers 404
  ``login_not_found`` exactly as an unknown one does.

Those that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency on the thread pool,
and each hop there costs 0.2-0.4 ms per request on a small machine. The routes run their blocking
steps with :func:`in_threadpool`, or :func:`in_writer` for a step that only works on the
database (``respond``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tws_companion.protocol import ErrorCode
from tws_companion.protocol.fields import is_login_id
from tws_companion.server import login_flow, sessions
from tws_companion.server.context import ServerContext
from tws_companion.server.db import SessionToken
from tws_companion.server.errors import ApiError

T = TypeVar("T")

#: Longest ``Authorization`` header read; a longer one is a 422.
MAX_AUTHORIZATION_LENGTH = 512


async def in_threadpool(func: Callable[..., T], *args: object) -> T:
    """Run a blocking (database) step on the shared thread pool."""
    return await run_in_threadpool(func, *args)


async def in_writer(ctx: ServerContext, func: Callable[..., T], *args: object) -> T:
    """Run a step that only works on the database (no gateway, nothing slow after its
    transaction) on the database's writer thread where it has one (SQLite, whose writers go one
    at a time anyway), else on the shared thread pool."""
    writer = ctx.db.writer
    if writer is None:
        return await run_in_threadpool(func, *args)
    return await writer.run(func, *args)


async def server_context(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.context
    return context


Context = Annotated[ServerContext, Depends(server_context)]


async def source_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


Source = Annotated[str, Depends(source_address)]


async def bearer_token(
    authorization: Annotated[str | None, Header(max_length=MAX_AUTHORIZATION_LENGTH)] = None,
) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


BearerToken = Annotated[str | None, Depends(bearer_token)]


class SessionRef:
    """The session a request's bearer token names, not looked up yet (the token stays out of
    its repr)."""

    __slots__ = ("_token",)

    def __init__(self, token: str | None) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "SessionRef(...)"

    def find(self, s: Session, now: datetime) -> SessionToken:
        """The live session, looked up in the read transaction ``s`` (a row of ``s``); 401
        ``unauthorized`` when the token is missing, expired or revoked."""
        return sessions.find_session(s, self._token, now)


async def session_ref(token: BearerToken) -> SessionRef:
    return SessionRef(token)


LazySession = Annotated[SessionRef, Depends(session_ref)]


def _find_session(ctx: ServerContext, ref: SessionRef) -> SessionToken:
    with ctx.db.read() as s:
        return ref.find(s, ctx.clock.now())


async def current_session(ctx: Context, ref: LazySession) -> SessionToken:
    """The live session of the bearer token (a detached row); 401 ``unauthorized`` otherwise."""
    return await in_threadpool(_find_session, ctx, ref)


CurrentSession = Annotated[SessionToken, Depends(current_session)]


async def login_id(login_id: Annotated[str, Path()]) -> str:
    if not is_login_id(login_id):
        raise ApiError(ErrorCode.LOGIN_NOT_FOUND, login_flow.LOGIN_NOT_FOUND)
    return login_id


LoginId = Annotated[str, Depends(login_id)]
