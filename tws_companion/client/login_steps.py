"""The last step of a login, the same for the login dialog and the terminal login: send the
response, then keep the user's settings key in the OS keyring.

It runs off the GUI thread (in the dialog's worker) and holds no Qt. The response and the key are
passed on, never kept, logged or put into an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from tws_companion.client.api import ApiClient
from tws_companion.client.errors import ClientError
from tws_companion.client.models import Session
from tws_companion.protocol import Scope
from tws_companion.storage.secret_store import SecretStore, SecretStoreError

__all__ = ["Responded", "respond_and_cache_key"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Responded:
    """An accepted response: the session, and what became of the user's settings key."""

    session: Session = field(repr=False)
    #: Why the settings key of a full-scope session could not be cached: the error's message,
    #: which never holds a secret. ``None`` when it was cached or the scope has no key.
    key_problem: str | None = None

    @property
    def key_cached(self) -> bool:
        """Whether the settings key was fetched and cached (full-scope logins only)."""
        return self.session.scope is Scope.FULL and self.key_problem is None


def respond_and_cache_key(
    api: ApiClient, store: SecretStore, username: str, login_id: str, response: str
) -> Responded:
    """Answer the challenge; on a full-scope session, fetch the user's settings key and cache it
    in ``store`` under the server and ``username``.

    A refused response raises the client's error, as :meth:`ApiClient.respond` does. A key that
    cannot be fetched or kept does not undo the login: the result says why (``key_problem``).
    """
    session = api.respond(login_id, response)
    if session.scope is not Scope.FULL:
        return Responded(session)
    try:
        store.set_settings_key(api.base_url, username, api.settings_key(session.token))
    except (ClientError, SecretStoreError) as exc:
        log.warning("the settings key was not cached: %s", type(exc).__name__)
        return Responded(session, key_problem=str(exc))
    return Responded(session)
