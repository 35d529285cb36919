"""Settings > Secure Login System: the user's security devices and what can be done with them.

:class:`SecurityWindow` lists the devices of the logged-in user (``GET /me``, on the worker): the
name of each device's kind, its label, its status, and the withdrawals it can confirm per day and
per 5 business days (the rules of :mod:`tws_companion.sls.devices`; amounts with the grouping of
the user's language, "Unlimited" where there is no limit). Its actions:

- **Withdraw funds...**: :class:`~tws_companion.gui.withdrawal_dialog.WithdrawalDialog`;
- **Share a device...**: :class:`~tws_companion.gui.device_sharing_dialog.DeviceSharingDialog`
  (KB2481);
- **Change PIN...**, for a Digital Security Card+: the PIN change dialog; an IB Key's PIN is
  changed in IBKR Mobile, which the window says when an IB Key is selected.

A failed load (no connection, the session expired) is said in the window, with "Try again"; the
list is never left half-filled. Also here, for the other security dialogs: :func:`amount_text`
and :func:`failure_text`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tws_companion.client.errors import ApiError, ClientError, Unauthorized
from tws_companion.gui.code_texts import QT_TRANSLATE_NOOP, CodeTexts
from tws_companion.gui.layouts import page_title
from tws_companion.gui.messages import describe_failure, device_kind_name
from tws_companion.gui.security_dialog import SecurityDialog, read_only_table, table_texts
from tws_companion.protocol import ErrorCode
from tws_companion.sls.devices import DeviceKind, WithdrawalLimit, spec

if TYPE_CHECKING:
    from tws_companion.client.models import Device, Me

__all__ = ["SecurityWindow", "amount_text", "failure_text", "limit_texts"]

#: The columns of the device list.
COLUMNS = ("kind", "label", "status", "per_day", "per_five_days")


def _number_locale() -> QLocale:
    """The locale amounts are written in: the user's, or US English where the system has none
    (the C locale writes numbers without grouping)."""
    locale = QLocale()
    if locale.language() in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    locale.setNumberOptions(QLocale.NumberOption.DefaultNumberOptions)
    return locale


def amount_text(amount: Decimal) -> str:
    """An amount in US dollars with the grouping of the user's locale: "1,000,000 USD";
    cents only when there are some."""
    locale = _number_locale()
    if amount == amount.to_integral_value():
        number = locale.toString(int(amount))
    else:
        number = locale.toString(float(amount), "f", 2)
    return QCoreApplication.translate("Amounts", "{amount} USD").format(amount=number)


def _limit_text(limit: Decimal | None) -> str:
    if limit is None:
        return QCoreApplication.translate("Amounts", "Unlimited")
    if limit == 0:
        return QCoreApplication.translate("Amounts", "No withdrawals")
    return amount_text(limit)


def limit_texts(kind: str) -> tuple[str, str]:
    """The withdrawal limits of a device kind, per day and per 5 business days, in words
    ("Not known" for a kind this app does not know)."""
    try:
        limit: WithdrawalLimit = spec(kind).withdrawal_limit
    except ValueError:
        unknown = QCoreApplication.translate("Amounts", "Not known")
        return unknown, unknown
    return _limit_text(limit.per_day), _limit_text(limit.per_five_business_days)


def failure_text(error: object) -> str:
    """What went wrong with a call of the security dialogs, in the user's language: an expired
    session, the server's own words for a refusal, or no connection."""
    if isinstance(error, Unauthorized):
        return QCoreApplication.translate(
            "SecurityMessages",
            "Your session has expired. Log out, then log in again to manage your security devices.",
        )
    if isinstance(error, ApiError):
        code = error.code if isinstance(error.code, ErrorCode) else None
        return _REFUSALS.text(code, error.message)
    if isinstance(error, ClientError):
        return describe_failure(error)
    return QCoreApplication.translate("SecurityMessages", "Something went wrong. Try again later.")


