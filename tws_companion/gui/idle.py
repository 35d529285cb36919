"""The workstation's two timers from Global Configuration > Lock and Exit.

- :class:`IdleLock`: "Lock after N idle minutes". An application-wide event filter sees every key,
  mouse and touch event and restarts one single-shot timer (as KeePassXC does); when it runs out,
  ``idle()`` is emitted and the workstation locks. Unlocking is not offered: the locked workstation
  asks for a full login again (File > Log Out), so an unattended screen never reopens without the
  password and the second factor.
- :class:`AutoLogoff`: the daily auto log-off at a time of day, with a warning some minutes
  before it (which the user may answer by postponing it an hour). It checks a clock every few
  seconds instead of arming one long timer, so a suspended laptop or a changed system clock
  still logs off on time; tests pass a clock of their own and a short tick.

Signals of IdleLock: idle() — no input for the interval.
Signals of AutoLogoff: warning(int) — minutes left before the log-off; due() — log off now.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal, Slot

__all__ = ["ACTIVITY_EVENTS", "AutoLogoff", "IdleLock", "next_occurrence", "parse_time_of_day"]

#: Events that count as the user being there.
ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)


class IdleLock(QObject):
    """Emits ``idle()`` once after ``interval_ms`` without user input (see the module doc)."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._interval_ms: int | None = None
        self._filtering = False

    @property
    def interval_ms(self) -> int | None:
        return self._interval_ms

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def set_interval_ms(self, interval_ms: int | None) -> None:
        """Lock after ``interval_ms`` of no input, counted from now; ``None`` (or 0): never."""
        self._interval_ms = interval_ms or None
        if self._interval_ms is None:
            self.stop()
            return
        app = QCoreApplication.instance()
        if app is not None and not self._filtering:
            app.installEventFilter(self)
            self._filtering = True
        self._timer.start(self._interval_ms)

    def stop(self) -> None:
        """No more locking (until the next ``set_interval_ms``)."""
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None and self._filtering:
            app.removeEventFilter(self)
        self._filtering = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._interval_ms is not None and event.type() in ACTIVITY_EVENTS:
            self._timer.start(self._interval_ms)
        return False


def parse_time_of_day(text: str) -> time | None:
    """``"HH:MM"`` (24-hour) as a time, or ``None`` when it is not one."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def next_occurrence(now: datetime, at: time) -> datetime:
    """The first moment after ``now`` whose time of day is ``at``."""
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


class AutoLogoff(QObject):
    """The daily auto log-off (see the module doc): ``warning(minutes_left)`` once, then
    ``due()``; the next day's log-off is armed after that."""

    warning = Signal(int)
    due = Signal()

    #: How often the clock is looked at.
    TICK_MS = 5_000

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
        tick_ms: int = TICK_MS,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.check)
        self._at: time | None = None
        self._warning = timedelta(0)
        self._due_at: datetime | None = None
        self._warned = False

    @property
    def due_at(self) -> datetime | None:
        """When the log-off happens (local time), or ``None`` when it is off."""
        return self._due_at

    def configure(self, at: time | None, warning_minutes: int) -> None:
        """Log off daily at ``at`` (``None``: never), warning ``warning_minutes`` before."""
        self._at = at
        self._warning = timedelta(minutes=max(0, warning_minutes))
        self._warned = False
        if at is None:
            self._due_at = None
            self._timer.stop()
            return
        self._due_at = next_occurrence(self._clock(), at)
        self._timer.start()

    def postpone(self, minutes: int = 60) -> None:
        """Move today's log-off ``minutes`` later (the warning comes again before it)."""
        if self._due_at is None:
            return
        self._due_at = max(self._due_at, self._clock()) + timedelta(minutes=minutes)
        self._warned = False

    def stop(self) -> None:
        self._timer.stop()
        self._due_at = None

    @Slot()
    def check(self) -> None:
        if self._due_at is None:
            return
        now = self._clock()
        if now >= self._due_at:
            self._warned = False
            self._due_at = next_occurrence(now, self._at) if self._at is not None else None
            self.due.emit()
        elif not self._warned and now >= self._due_at - self._warning:
            self._warned = True
            left = self._due_at - now
            self.warning.emit(max(1, -(-int(left.total_seconds()) // 60)))
