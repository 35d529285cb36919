"""Driving an interactive command through pipes: wait for a prompt, answer it."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Sequence
from typing import IO


class Conversation:
    """A child process whose standard output is read as it comes, prompt by prompt."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self._output = bytearray()
        self._changed = threading.Condition()
        assert self.process.stdout is not None
        self._reader = threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True)
        self._reader.start()

    def _pump(self, stream: IO[bytes]) -> None:
        while chunk := stream.read1(4096):  # type: ignore[attr-defined]
            with self._changed:
                self._output.extend(chunk)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return self._output.decode(errors="replace")

    def expect(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        with self._changed:
            while True:
                found = regex.search(self._output.decode(errors="replace"))
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._changed.wait(0.2)):
                    raise AssertionError(f"{pattern!r} never came; output so far:\n{self.output}")
                self._changed.wait(left)

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def finish(self, timeout: float = 60.0) -> tuple[int, str]:
        """Wait for the exit; the exit code and standard error."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.stderr is not None
        try:
            code = self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._reader.join(timeout)
            errors = self.process.stderr.read().decode(errors="replace")
            self.process.stderr.close()
            assert self.process.stdout is not None
            self.process.stdout.close()
        return code, errors
