"""The refusal of a provisioning request (admin commands, scenarios, enrolment)."""

from __future__ import annotations

__all__ = ["AccountError"]


class AccountError(Exception):
    """A provisioning request that cannot be carried out; the message says why."""