#: The refusals of the security centre, by code (KB2481's wording for the sharing rules).
_REFUSALS = CodeTexts(
    "SecurityMessages",
    {
        ErrorCode.APPROVAL_INVALID: QT_TRANSLATE_NOOP(
            "SecurityMessages", "The identity check is not valid for this. Start again."
        ),
        ErrorCode.APPROVAL_USED: QT_TRANSLATE_NOOP(
            "SecurityMessages", "The identity check was already used once. Start again."
        ),
        ErrorCode.APPROVAL_EXPIRED: QT_TRANSLATE_NOOP(
            "SecurityMessages", "The identity check has expired. Start again."
        ),
        ErrorCode.APPROVAL_WRONG_PURPOSE: QT_TRANSLATE_NOOP(
            "SecurityMessages", "The identity check was made for another task. Start again."
        ),
        ErrorCode.LESS_SECURE_DEVICE: QT_TRANSLATE_NOOP(
            "SecurityMessages",
            "Less secure device: the device to share must be the most secure one of the users "
            "involved. Identify the most secure device and share that one.",
        ),
        ErrorCode.DIFFERENT_IDENTIFICATION: QT_TRANSLATE_NOOP(
            "SecurityMessages",
            "Different identification information: the users involved do not belong to the "
            "same entity or person. If they do, contact Client Services to correct the data "
            "on record.",
        ),
        ErrorCode.TEMPORARY_DEVICE_ASSIGNED: QT_TRANSLATE_NOOP(
            "SecurityMessages",
            "A user involved holds a temporary security device (temporary passcode or Online "
            "Security Code Card): a device cannot be shared until it is replaced.",
        ),
        ErrorCode.SHARE_NOT_NEEDED: QT_TRANSLATE_NOOP(
            "SecurityMessages",
            "There is nothing to share: the device is yours, or it is already shared with you "
            "or waiting for approval.",
        ),
    },
)


def status_text(status: str | None) -> str:
    """A device's status in words; ``/me`` lists only devices usable now, so a server that
    does not say is listing an active one."""
    names = {
        "active": QCoreApplication.translate("DeviceStatus", "Active"),
        "locked": QCoreApplication.translate("DeviceStatus", "Locked"),
        "revoked": QCoreApplication.translate("DeviceStatus", "Revoked"),
    }
    return names.get(status or "active", status or "")


