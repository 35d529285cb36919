"""The folder of login traces: written owner-only, newest kept, bounded in count and size.

Each trace is one file ``trace-<UTC time>-<id>.json`` (the name sorts by time), written
atomically with mode 0600 in a folder of mode 0700. After each write the oldest traces go until at
most :data:`MAX_TRACES` files and :data:`MAX_TOTAL_BYTES` bytes are left (the newest trace always
stays). :class:`TraceWriter` turns a :class:`~tws_companion.support.recorder.CompletedLogin` into
a trace (the pseudonym, the environment) and stores it: it reads and writes files, so the GUI
runs it on its worker.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC
from pathlib import Path
from typing import Final

from tws_companion.storage.atomic import TEMP_SUFFIX, atomic_write_text
from tws_companion.storage.paths import ensure_private_dir
from tws_companion.support.environment import collect_environment
from tws_companion.support.pseudonyms import Pseudonyms
from tws_companion.support.recorder import CompletedLogin
from tws_companion.support.trace_format import LoginTrace

__all__ = ["MAX_TOTAL_BYTES", "MAX_TRACES", "TRACE_PREFIX", "TraceStore", "TraceWriter"]

log = logging.getLogger(__name__)

MAX_TRACES: Final = 50
MAX_TOTAL_BYTES: Final = 2 * 1024 * 1024
TRACE_PREFIX: Final = "trace-"
_SUFFIX: Final = ".json"


class TraceStore:
    """The traces in ``directory``."""

    def __init__(
        self,
        directory: Path,
        *,
        max_traces: int = MAX_TRACES,
        max_total_bytes: int = MAX_TOTAL_BYTES,
    ) -> None:
        self.directory = Path(directory)
        self.max_traces = max_traces
        self.max_total_bytes = max_total_bytes

    def __repr__(self) -> str:
        return f"TraceStore({str(self.directory)!r})"

    def write(self, trace: LoginTrace) -> Path:
        """Write ``trace``, then drop the oldest beyond the bounds; the new file's path."""
        ensure_private_dir(self.directory)
        stamp = trace.started_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f")
        path = self.directory / f"{TRACE_PREFIX}{stamp}Z-{trace.trace_id[:8]}{_SUFFIX}"
        atomic_write_text(path, trace.to_json())
        self.prune()
        return path

    def paths(self) -> list[Path]:
        """The trace files, newest first (none when the folder does not exist)."""
        try:
            entries = list(self.directory.iterdir())
        except (FileNotFoundError, NotADirectoryError):
            return []
        traces = [
            entry
            for entry in entries
            if entry.name.startswith(TRACE_PREFIX)
            and entry.name.endswith(_SUFFIX)
            and not entry.name.endswith(TEMP_SUFFIX)
            and entry.is_file()
        ]
        return sorted(traces, key=lambda entry: entry.name, reverse=True)

    def recent(self, limit: int) -> list[Path]:
        return self.paths()[:limit]

    def read(self, path: Path) -> LoginTrace:
        """The trace in ``path``; :class:`TraceFormatError` (or ``TraceVersionError``) when it is
        not a trace this version can read."""
        return LoginTrace.from_json(Path(path).read_bytes())

    def prune(self) -> list[Path]:
        """Drop the oldest traces beyond the bounds; the files removed."""
        removed: list[Path] = []
        total = 0
        for index, path in enumerate(self.paths()):
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                continue
            total += size
            if index == 0 or (index < self.max_traces and total <= self.max_total_bytes):
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
        return removed


class TraceWriter:
    """Makes a trace of a finished login (pseudonym, environment) and stores it."""

    def __init__(self, store: TraceStore, pseudonyms: Pseudonyms) -> None:
        self.store = store
        self.pseudonyms = pseudonyms

    def __repr__(self) -> str:
        return f"TraceWriter({self.store!r})"

    def trace_of(self, completed: CompletedLogin) -> LoginTrace:
        return LoginTrace(
            trace_id=completed.trace_id,
            started_at=completed.started_at,
            user=self.pseudonyms.of(completed.username),
            platform=completed.platform,
            surface=completed.surface,
            outcome=completed.outcome,
            duration_ms=completed.duration_ms,
            environment=collect_environment(completed.display),
            steps=completed.steps,
            truncated=completed.truncated,
        )

    def write(self, completed: CompletedLogin) -> Path:
        """Store the trace of ``completed``; raises :class:`OSError` when it cannot be written."""
        return self.store.write(self.trace_of(completed))

    def write_quietly(self, completed: CompletedLogin) -> Path | None:
        """:meth:`write`, but a trace that cannot be written is only logged (by its error's
        type): a trace must never make a login fail."""
        try:
            return self.write(completed)
        except OSError as exc:
            log.warning("the login trace was not written: %s", type(exc).__name__)
            return None
