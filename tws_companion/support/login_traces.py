"""The login traces of this machine: a :class:`TraceRecorder` whose finished attempts are written
to the trace folder of the log folder, for the login dialog and the terminal login.

``machine.observe(login_trace_recorder(SURFACE_TERMINAL))`` is all a driver needs; the GUI passes
``display`` (what Qt knows) and ``run_write`` (the write on its worker, never on the GUI thread).
A trace that cannot be written is only logged: it never makes a login fail.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tws_companion.support.environment import DisplayInfo
from tws_companion.support.locations import pseudonym_key_path, traces_dir
from tws_companion.support.pseudonyms import Pseudonyms
from tws_companion.support.recorder import (
    SURFACE_DIALOG,
    SURFACE_TERMINAL,
    CompletedLogin,
    TraceRecorder,
)
from tws_companion.support.trace_store import TraceStore, TraceWriter

__all__ = ["SURFACE_DIALOG", "SURFACE_TERMINAL", "login_trace_recorder", "trace_writer"]

#: Runs the write of a finished attempt: ``run_write(write, completed)``.
RunWrite = Callable[[Callable[[CompletedLogin], object], CompletedLogin], object]


def trace_writer(home: Path | None = None) -> TraceWriter:
    """The writer into this machine's trace folder (``home``: the data root, as ``--home``)."""
    return TraceWriter(TraceStore(traces_dir(home)), Pseudonyms(pseudonym_key_path(home)))


def _at_once(write: Callable[[CompletedLogin], object], completed: CompletedLogin) -> object:
    return write(completed)


def login_trace_recorder(
    surface: str,
    *,
    home: Path | None = None,
    display: Callable[[], DisplayInfo | None] | None = None,
    run_write: RunWrite = _at_once,
) -> TraceRecorder:
    """A recorder that writes each finished login attempt as a trace (quietly: a failed write is
    logged, not raised)."""
    writer = trace_writer(home)
    return TraceRecorder(
        lambda completed: run_write(writer.write_quietly, completed),
        surface=surface,
        display=display,
    )
