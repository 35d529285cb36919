"""Share a device (KB2481, "How to Share a Security Device"): use the physical security device of
another user name instead of one device per user name.

The steps of the seed: the rules in brief; the credentials of the device OWNER and that device's
challenge, through the identity check (purpose ``share_device``); a review of what is asked; then
the request, and its status: approved at once, pending until the Compliance department approves
it, or refused with the seed's reason ("Less secure device", "Different identification
information", a temporary device). The user's requests are listed with their status under the
steps. Every call runs on the worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.layouts import page_title
from tws_companion.gui.messages import device_kind_name
from tws_companion.gui.security_dialog import ConfirmedTaskDialog, read_only_table, table_texts
from tws_companion.gui.security_window import failure_text
from tws_companion.gui.worker import Task
from tws_companion.sls.devices import spec

if TYPE_CHECKING:
    from tws_companion.protocol.security import Approval, DeviceShare

__all__ = ["SHARE_PURPOSE", "DeviceSharingDialog"]

#: The purpose of the identity check made with the device owner's credentials.
SHARE_PURPOSE = "share_device"
#: The columns of the list of requests.
REQUEST_COLUMNS = ("device", "owner", "status", "requested")


class DeviceSharingDialog(ConfirmedTaskDialog):
    """Share a device (see the module doc)."""

    def _build(self) -> None:
        super()._build()
        self.setObjectName("deviceSharingDialog")
        #: The call loading the user's requests.
        self.list_task: Task | None = None
        #: The approval of the owner's device, between the identity check and the request (a
        #: secret: used once, then dropped).
        self._approval: Approval | None = None
        #: The owner's user name, as typed in the identity check, and the kind of the device
        #: that answered.
        self.owner = ""
        self.device_kind = ""
        #: The request sent and what the server answered: the request, or why it was refused.
        self.outcome: DeviceShare | Exception | None = None
        #: The user's requests (``None`` until loaded).
        self.requests: tuple[DeviceShare, ...] | None = None

        # Step 1: the rules.
        self.rules_page = QWidget()
        self.heading = page_title()
        self.rules = QLabel()
        self.rules.setObjectName("rules")
        self.rules.setWordWrap(True)
        self.rules.setTextFormat(Qt.TextFormat.RichText)
        rules_layout = QVBoxLayout(self.rules_page)
        rules_layout.setContentsMargins(0, 0, 0, 0)
        rules_layout.addWidget(self.heading)
        rules_layout.addWidget(self.rules)
        rules_layout.addStretch(1)

        # Step 2: the review.
        self.review_page = QWidget()
        self.review_title = page_title()
        self.review_text = QLabel()
        self.review_text.setObjectName("reviewText")
        self.review_text.setWordWrap(True)
        review_layout = QVBoxLayout(self.review_page)
        review_layout.setContentsMargins(0, 0, 0, 0)
        review_layout.addWidget(self.review_title)
        review_layout.addWidget(self.review_text)
        review_layout.addStretch(1)

        # Step 3 (``result_page``): the status of the request.
        self.stack = QStackedWidget()
        for page in (self.rules_page, self.review_page, self.result_page):
            self.stack.addWidget(page)

        self.requests_title = QLabel()
        self.requests_title.setObjectName("sectionTitle")
        font = self.requests_title.font()
        font.setBold(True)
        self.requests_title.setFont(font)
        self.requests_table = read_only_table(len(REQUEST_COLUMNS), "requests")
        self.requests_status = QLabel()
        self.requests_status.setWordWrap(True)

        self.continue_button = QPushButton()
        self.continue_button.setDefault(True)
        self.close_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 2)
        layout.addWidget(self.requests_title)
        layout.addWidget(self.requests_table, 1)
        layout.addWidget(self.requests_status)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.requests_table, self.continue_button)
        QWidget.setTabOrder(self.continue_button, self.close_button)

        self.continue_button.clicked.connect(self._continue)
        self.close_button.clicked.connect(self.reject)
        self.resize(620, 500)
        self.continue_button.setFocus()
        self.load_requests()

    # --- the user's requests -------------------------------------------------------------------

    @Slot()
    def load_requests(self) -> None:
        """Ask the server for the user's requests (on the worker)."""
        if self.list_task is not None:
            return
        self.list_task = self.worker.submit(
            "device_shares", self.api.device_shares, self.login.session.token, owner=self
        )
        self.list_task.succeeded.connect(self._requests_loaded)
        self.list_task.failed.connect(self._requests_failed)
        self.list_task.finished.connect(self._requests_finished)

    @Slot(object)
    def _requests_loaded(self, shares: list[DeviceShare]) -> None:
        self.requests = tuple(shares)
        self._fill_requests()

    @Slot(object)
    def _requests_failed(self, error: object) -> None:
        self.requests_status.setText(
            self.tr("Your sharing requests could not be loaded: {reason}").format(
                reason=failure_text(error)
            )
        )
        self.requests_status.show()

    @Slot()
    def _requests_finished(self) -> None:
        self.list_task = None

    def _fill_requests(self) -> None:
        self.requests_table.setRowCount(0)
        for share in self.requests or ():
            row = self.requests_table.rowCount()
            self.requests_table.insertRow(row)
            device = device_kind_name(share.device_kind)
            if _given_label(share.device_kind, share.device_label, device):
                device = self.tr("{kind}: {label}").format(kind=device, label=share.device_label)
            texts = (
                device,
                share.owner,
                self.status_text(str(share.status)),
                share.created_at.astimezone().date().isoformat(),
            )
            for column, text in enumerate(texts):
                self.requests_table.setItem(row, column, QTableWidgetItem(text))
        empty = self.requests is not None and not self.requests
        self.requests_status.setText(self.tr("You have no sharing requests.") if empty else "")
        self.requests_status.setVisible(empty)

    def request_texts(self) -> list[tuple[str, ...]]:
        """The rows of the list of requests as shown (device, owner, status, date)."""
        return table_texts(self.requests_table)

    def status_text(self, status: str) -> str:
        names = {
            "pending": self.tr("Pending compliance approval"),
            "approved": self.tr("Approved"),
            "refused": self.tr("Refused"),
        }
        return names.get(status, status)

    # --- the steps -----------------------------------------------------------------------------

    @Slot()
    def _continue(self) -> None:
        page = self.stack.currentWidget()
        if page is self.rules_page:
            self.verify_owner()
        elif page is self.review_page:
            self.send()
        elif page is self.result_page and self.task is None:
            self.accept()

    @Slot()
    def verify_owner(self) -> None:
        """The identity check, with the device owner's user name and password and that
        device's challenge."""
        if self.check is not None:
            return
        self._verify(SHARE_PURPOSE, self._check_intro)

    def _check_intro(self) -> str:
        return self.tr(
            "Enter the credentials of the device owner: the user whose device offers the "
            "highest level of protection, NOT your own. Then answer the challenge of the "
            "device to share."
        )

    @Slot(object)
    def _approved(self, approval: Approval) -> None:
        """The owner's device answered: the review of what is asked."""
        self._approval = approval
        self.owner = self.check.machine.state.username if self.check is not None else ""
        self.device_kind = approval.device_kind
        self.stack.setCurrentWidget(self.review_page)
        self.retranslate()
        self.continue_button.setFocus()

    @Slot()
    def send(self) -> None:
        """Continue on the review: the request goes to the server with the approval (used
        once, then dropped)."""
        approval, self._approval = self._approval, None
        if approval is None or self.task is not None:
            return
        self.stack.setCurrentWidget(self.result_page)
        self.outcome = None
        self.progress.show()
        self.continue_button.setEnabled(False)
        self.task = self.worker.submit(
            "request_device_share",
            self.api.request_device_share,
            self.login.session.token,
            approval,
            owner=self,
        )
        self.task.succeeded.connect(self._answered)
        self.task.failed.connect(self._refused)
        self.task.finished.connect(self._sent)
        self.retranslate()

    @Slot(object)
    def _answered(self, share: DeviceShare) -> None:
        self.outcome = share

    @Slot(object)
    def _refused(self, error: object) -> None:
        self.outcome = error if isinstance(error, Exception) else RuntimeError(str(error))

    @Slot()
    def _sent(self) -> None:
        self.task = None
        self.progress.hide()
        self.continue_button.setEnabled(True)
        self.retranslate()
        self.continue_button.setFocus()
        self.load_requests()

    def _show_outcome(self) -> None:
        outcome = self.outcome
        if self.task is not None or outcome is None:
            self.result_title.setText(self.tr("Sending the sharing request…"))
            self.result_text.clear()
            return
        if isinstance(outcome, Exception):
            self.result_title.setText(self.tr("Sharing refused"))
            self.result_text.setText(failure_text(outcome))
            return
        device = device_kind_name(outcome.device_kind)
        if str(outcome.status) == "approved":
            self.result_title.setText(self.tr("Sharing approved"))
            self.result_text.setText(
                self.tr(
                    "The {device} of {owner} is now shared with your user name: it is one of "
                    "your devices from now on."
                ).format(device=device, owner=outcome.owner)
            )
        elif str(outcome.status) == "pending":
            self.result_title.setText(self.tr("Pending compliance approval"))
            self.result_text.setText(
                self.tr(
                    "Your request to share the {device} of {owner} needs the approval of our "
                    "Compliance department; it stays pending until that is given."
                ).format(device=device, owner=outcome.owner)
            )
        else:
            self.result_title.setText(self.tr("Sharing refused"))
            self.result_text.setText(self.status_text(str(outcome.status)))

    # --- Qt ------------------------------------------------------------------------------------

    def _running(self) -> tuple[Task | None, ...]:
        return (self.task, self.list_task)

    def done(self, result: int) -> None:
        self._approval = None
        super().done(result)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Share a device"))
        self.heading.setText(self.tr("Share a security device"))
        self.rules.setText(
            self.tr(
                "Instead of one physical security device per user name, your user names can "
                "share one device, if ALL of these hold:"
                "<ul><li>the users belong to the same entity, or to entities with the same "
                "identification data (date of birth, citizenship, country of legal residence, "
                "identification document);</li>"
                "<li>none of the users has a temporary security device (temporary passcode, "
                "Online Security Code Card);</li>"
                "<li>the shared device is the one with the highest level of protection: the "
                "Digital Security Card+ (highest) before the Security Code Card (lowest).</li>"
                "</ul>"
                "The user that device belongs to is the <b>device owner</b>. Click Continue, "
                "enter the device owner's credentials and answer that device's challenge.<br>"
                "IB Key needs no sharing: add a user in IBKR Mobile (Authenticate &gt; Add "
                "User)."
            )
        )
        self.review_title.setText(self.tr("Review the request"))
        self.review_text.setText(
            self.tr(
                "Share the {device} of {owner} with your user name {user}? Check that this is "
                "right, then click Continue."
            ).format(
                device=device_kind_name(self.device_kind),
                owner=self.owner,
                user=self.login.username,
            )
        )
        self._show_outcome()
        self.requests_title.setText(self.tr("Your sharing requests"))
        self.requests_table.setHorizontalHeaderLabels(
            [self.tr("Device"), self.tr("Owner"), self.tr("Status"), self.tr("Requested on")]
        )
        if self.requests is not None:
            self._fill_requests()
        on_result = self.stack.currentWidget() is self.result_page
        self.continue_button.setText(self.tr("OK") if on_result else self.tr("Continue"))
        self.close_button.setText(self.tr("Close"))
        self.close_button.setVisible(not on_result)  # OK ends the procedure (KB2481 step 9)


def _given_label(kind: str, label: str, shown_name: str) -> bool:
    """Whether a device's label says more than the name of its kind, as shown or as the server
    names a device that was given no label (in English)."""
    try:
        default = spec(kind).name
    except ValueError:
        default = kind
    return bool(label) and label.casefold() not in {shown_name.casefold(), default.casefold()}
