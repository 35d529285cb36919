"""A transaction commits a refusal that must be kept and rolls back every other error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tws_companion.protocol import ErrorCode
from tws_companion.server.db import Database, SourceFailure
from tws_companion.server.errors import ApiError, CommittedApiError


def _refuse(db: Database, source: str, error: ApiError) -> None:
    with db.transaction() as s:
        s.add(SourceFailure(source=source, level=1.0))
        raise error


def test_a_committed_refusal_keeps_its_change_and_another_error_does_not(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'sls.db'}")
    with pytest.raises(CommittedApiError):
        _refuse(db, "kept", CommittedApiError(ErrorCode.WRONG_RESPONSE, "counted"))
    with pytest.raises(ApiError):
        _refuse(db, "gone", ApiError(ErrorCode.WRONG_RESPONSE, "not counted"))
    with db.read() as s:
        assert s.get(SourceFailure, "kept") is not None
        assert s.get(SourceFailure, "gone") is None
    db.dispose()
