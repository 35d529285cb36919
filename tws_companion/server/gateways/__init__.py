"""SMS and voice gateways: how the server delivers one-time codes.

- :class:`~tws_companion.server.gateways.outbox.OutboxGateway` writes messages into the
  development outbox (DESIGN.md section 5), voice messages spoken to a WAV file by espeak-ng.
- :class:`~tws_companion.server.gateways.twilio_gateway.TwilioGateway` sends real SMS and places
  real voice calls through Twilio.

:func:`~tws_companion.server.gateways.config.load_gateway` picks one by name.
"""

from tws_companion.server.gateways.base import Gateway, GatewayError
from tws_companion.server.gateways.config import GATEWAY_NAMES, load_gateway

__all__ = ["GATEWAY_NAMES", "Gateway", "GatewayError", "load_gateway"]
