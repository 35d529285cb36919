"""The Global Configuration dialog: Lock and Exit, and Display.

It edits a copy of the layout's :class:`GlobalConfig` (what this version does not know of it,
``extra``, kept) and hands the edited copy out on Apply and on OK through ``applied``; the
workstation window applies it (timers, theme, font size, language, the per-user "Use/store
settings on server" tick the login window shares). Cancel hands nothing out, but what an earlier
Apply applied stays applied, as in any dialog with an Apply button.

Signals of GlobalConfigDialog: applied(object) — the edited :class:`GlobalConfig`.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QEvent, Qt, QTime, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSpinBox,
    QStackedWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.i18n import LANGUAGES
from tws_companion.gui.idle import parse_time_of_day
from tws_companion.gui.layouts import page_title
from tws_companion.layout.model import GlobalConfig, LockAndExit, Theme

__all__ = [
    "AUTOSAVE_MAX_MINUTES",
    "FONT_SIZES",
    "IDLE_MAX_MINUTES",
    "WARNING_MAX_MINUTES",
    "GlobalConfigDialog",
]

#: The longest idle time before the lock, and between two auto-saves, offered (minutes).
IDLE_MAX_MINUTES = 8 * 60
AUTOSAVE_MAX_MINUTES = 4 * 60
#: The longest warning before the auto log-off (minutes).
WARNING_MAX_MINUTES = 60
#: Font sizes offered, in points.
FONT_SIZES = (8, 24)


class _LockAndExitPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = page_title()
        self.logoff_time = QTimeEdit()
        self.logoff_time.setDisplayFormat("HH:mm")
        self.warning_minutes = QSpinBox()
        self.warning_minutes.setRange(1, WARNING_MAX_MINUTES)
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(0, IDLE_MAX_MINUTES)
        self.autosave_minutes = QSpinBox()
        self.autosave_minutes.setRange(0, AUTOSAVE_MAX_MINUTES)
        self.save_on_exit = QCheckBox()
        self.use_server = QCheckBox()
        self.server_hint = QLabel()
        self.server_hint.setWordWrap(True)
        self.server_hint.setObjectName("hint")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.logoff_label = QLabel()
        self.warning_label = QLabel()
        self.lock_label = QLabel()
        self.autosave_label = QLabel()
        form.addRow(self.logoff_label, self.logoff_time)
        form.addRow(self.warning_label, self.warning_minutes)
        form.addRow(self.lock_label, self.lock_minutes)
        form.addRow(self.autosave_label, self.autosave_minutes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.save_on_exit)
        layout.addWidget(self.use_server)
        layout.addWidget(self.server_hint)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Lock and Exit"))
        self.logoff_label.setText(self.tr("Auto log-off time:"))
        self.warning_label.setText(self.tr("Warn before log-off:"))
        self.lock_label.setText(self.tr("Lock after idle for:"))
        self.autosave_label.setText(self.tr("Auto-save settings every:"))
        minutes = self.tr(" minutes")
        for spin in (self.warning_minutes, self.lock_minutes, self.autosave_minutes):
            spin.setSuffix(minutes)
        self.lock_minutes.setSpecialValueText(self.tr("Never"))
        self.autosave_minutes.setSpecialValueText(self.tr("Never"))
        self.lock_minutes.setToolTip(self.tr("Set to 0 to never lock the workstation."))
        self.autosave_minutes.setToolTip(
            self.tr("Set to 0 to save only on changes, on exit and with Save Settings.")
        )
        self.save_on_exit.setText(self.tr("Save settings on exit"))
        self.use_server.setText(self.tr("Use/store settings on server"))
        self.server_hint.setText(
            self.tr(
                "The same setting as the tick in the login window: it is remembered for this "
                "user name on this computer."
            )
        )

    def show_values(self, values: LockAndExit) -> None:
        at = parse_time_of_day(values.auto_logoff_time) or parse_time_of_day(
            LockAndExit().auto_logoff_time
        )
        assert at is not None
        self.logoff_time.setTime(QTime(at.hour, at.minute))
        self.warning_minutes.setValue(values.logoff_warning_minutes)
        self.lock_minutes.setValue(values.lock_after_idle_minutes or 0)
        self.autosave_minutes.setValue(values.autosave_minutes or 0)
        self.save_on_exit.setChecked(values.save_on_exit)
        self.use_server.setChecked(values.use_server_settings)

    def read_into(self, values: LockAndExit) -> None:
        values.auto_logoff_time = self.logoff_time.time().toString("HH:mm")
        values.logoff_warning_minutes = self.warning_minutes.value()
        values.lock_after_idle_minutes = self.lock_minutes.value() or None
        values.autosave_minutes = self.autosave_minutes.value() or None
        values.save_on_exit = self.save_on_exit.isChecked()
        values.use_server_settings = self.use_server.isChecked()


class _DisplayPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = page_title()
        self.theme = QComboBox()
        self.theme.addItem("", Theme.LIGHT.value)
        self.theme.addItem("", Theme.DARK.value)
        self.font_size = QSpinBox()
        self.font_size.setRange(*FONT_SIZES)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.theme_label = QLabel()
        self.font_label = QLabel()
        self.language_label = QLabel()
        form = QFormLayout()
        form.addRow(self.theme_label, self.theme)
        form.addRow(self.font_label, self.font_size)
        form.addRow(self.language_label, self.language)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Display"))
        self.theme_label.setText(self.tr("Theme:"))
        self.font_label.setText(self.tr("Font size:"))
        self.language_label.setText(self.tr("Language:"))
        self.theme.setItemText(0, self.tr("Light"))
        self.theme.setItemText(1, self.tr("Dark"))
        self.font_size.setSuffix(self.tr(" pt"))

    def show_values(self, config: GlobalConfig) -> None:
        display = config.display
        self.theme.setCurrentIndex(max(0, self.theme.findData(display.theme.value)))
        self.font_size.setValue(display.font_size)
        self.language.setCurrentIndex(max(0, self.language.findData(display.language)))

    def read_into(self, config: GlobalConfig) -> None:
        display = config.display
        display.theme = Theme(str(self.theme.currentData()))
        display.font_size = self.font_size.value()
        display.language = str(self.language.currentData())


class GlobalConfigDialog(QDialog):
    """Global Configuration, with a page list on the left (see the module doc)."""

    applied = Signal(object)

    def __init__(self, config: GlobalConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("globalConfigDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_WindowPropagation)
        self.pages = QListWidget()
        self.pages.setObjectName("pageList")
        self.pages.addItems(["", ""])
        self.lock_page = _LockAndExitPage()
        self.display_page = _DisplayPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.lock_page)
        self.stack.addWidget(self.display_page)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
        )
        body = QHBoxLayout()
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self.set_config(config)
        self.pages.setCurrentRow(0)
        self.retranslate()
        self.resize(self.sizeHint().expandedTo(self.minimumSizeHint()))

    def _connect_signals(self) -> None:
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.buttons.clicked.connect(self._clicked)

    @property
    def ok_button(self) -> QAbstractButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def apply_button(self) -> QAbstractButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Apply)

    @property
    def cancel_button(self) -> QAbstractButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Cancel)

    def set_config(self, config: GlobalConfig) -> None:
        """Show ``config``'s values (the copy handed out keeps its unknown parts)."""
        self._original = copy.deepcopy(config)
        self.lock_page.show_values(config.lock_and_exit)
        self.display_page.show_values(config)

    def config(self) -> GlobalConfig:
        """A new :class:`GlobalConfig`: the one shown, with the values of the widgets."""
        edited = copy.deepcopy(self._original)
        self.lock_page.read_into(edited.lock_and_exit)
        self.display_page.read_into(edited)
        return edited

    @Slot(QAbstractButton)
    def _clicked(self, button: QAbstractButton) -> None:
        role = self.buttons.buttonRole(button)
        if role == QDialogButtonBox.ButtonRole.AcceptRole:
            self.applied.emit(self.config())
            self.accept()
        elif role == QDialogButtonBox.ButtonRole.ApplyRole:
            edited = self.config()
            self._original = copy.deepcopy(edited)
            self.applied.emit(edited)
        else:
            self.reject()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Global Configuration"))
        lock_item, display_item = self.pages.item(0), self.pages.item(1)
        if lock_item is not None:
            lock_item.setText(self.tr("Lock and Exit"))
        if display_item is not None:
            display_item.setText(self.tr("Display"))
        self.pages.setFixedWidth(max(140, self.pages.sizeHintForColumn(0) + 24))
        self.lock_page.retranslate()
        self.display_page.retranslate()
