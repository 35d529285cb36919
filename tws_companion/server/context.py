"""Everything a request handler needs, built once per process from the server's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tws_companion.server.clock import Clock, SystemClock
from tws_companion.server.crypto import MasterKey
from tws_companion.server.db import Database
from tws_companion.server.gateways.base import Gateway
from tws_companion.server.passwords import Passwords
from tws_companion.sls.policy import Policy


@dataclass
class ServerContext:
    db: Database
    master_key: MasterKey
    passwords: Passwords
    gateway: Gateway
    policy: Policy = field(default_factory=Policy)
    clock: Clock = field(default_factory=SystemClock)
    data_dir: Path | None = None

    def __post_init__(self) -> None:
        self.code_key = self.master_key.subkey("one-time-codes")
        self.passcode_key = self.master_key.subkey("temporary-passcodes")
        #: Keys the HMAC that stands for a phone number in the send caps (``code_sends``).
        self.phone_key = self.master_key.subkey("phone-numbers")
