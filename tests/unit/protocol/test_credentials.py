"""Every request that carries a password (login, identity check, IB Key PIN change and
activation) takes it the same way: bounded like a login's, and never shown in a ``repr``."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from tws_companion.protocol.device_changes import ActivationRequest, IbKeyPinChangeRequest
from tws_companion.protocol.models import LoginRequest
from tws_companion.protocol.security import Purpose, VerifyRequest

PASSWORD = "s3cret-Pa55"

BODIES: list[BaseModel] = [
    LoginRequest(username="demo", password=PASSWORD),
    VerifyRequest(username="demo", password=PASSWORD, purpose=Purpose.WITHDRAWAL),
    IbKeyPinChangeRequest(
        username="demo",
        password=PASSWORD,
        current_pin="1234",
        new_pin="5678",
        new_pin_repeat="5678",
    ),
    ActivationRequest(username="demo", password=PASSWORD),
]


@pytest.mark.parametrize("body", BODIES, ids=lambda body: type(body).__name__)
def test_the_password_stays_out_of_the_repr(body: BaseModel) -> None:
    assert "demo" in repr(body)
    assert PASSWORD not in repr(body)
    assert PASSWORD not in str(body)
    assert body.model_dump()["password"] == PASSWORD


@pytest.mark.parametrize("body", BODIES, ids=lambda body: type(body).__name__)
def test_a_request_with_a_password_refuses_an_unknown_field(body: BaseModel) -> None:
    with pytest.raises(ValidationError, match="extra"):
        type(body).model_validate({**body.model_dump(mode="json"), "remember_me": True})


@pytest.mark.parametrize("body", BODIES, ids=lambda body: type(body).__name__)
def test_an_empty_password_is_refused_everywhere(body: BaseModel) -> None:
    with pytest.raises(ValidationError, match="password"):
        type(body).model_validate({**body.model_dump(mode="json"), "password": ""})
