"""A process that saves one user's settings in a loop, to be killed at a random moment.

Run as ``python -m tests.support.settings_writer --home DIR --user NAME --first N``. It takes the
user's instance lock (as the app does), prints ``ready``, then saves ``content(N)``,
``content(N + 1)``... through :meth:`UserSettingsFiles.save`, printing ``start <n>`` before each
save and ``done <n>`` after it. With ``--idle`` it only holds the lock, until its standard input
closes. When another process holds the lock it prints the refusal on standard error and exits
with status 3. A test kills it with SIGKILL and checks what is left on disk.

:func:`content` makes the distinct, self-checking contents (sizes vary from a few bytes to a few
hundred kilobytes, so a kill can land in the middle of a write) and :func:`parse_content` is the
``parse`` a test hands to :meth:`UserSettingsFiles.load`: it returns ``n`` for exactly
``content(n)`` and raises :class:`ValueError` for anything else.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from tws_companion.storage.instance_lock import AlreadyLocked
from tws_companion.storage.settings_files import UserSettingsFiles

__all__ = ["ALREADY_RUNNING", "content", "main", "parse_content"]

#: Exit status when another process holds the user's lock (the message is on standard error).
ALREADY_RUNNING = 3

_MAGIC = b"TWSC-KILL-TEST"
_MAX_BODY = 300_000


def content(n: int) -> bytes:
    """The ``n``-th content: a header with ``n``, a pseudo-random body, a SHA-256 trailer."""
    rng = random.Random(n)
    size = rng.choice((rng.randrange(0, 64), rng.randrange(1_000, 20_000), _MAX_BODY))
    body = rng.randbytes(size)
    head = _MAGIC + b" %d %d\n" % (n, size)
    digest = hashlib.sha256(head + body).hexdigest().encode("ascii")
    return head + body + b"\n" + digest + b"\n"


def parse_content(data: bytes) -> int:
    """``n`` when ``data`` is exactly ``content(n)``; :class:`ValueError` otherwise."""
    head, newline, _ = data.partition(b"\n")
    fields = head.split(b" ")
    if not newline or len(fields) != 3 or fields[0] != _MAGIC or not fields[1].isdigit():
        raise ValueError("not a settings file of the kill test (bad header)")
    n = int(fields[1])
    if data != content(n):
        raise ValueError(f"damaged content {n} ({len(data)} bytes)")
    return n


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--idle", action="store_true", help="hold the lock, save nothing")
    args = parser.parse_args(argv)

    files = UserSettingsFiles(args.home, args.user)
    lock = files.lock()
    try:
        lock.acquire()
    except AlreadyLocked as exc:
        print(exc, file=sys.stderr, flush=True)
        return ALREADY_RUNNING
    try:
        print("ready", flush=True)
        if args.idle:
            sys.stdin.read()
            return 0
        n = args.first
        while True:
            print(f"start {n}", flush=True)
            files.save(content(n), datetime.now(UTC))
            print(f"done {n}", flush=True)
            n += 1
    finally:
        lock.release()


if __name__ == "__main__":
    sys.exit(main())
