"""What a login window hands on when the login succeeded: :class:`LoginResult`.

A module of its own, loaded at the first login (or with the workstation): making this dataclass
costs a millisecond or two, which the login window's first paint does not wait for.
``LoginResult`` may still be imported from ``login_dialog``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tws_companion.client.models import Session
    from tws_companion.protocol import Platform

__all__ = ["LoginResult"]


@dataclass(frozen=True)
class LoginResult:
    username: str
    server: str
    session: Session = field(repr=False)
    platform: Platform
    use_server_settings: bool
    #: Whether the settings key was fetched and cached in the keyring (full-scope logins).
    settings_key_cached: bool
