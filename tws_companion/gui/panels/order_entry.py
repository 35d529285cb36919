"""The order entry panel: the defaults a new order starts from (it never sends an order).

Symbol, action, order type, quantity, time in force and "outside regular trading hours"; the
symbol follows the panel's color group.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.panels.base import PanelWidget
from tws_companion.gui.panels.common import SymbolEdit, copy_extra
from tws_companion.gui.panels.labels import action_label, order_type_label, time_in_force_label
from tws_companion.layout.model import OrderAction, OrderEntry, OrderType, TimeInForce

__all__ = ["MAX_QUANTITY", "OrderEntryPanel"]

MAX_QUANTITY = 1_000_000

_E = TypeVar("_E", bound=StrEnum)


def _enum_combo(values: type[StrEnum], current: StrEnum) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(str(value), value.value)
    combo.setCurrentIndex(combo.findData(current.value))
    return combo


def _chosen(combo: QComboBox, values: type[_E]) -> _E:
    return values(combo.currentData())


class OrderEntryPanel(PanelWidget):
    def __init__(self, state: OrderEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._extra = copy_extra(state.extra)
        self._chosen_symbol = state.symbol
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.symbol_edit = SymbolEdit()
        self.symbol_edit.setText(state.symbol)
        self.action_combo = _enum_combo(OrderAction, state.action)
        self.order_type_combo = _enum_combo(OrderType, state.order_type)
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(1, MAX_QUANTITY)
        self.quantity_spin.setGroupSeparatorShown(True)
        self.quantity_spin.setValue(state.quantity)
        self.quantity_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.time_in_force_combo = _enum_combo(TimeInForce, state.time_in_force)
        self.outside_rth_check = QCheckBox()
        self.outside_rth_check.setChecked(state.outside_rth)

        self.symbol_label = QLabel()
        self.action_label = QLabel()
        self.order_type_label = QLabel()
        self.quantity_label = QLabel()
        self.time_in_force_label = QLabel()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field in (
            (self.symbol_label, self.symbol_edit),
            (self.action_label, self.action_combo),
            (self.order_type_label, self.order_type_combo),
            (self.quantity_label, self.quantity_spin),
            (self.time_in_force_label, self.time_in_force_combo),
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow(self.outside_rth_check)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addStretch(1)

        self.symbol_edit.textChanged.connect(self.changed)
        self.symbol_edit.editingFinished.connect(self._symbol_entered)
        for combo in (self.action_combo, self.order_type_combo, self.time_in_force_combo):
            combo.currentIndexChanged.connect(self.changed)
        self.quantity_spin.valueChanged.connect(self.changed)
        self.outside_rth_check.toggled.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Order defaults"))
        self.explanation.setText(
            self.tr("New orders start from these values. This panel does not send orders.")
        )
        self.symbol_label.setText(self.tr("&Symbol:"))
        self.symbol_edit.setPlaceholderText(self.tr("Any symbol"))
        self.symbol_edit.setAccessibleName(self.tr("Default symbol"))
        self.action_label.setText(self.tr("&Action:"))
        self.action_combo.setAccessibleName(self.tr("Default action"))
        self.order_type_label.setText(self.tr("Order &type:"))
        self.order_type_combo.setAccessibleName(self.tr("Default order type"))
        self.quantity_label.setText(self.tr("&Quantity:"))
        self.quantity_spin.setAccessibleName(self.tr("Default quantity"))
        self.time_in_force_label.setText(self.tr("Time in &force:"))
        self.time_in_force_combo.setAccessibleName(self.tr("Default time in force"))
        self.outside_rth_check.setText(self.tr("Fill outside regular trading &hours"))
        self.outside_rth_check.setAccessibleName(self.tr("Outside regular trading hours"))
        for index in range(self.action_combo.count()):
            self.action_combo.setItemText(
                index, action_label(OrderAction(self.action_combo.itemData(index)))
            )
        for index in range(self.order_type_combo.count()):
            self.order_type_combo.setItemText(
                index, order_type_label(OrderType(self.order_type_combo.itemData(index)))
            )
        for index in range(self.time_in_force_combo.count()):
            self.time_in_force_combo.setItemText(
                index, time_in_force_label(TimeInForce(self.time_in_force_combo.itemData(index)))
            )

    def state(self) -> OrderEntry:
        return OrderEntry(
            symbol=self.symbol_edit.symbol(),
            action=_chosen(self.action_combo, OrderAction),
            order_type=_chosen(self.order_type_combo, OrderType),
            quantity=self.quantity_spin.value(),
            time_in_force=_chosen(self.time_in_force_combo, TimeInForce),
            outside_rth=self.outside_rth_check.isChecked(),
            extra=copy_extra(self._extra),
        )

    def show_symbol(self, symbol: str) -> None:
        """New orders default to the color group's symbol."""
        if symbol and symbol != self.symbol_edit.text():
            self._chosen_symbol = symbol
            self.symbol_edit.setText(symbol)

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().expandedTo(QSize(200, 0))

    @Slot()
    def _symbol_entered(self) -> None:
        symbol = self.symbol_edit.symbol()
        if symbol and symbol != self._chosen_symbol:
            self._chosen_symbol = symbol
            self.symbolChosen.emit(symbol)