class SecurityWindow(SecurityDialog):
    """Settings > Secure Login System (see the module doc)."""

    def _build(self) -> None:
        super()._build()
        self.setObjectName("securityWindow")
        #: The devices listed (``None`` until the first answer).
        self.devices: tuple[Device, ...] | None = None
        #: The action dialog open now (one at a time).
        self.action_dialog: QDialog | None = None
        self._closed = False

        self.heading = page_title()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = read_only_table(len(COLUMNS), "devices")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.status = QLabel()
        self.status.setObjectName("loadStatus")
        self.status.setWordWrap(True)
        self.retry_button = QPushButton()
        self.note = QLabel()
        self.note.setObjectName("deviceNote")
        self.note.setWordWrap(True)
        self.withdraw_button = QPushButton()
        self.share_button = QPushButton()
        self.pin_button = QPushButton()
        self.close_button = QPushButton()

        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.retry_button)
        actions = QHBoxLayout()
        actions.addWidget(self.withdraw_button)
        actions.addWidget(self.share_button)
        actions.addWidget(self.pin_button)
        actions.addStretch(1)
        actions.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(status_row)
        layout.addWidget(self.note)
        layout.addLayout(actions)
        for before, after in (
            (self.table, self.retry_button),
            (self.retry_button, self.withdraw_button),
            (self.withdraw_button, self.share_button),
            (self.share_button, self.pin_button),
            (self.pin_button, self.close_button),
        ):
            QWidget.setTabOrder(before, after)

        self.retry_button.clicked.connect(self.load)
        self.close_button.clicked.connect(self.reject)
        self.withdraw_button.clicked.connect(self.open_withdrawal)
        self.share_button.clicked.connect(self.open_sharing)
        self.pin_button.clicked.connect(self.open_pin_change)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.resize(760, 420)
        self.load()

    # --- the device list -------------------------------------------------------------------

    @Slot()
    def load(self) -> None:
        """Ask the server for the devices (on the worker); the answer fills the list."""
        if self.task is not None:
            return
        self.task = self.worker.submit("me", self.api.me, self.login.session.token, owner=self)
        self.task.succeeded.connect(self._loaded)
        self.task.failed.connect(self._load_failed)
        self.task.finished.connect(self._load_finished)
        self.retry_button.hide()
        self._show_status(self.tr("Loading your security devices…"), error=False)
        self._update_actions()

    @Slot(object)
    def _loaded(self, me: Me) -> None:
        self.devices = tuple(me.devices)
        self._fill()
        self._show_status("" if self.devices else self.tr("You have no active security device."))

    @Slot(object)
    def _load_failed(self, error: object) -> None:
        self._show_status(
            self.tr("Your security devices could not be loaded: {reason}").format(
                reason=failure_text(error)
            ),
            error=True,
        )
        self.retry_button.setVisible(not isinstance(error, Unauthorized))

    @Slot()
    def _load_finished(self) -> None:
        self.task = None
        self._update_actions()

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.status.setStyleSheet("color: #b3261e;" if error else "")

    def _fill(self) -> None:
        selected = self.selected_device()
        self.table.setRowCount(0)
        for device in self.devices or ():
            row = self.table.rowCount()
            self.table.insertRow(row)
            per_day, per_five_days = limit_texts(device.kind)
            texts = (
                device_kind_name(device.kind),
                device.label,
                status_text(device.status),
                per_day,
                per_five_days,
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column >= COLUMNS.index("per_day"):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setData(Qt.ItemDataRole.UserRole, device.id)
                self.table.setItem(row, column, item)
        if self.devices:
            ids = [device.id for device in self.devices]
            keep = selected.id if selected is not None and selected.id in ids else ids[0]
            self.table.selectRow(ids.index(keep))
        self._selection_changed()

    def selected_device(self) -> Device | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.devices:
            return None
        row = rows[0].row()
        return self.devices[row] if 0 <= row < len(self.devices) else None

    def device_texts(self) -> list[tuple[str, ...]]:
        """The rows of the list as shown (kind, label, status, limits)."""
        return table_texts(self.table)

    @Slot()
    def _selection_changed(self) -> None:
        device = self.selected_device()
        kind = device.kind if device is not None else None
        if kind == DeviceKind.IB_KEY.value:
            self.note.setText(self.tr("Change the PIN in IBKR Mobile: Authenticate > Change PIN"))
        elif kind == DeviceKind.DSC_PLUS.value:
            self.note.setText(
                self.tr(
                    "To change the PIN of your Digital Security Card+, click Change PIN... and "
                    "answer a challenge with the new PIN on the card."
                )
            )
        else:
            self.note.clear()
        self.note.setVisible(bool(self.note.text()))
        self._update_actions()

    def _update_actions(self) -> None:
        loaded = self.devices is not None and self.task is None
        device = self.selected_device()
        self.withdraw_button.setEnabled(loaded and bool(self.devices))
        self.share_button.setEnabled(loaded)
        self.pin_button.setEnabled(
            loaded and device is not None and device.kind == DeviceKind.DSC_PLUS.value
        )

    # --- actions ---------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        """Show an action's dialog (one at a time, modal to this window)."""
        self.action_dialog = dialog
        dialog.finished.connect(self._action_closed)
        dialog.open()

    @Slot(int)
    def _action_closed(self, _result: int) -> None:
        dialog, self.action_dialog = self.action_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if not self._closed:
            self.load()  # a device shared, a PIN changed: the list as the server has it now

    @Slot()
    def open_withdrawal(self) -> None:
        from tws_companion.gui.withdrawal_dialog import WithdrawalDialog

        self._open(WithdrawalDialog(self.login, self.api, self.worker, self))

    @Slot()
    def open_sharing(self) -> None:
        from tws_companion.gui.device_sharing_dialog import DeviceSharingDialog

        self._open(DeviceSharingDialog(self.login, self.api, self.worker, self))

    @Slot()
    def open_pin_change(self) -> None:
        """Change PIN... for the Digital Security Card+ selected."""
        device = self.selected_device()
        if device is None or device.kind != DeviceKind.DSC_PLUS.value:
            return
        from tws_companion.gui.pin_change_dialog import PinChangeDialog

        self._open(
            PinChangeDialog(
                self.api,
                self.worker,
                self.login.session.token,
                device.id,
                device.label,
                parent=self,
            )
        )

    # --- Qt --------------------------------------------------------------------------------

    def _on_top(self) -> QDialog | None:
        return self.action_dialog

    def done(self, result: int) -> None:
        """Closed: the action's dialog open closes with it (the list is not loaded again), a
        load running is dropped."""
        self._closed = True
        super().done(result)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Secure Login System"))
        self.heading.setText(self.tr("Your security devices"))
        self.intro.setText(
            self.tr(
                "The device that confirms a withdrawal sets its limit, per day and per 5 "
                "business days."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Device"),
                self.tr("Label"),
                self.tr("Status"),
                self.tr("Withdrawal limit per day"),
                self.tr("Per 5 business days"),
            ]
        )
        self.retry_button.setText(self.tr("Try again"))
        self.withdraw_button.setText(self.tr("Withdraw funds..."))
        self.share_button.setText(self.tr("Share a device..."))
        self.pin_button.setText(self.tr("Change PIN..."))
        self.close_button.setText(self.tr("Close"))
        if self.devices is not None:
            self._fill()
        else:
            self._selection_changed()
