"""How every group of routes is declared: :func:`api_router` gives an ``APIRouter`` under
``/api/v1`` that documents every error answer, so the OpenAPI document (and schemathesis) know
each shape. ``app.create_app`` includes each group's router.
"""

from __future__ import annotations

from fastapi import APIRouter

from tws_companion.protocol import API_PREFIX, ERROR_STATUS
from tws_companion.protocol.error_body import ErrorBody

__all__ = ["ERRORS", "api_router"]

#: Every error answer, documented on every route. 400 is a body that cannot be parsed at all (not
#: UTF-8, JSON nested too deep); a parsed but invalid body is 422.
ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody} for status in sorted({400, *ERROR_STATUS.values()})
}


def api_router() -> APIRouter:
    """A router for one group of routes, under the API prefix, with every error documented."""
    return APIRouter(prefix=API_PREFIX, responses=ERRORS)
