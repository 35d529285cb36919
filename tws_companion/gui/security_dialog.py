"""What the security centre's dialogs (Settings > Secure Login System) have in common.

:class:`SecurityDialog` is their base: the logged-in user's session, the client and the worker;
closed, it closes the dialog open on top of it and drops the calls still running; its texts are
set again on a language change. :class:`ConfirmedTaskDialog` adds what a task confirmed with the
identity check does (withdraw funds, share a device): open the check, take its approval, show
the server's answer on a result page. :func:`read_only_table` and :func:`table_texts` make and
read their lists.

The hooks a subclass must write (``retranslate``; ``_approved`` for a confirmed task) are
marked ``@abstractmethod``: QDialog's metaclass does not mix with ABCMeta, so nothing stops them
at run time, but mypy refuses to make a dialog that lacks one ("Cannot instantiate abstract
class").
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.layouts import page_title

if TYPE_CHECKING:
    from tws_companion.client.api import ApiClient
    from tws_companion.gui.identity_check_dialog import IdentityCheckDialog
    from tws_companion.gui.login_result import LoginResult
    from tws_companion.gui.worker import Task, Worker
    from tws_companion.protocol.security import Approval

__all__ = ["ConfirmedTaskDialog", "SecurityDialog", "read_only_table", "table_texts"]


def read_only_table(columns: int, name: str) -> QTableWidget:
    """A list of ``columns`` columns, selected by rows, never edited, left by Tab (the arrow
    keys move in it), the columns as wide as their texts and the last to the edge."""
    table = QTableWidget(0, columns)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def table_texts(table: QTableWidget) -> list[tuple[str, ...]]:
    """The rows of ``table`` as shown."""
    return [
        tuple(
            item.text() if (item := table.item(row, column)) is not None else ""
            for column in range(table.columnCount())
        )
        for row in range(table.rowCount())
    ]


class SecurityDialog(QDialog):
    """The base of the security centre's dialogs (see the module doc). The subclass makes its
    widgets (and starts what it does first) in :meth:`_build`, sets its texts in
    ``retranslate`` and may name more calls to drop in :meth:`_running`."""

    def __init__(
        self,
        login: LoginResult,
        api: ApiClient,
        worker: Worker,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.login = login
        self.api = api
        self.worker = worker
        #: The call running (one at a time).
        self.task: Task | None = None
        self._build()
        self.retranslate()

    def _build(self) -> None:
        """Make the widgets; their texts come after, from ``retranslate``."""

    @abstractmethod
    def retranslate(self) -> None:
        """Set the texts (at first and on each language change)."""
        raise NotImplementedError

    def _on_top(self) -> QDialog | None:
        """The dialog open on top of this one, if any."""
        return None

    def _running(self) -> tuple[Task | None, ...]:
        """The calls to drop when the dialog closes."""
        return (self.task,)

    def done(self, result: int) -> None:
        """Closed: the dialog open on top closes with it, the calls running are dropped."""
        dialog = self._on_top()
        if dialog is not None:
            dialog.reject()
        for task in self._running():
            if task is not None:
                task.cancel()
        super().done(result)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ConfirmedTaskDialog(SecurityDialog):
    """A task confirmed with the identity check: :meth:`_verify` opens the check, whose
    approval goes to :meth:`_approved`; ``result_page`` shows the server's answer."""

    def _build(self) -> None:
        super()._build()
        #: The identity check open now.
        self.check: IdentityCheckDialog | None = None
        # The result page: a title, a bar while the call runs, the answer.
        self.result_page = QWidget()
        self.result_title = page_title()
        self.result_text = QLabel()
        self.result_text.setObjectName("resultText")
        self.result_text.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        result_layout = QVBoxLayout(self.result_page)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.result_title)
        result_layout.addWidget(self.progress)
        result_layout.addWidget(self.result_text)
        result_layout.addStretch(1)

    def _verify(self, purpose: str, intro: Callable[[], str], username: str = "") -> None:
        """Open the identity check for ``purpose`` (``intro``: what its first step says)."""
        from tws_companion.gui.identity_check_dialog import IdentityCheckDialog

        check = IdentityCheckDialog(
            self.api, self.worker, purpose, username=username, intro=intro, parent=self
        )
        check.approved.connect(self._approved)
        check.finished.connect(self._check_closed)
        self.check = check
        check.open()

    @abstractmethod
    def _approved(self, approval: Approval) -> None:
        """The identity check gave ``approval`` (a secret: used once, then dropped)."""
        raise NotImplementedError

    @Slot(int)
    def _check_closed(self, _result: int) -> None:
        check, self.check = self.check, None
        if check is not None:
            check.deleteLater()

    def _on_top(self) -> QDialog | None:
        return self.check
