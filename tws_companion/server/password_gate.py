"""How a route that starts with a user name and password runs: :func:`after_password` checks
the password as ``POST /login`` does (:mod:`.password_check`: the same throttles, an unknown user
name answered like a wrong password), then runs the route's step on the thread pool.

The login (``POST /login``), the identity check (``POST /verify``), the IB Key PIN change and the
IB Key activation all start this way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tws_companion.protocol.body_bases import Credentials
from tws_companion.server import password_check
from tws_companion.server.context import ServerContext
from tws_companion.server.deps import in_threadpool

__all__ = ["after_password"]

T = TypeVar("T")


async def after_password(
    ctx: ServerContext,
    credentials: Credentials,
    source: str,
    step: Callable[..., T],
    *args: object,
) -> T:
    """Check ``credentials`` from ``source``, then answer with
    ``step(ctx, user_id, *args, source, now)`` run on the thread pool: the user whose password
    is right, the route's own arguments, the address and the moment the check began.

    :raises ApiError: the refusals of :func:`password_check.check_password`, before ``step``.
    """
    now = ctx.clock.now()
    user_id = await password_check.check_password(
        ctx, credentials.username, credentials.password, source, now
    )
    return await in_threadpool(step, ctx, user_id, *args, source, now)
