"""An on-screen keyboard for public computers: keys are clicked, so no keystroke is logged.

Signals: keyPressed(str) — a character; backspacePressed(); enterPressed().
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from tws_companion.gui.i18n import TranslatedWidget

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
SYMBOLS = "-_.@!#$%&*+=?"


def _label(char: str) -> str:
    """A key's text: '&' is doubled, or Qt would take it for a mnemonic and show nothing."""
    return "&&" if char == "&" else char


class OnScreenKeyboard(TranslatedWidget):
    keyPressed = Signal(str)
    backspacePressed = Signal()
    enterPressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onScreenKeyboard")
        self._keys: list[QPushButton] = []
        grid = QGridLayout(self)
        grid.setSpacing(3)
        # The digit row starts at a random offset each time: a screen recorder learns less.
        offset = secrets.randbelow(10)
        rows = (ROWS[0][offset:] + ROWS[0][:offset], *ROWS[1:], SYMBOLS)
        for row_number, row in enumerate(rows):
            for column, char in enumerate(row):
                button = QPushButton(_label(char))
                button.setFixedWidth(30)
                button.clicked.connect(
                    lambda _=False, b=button: self.keyPressed.emit(b.text().replace("&&", "&"))
                )
                grid.addWidget(button, row_number, column)
                self._keys.append(button)
        self.shift_button = QPushButton()
        self.shift_button.setCheckable(True)
        self.shift_button.toggled.connect(self._set_shift)
        self.backspace_button = QPushButton("⌫")
        self.backspace_button.clicked.connect(self.backspacePressed.emit)
        self.enter_button = QPushButton("⏎")
        self.enter_button.clicked.connect(self.enterPressed.emit)
        # Clicking a key must not take the focus from the field being typed into.
        for button in (*self._keys, self.shift_button, self.backspace_button, self.enter_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        last = len(rows)
        grid.addWidget(self.shift_button, last, 0, 1, 3)
        grid.addWidget(self.backspace_button, last, 3, 1, 3)
        grid.addWidget(self.enter_button, last, 6, 1, 3)
        self.retranslate()

    def _set_shift(self, on: bool) -> None:
        for button in self._keys:
            text = button.text()
            button.setText(text.upper() if on else text.lower())

    def retranslate(self) -> None:
        self.shift_button.setText(self.tr("Shift"))
