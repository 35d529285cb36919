"""Request and response bodies of the HTTP API (DESIGN.md section 5).

Request models forbid unknown fields and bound every string, so a hostile body is a 422, not a
surprise. Response models carry no secret but the session token the user just earned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tws_companion.protocol import ChallengeType, Channel, Platform, Scope, Step


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=256)


class LoginRequest(_Request):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]
    platform: Platform = Platform.TWS


class DeviceRequest(_Request):
    device_id: Annotated[str, Field(min_length=1, max_length=32)]


class ResendRequest(_Request):
    channel: Channel


class RespondRequest(_Request):
    response: Annotated[str, Field(min_length=1, max_length=64)]


class DeviceOut(BaseModel):
    id: str
    kind: str
    label: str


class ChallengeOut(BaseModel):
    type: ChallengeType
    code: str | None = None
    indices: list[int] | None = None
    channel: Channel | None = None
    destination: str | None = None
    expires_at: datetime | None = None
    #: Seconds from this answer until ``expires_at``, for clients whose clock is off.
    expires_in: int | None = None
    #: Seconds until "Request new code" may be used again (one-time codes only).
    resend_after: int | None = None


class LoginStarted(BaseModel):
    login_id: str
    expires_at: datetime
    devices: list[DeviceOut]
    preferred_device_id: str | None = None
    step: Step
    device_id: str | None = None
    challenge: ChallengeOut | None = None


class ChallengeStep(BaseModel):
    step: Step = Step.RESPOND
    device_id: str
    challenge: ChallengeOut


class SessionOut(BaseModel):
    token: str
    expires_at: datetime
    scope: Scope


class LoginDone(BaseModel):
    session: SessionOut


class MeOut(BaseModel):
    username: str
    scope: Scope
    expires_at: datetime
    devices: list[DeviceOut]


class SettingsKeyOut(BaseModel):
    key: str


class OnlineCardOut(BaseModel):
    device_id: str
    expires_at: datetime
    #: The card's values, index → value, to print. Shown once, like a card handed over.
    values: dict[int, str]


class HealthOut(BaseModel):
    status: str
    version: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    retry_after: int | None = None
    attempts_left: int | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail
