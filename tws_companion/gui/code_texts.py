"""Texts chosen by a code, in the user's language: :class:`CodeTexts`, the one table mechanism
for the sentences the GUI shows for the server's error codes (the login's, the security
centre's).

A table is written once, at import, with its English sources; each is marked for lupdate with
:func:`QT_TRANSLATE_NOOP` under the table's translation context (the same context the table is
given), and translated when it is read, so a language switched at run time applies at once::

    _REFUSALS = CodeTexts(
        "SecurityMessages",
        {ErrorCode.APPROVAL_USED: QT_TRANSLATE_NOOP("SecurityMessages", "The identity ...")},
    )
    _REFUSALS.text(code, fallback=error.message)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication

__all__ = ["QT_TRANSLATE_NOOP", "CodeTexts"]

K = TypeVar("K", bound=Hashable)


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Mark ``source`` for lupdate under ``context`` (give the table's context); returns it
    untranslated (typed, unlike Qt's own)."""
    del context
    return source


class CodeTexts(Generic[K]):
    """Code → English source, translated under ``context`` when read."""

    def __init__(self, context: str, sources: Mapping[K, str]) -> None:
        self.context = context
        self.sources = dict(sources)

    def text(self, code: K | None, fallback: str) -> str:
        """The text for ``code`` in the user's language; ``fallback`` (the server's own words)
        for a code the table does not hold."""
        source = self.sources.get(code) if code is not None else None
        if source is None:
            return fallback
        return QCoreApplication.translate(self.context, source)
