"""Password hashing with Argon2id, bounded so password checks cannot starve other requests.

Argon2 is deliberately slow and memory-hard. Run without a bound, a burst of logins would occupy
every worker thread and every core, and a ``respond`` or ``logout`` would wait behind them. So
checks run on their own small thread limiter (one per core by default) and queue there, while the
rest of the API keeps the shared thread pool.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

import anyio.to_thread
from anyio import CapacityLimiter
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError


@dataclass(frozen=True, slots=True)
class HashParameters:
    """Argon2id cost. The defaults are argon2-cffi's RFC 9106 low-memory profile."""

    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4


#: Cheap parameters for tests and benchmarks that measure the protocol, not Argon2.
FAST_HASH_PARAMETERS = HashParameters(time_cost=1, memory_cost=8192, parallelism=1)


class Passwords:
    def __init__(self, params: HashParameters = HashParameters(), concurrency: int = 0) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost,
            parallelism=params.parallelism,
            type=Type.ID,
        )
        # Verified against when the user name is unknown, so both cases take the same time.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        self.concurrency = concurrency or (os.cpu_count() or 1)
        self._limiter: CapacityLimiter | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Constant work whether or not the user exists; never raises for a wrong password."""
        try:
            self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return password_hash is not None

    async def verify_async(self, password_hash: str | None, password: str) -> bool:
        """:meth:`verify` on the bounded password-check threads."""
        if self._limiter is None:  # created lazily: it belongs to the running event loop
            self._limiter = CapacityLimiter(self.concurrency)
        return await anyio.to_thread.run_sync(
            self.verify, password_hash, password, limiter=self._limiter
        )
