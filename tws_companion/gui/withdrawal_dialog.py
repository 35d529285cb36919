"""Withdraw funds: an amount in US dollars, confirmed with a security device through the identity
check, then the server's answer.

The device that confirms a withdrawal sets its limit, per day and per 5 business days, counting
the user's earlier withdrawals (DESIGN.md section 3). Accepted, the dialog shows the withdrawal's
number, its amount and the kind of device that confirmed it; refused for the device's limit, it
names the device kinds that could confirm it (the seed's example: above 200,000 USD, confirm with
the Digital Security Card+) and offers to confirm with another device. Every call runs on the
worker.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Qt, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tws_companion.client.errors import WithdrawalLimit
from tws_companion.gui.layouts import page_title
from tws_companion.gui.messages import device_kind_name
from tws_companion.gui.security_dialog import ConfirmedTaskDialog
from tws_companion.gui.security_window import amount_text, failure_text, limit_texts

if TYPE_CHECKING:
    from tws_companion.protocol.security import Approval, Withdrawal

__all__ = ["WITHDRAWAL_PURPOSE", "WithdrawalDialog", "parse_amount"]

#: The purpose of the identity check that confirms a withdrawal.
WITHDRAWAL_PURPOSE = "withdrawal"
#: The largest amount the field takes (digits before the decimal point).
AMOUNT_DIGITS = 12


def parse_amount(text: str) -> Decimal | None:
    """The amount typed (group separators and spaces ignored, at most 2 decimals), or ``None``
    when it is not a positive amount."""
    cleaned = "".join(text.split()).replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


class WithdrawalDialog(ConfirmedTaskDialog):
    """Withdraw funds (see the module doc)."""

    def _build(self) -> None:
        super()._build()
        self.setObjectName("withdrawalDialog")
        #: The amount being withdrawn (set on Continue).
        self.amount: Decimal | None = None
        #: The kind of the device that confirmed the withdrawal sent last.
        self.confirmed_with = ""
        #: What the server answered: the withdrawal, or the error refusing it.
        self.outcome: Withdrawal | Exception | None = None

        # Page 1: the amount.
        self.amount_page = QWidget()
        self.heading = page_title()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.amount_label = QLabel()
        self.amount_field = QLineEdit()
        self.amount_field.setObjectName("amount")
        self.amount_field.setValidator(
            QRegularExpressionValidator(
                QRegularExpression(rf"[0-9][0-9, ]{{0,{AMOUNT_DIGITS + 4}}}(\.[0-9]{{0,2}})?"),
                self.amount_field,
            )
        )
        self.amount_label.setBuddy(self.amount_field)
        self.currency = QLabel("USD")
        self.amount_error = QLabel()
        self.amount_error.setObjectName("amountError")
        self.amount_error.setStyleSheet("color: #b3261e;")
        self.amount_error.hide()
        self.continue_button = QPushButton()
        self.continue_button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(self.amount_label)
        row.addWidget(self.amount_field, 1)
        row.addWidget(self.currency)
        page = QVBoxLayout(self.amount_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.heading)
        page.addWidget(self.intro)
        page.addLayout(row)
        page.addWidget(self.amount_error)
        page.addStretch(1)

        # Page 2 (``result_page``): sending, then the result.
        self.result_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.amount_page)
        self.stack.addWidget(self.result_page)
        self.other_device_button = QPushButton()
        self.other_device_button.hide()
        self.close_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.other_device_button)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.amount_field, self.other_device_button)
        QWidget.setTabOrder(self.other_device_button, self.continue_button)
        QWidget.setTabOrder(self.continue_button, self.close_button)

        self.amount_field.returnPressed.connect(self.confirm)
        self.amount_field.textEdited.connect(lambda _text: self.amount_error.hide())
        self.continue_button.clicked.connect(self.confirm)
        self.other_device_button.clicked.connect(self.confirm)
        self.close_button.clicked.connect(self.reject)
        self.resize(480, 260)
        self.amount_field.setFocus()

    # --- the steps -----------------------------------------------------------------------------

    @Slot()
    def confirm(self) -> None:
        """Continue: the amount checked, then the identity check that confirms it."""
        if self.task is not None or self.check is not None:
            return
        amount = parse_amount(self.amount_field.text())
        if amount is None:
            self.amount_error.setText(self.tr("Enter an amount in US dollars, such as 2500.00."))
            self.amount_error.show()
            self.amount_field.setFocus()
            return
        self.amount = amount
        self._verify(WITHDRAWAL_PURPOSE, self._check_intro, self.login.username)

    def _check_intro(self) -> str:
        return self.tr(
            "Confirm the withdrawal of {amount} with one of your security devices: enter your "
            "user name and password and click Continue."
        ).format(amount=amount_text(self.amount or Decimal(0)))

    @Slot(object)
    def _approved(self, approval: Approval) -> None:
        """The identity check gave an approval: the withdrawal goes to the server with it (the
        approval is used once, then dropped)."""
        if self.amount is None:
            return
        self.confirmed_with = approval.device_kind
        self.stack.setCurrentWidget(self.result_page)
        self.result_title.setText(self.tr("Sending the withdrawal…"))
        self.result_text.clear()
        self.progress.show()
        self.continue_button.hide()
        self.other_device_button.hide()
        self.task = self.worker.submit(
            "withdraw",
            self.api.withdraw,
            self.login.session.token,
            self.amount,
            approval,
            owner=self,
        )
        self.task.succeeded.connect(self._accepted)
        self.task.failed.connect(self._refused)
        self.task.finished.connect(self._sent)

    @Slot(object)
    def _accepted(self, withdrawal: Withdrawal) -> None:
        self.outcome = withdrawal
        self._show_outcome()

    @Slot(object)
    def _refused(self, error: object) -> None:
        self.outcome = error if isinstance(error, Exception) else RuntimeError(str(error))
        self._show_outcome()

    @Slot()
    def _sent(self) -> None:
        self.task = None
        self.progress.hide()
        (
            self.other_device_button if self.other_device_button.isVisible() else self.close_button
        ).setFocus()

    def _show_outcome(self) -> None:
        outcome = self.outcome
        if outcome is None:
            return
        if not isinstance(outcome, Exception):
            self.result_title.setText(self.tr("Withdrawal accepted"))
            self.result_text.setText(
                self.tr(
                    "Withdrawal {number} of {amount} was accepted, confirmed with your {device}."
                ).format(
                    number=outcome.withdrawal_id,
                    amount=amount_text(outcome.amount_usd),
                    device=device_kind_name(str(outcome.device_kind)),
                )
            )
            self.other_device_button.hide()
            return
        kinds = outcome.device_kinds if isinstance(outcome, WithdrawalLimit) else ()
        self.result_title.setText(self.tr("Withdrawal refused"))
        if kinds:
            names = self.tr(", ").join(device_kind_name(str(kind)) for kind in kinds)
            per_day, per_five_days = limit_texts(self.confirmed_with)
            self.result_text.setText(
                self.tr(
                    "{amount} is more than your {device} can confirm: {per_day} a day and "
                    "{per_five_days} in 5 business days, counting your earlier withdrawals. "
                    "Confirm it with: {devices}."
                ).format(
                    amount=amount_text(self.amount or Decimal(0)),
                    device=device_kind_name(self.confirmed_with),
                    per_day=per_day,
                    per_five_days=per_five_days,
                    devices=names,
                )
            )
        else:
            self.result_text.setText(failure_text(outcome))
        self.other_device_button.setVisible(bool(kinds))

    # --- Qt ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Withdraw funds"))
        self.heading.setText(self.tr("Withdraw funds"))
        self.intro.setText(
            self.tr(
                "The security device you confirm the withdrawal with sets its limit per day: "
                "{card} with a Security Code Card or SMS, {ib_key} with IB Key, no limit with "
                "the Digital Security Card+."
            ).format(card=limit_texts("code_card")[0], ib_key=limit_texts("ib_key")[0])
        )
        self.amount_label.setText(self.tr("&Amount"))
        self.continue_button.setText(self.tr("Continue"))
        self.other_device_button.setText(self.tr("Confirm with another device..."))
        self.close_button.setText(self.tr("Close"))
        if self.task is not None:
            self.result_title.setText(self.tr("Sending the withdrawal…"))
        self._show_outcome()
