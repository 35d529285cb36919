"""What the worker opened after a login: :class:`OpenedSettings` (``gui.app.open_settings``).

A module of its own, loaded on the worker after the login: the login window's first paint does not
wait for this dataclass to be made. ``OpenedSettings`` may still be imported from ``gui.app``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tws_companion.layout.geometry import GeometryBook
    from tws_companion.layout.profile import LoadedLayout, SettingsProfile
    from tws_companion.storage.instance_lock import InstanceLock

__all__ = ["OpenedSettings"]


@dataclass
class OpenedSettings:
    """What the worker opened after a login: the lock held on the user's settings, the
    layout, and this machine's window geometry."""

    profile: SettingsProfile
    lock: InstanceLock
    loaded: LoadedLayout
    geometry: GeometryBook
