"""Answers for the prompts of the terminal login (``client.terminal_login.run``), in order."""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable

Answer = Callable[[str], str]


class Script:
    """Answers the terminal's prompts in order: each answer may look at what was printed."""

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.answers: deque[Answer] = deque()
        self.typed: list[str] = []

    def then(self, answer: str | Answer) -> Script:
        if isinstance(answer, str):
            text = answer

            def answer(_prompt: str) -> str:
                return text

        self.answers.append(answer)
        return self

    def __call__(self, prompt: str) -> str:
        assert self.answers, f"unexpected prompt {prompt!r}\n{self.out.getvalue()}"
        answer = self.answers.popleft()(prompt)
        self.typed.append(answer)
        return answer
