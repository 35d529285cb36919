"""An on-screen keyboard for public computers: keys are clicked, so no keystroke is logged.

Five rows: digits, three rows of letters, symbols; Backspace, Enter and Shift right of the first
three. Every key is as large as its text needs in the current font, so the keys stay readable at
any DPI; they share out whatever width the window gives beyond that.

Signals: keyPressed(str) — a character; backspacePressed(); enterPressed().
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from tws_companion.gui.i18n import TranslatedWidget

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
SYMBOLS = "-_.@!#$%&*+=?"
#: The first column of Backspace, Enter and Shift (right of the digits and the first letters),
#: and how many columns each spans.
FUNCTION_COLUMN = 10
FUNCTION_SPAN = 3

STYLE = """
QPushButton { padding: 3px 4px; font-family: "DejaVu Sans Mono"; }
"""


def _label(char: str) -> str:
    """A key's text: '&' is doubled, or Qt would take it for a mnemonic and show nothing."""
    return "&&" if char == "&" else char


class OnScreenKeyboard(TranslatedWidget):
    keyPressed = Signal(str)
    backspacePressed = Signal()
    enterPressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys: list[QPushButton] = []
        self.setObjectName("onScreenKeyboard")
        self.setStyleSheet(STYLE)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setSpacing(3)
        # The digit row starts at a random offset each time: a screen recorder learns less.
        offset = secrets.randbelow(10)
        rows = (ROWS[0][offset:] + ROWS[0][:offset], *ROWS[1:], SYMBOLS)
        for row_number, row in enumerate(rows):
            for column, char in enumerate(row):
                button = QPushButton(_label(char))
                button.clicked.connect(
                    lambda _=False, b=button: self.keyPressed.emit(b.text().replace("&&", "&"))
                )
                grid.addWidget(button, row_number, column)
                self._keys.append(button)
        self.shift_button = QPushButton()
        self.shift_button.setCheckable(True)
        self.shift_button.toggled.connect(self._set_shift)
        self.backspace_button = QPushButton()
        self.backspace_button.clicked.connect(self.backspacePressed.emit)
        self.enter_button = QPushButton()
        self.enter_button.clicked.connect(self.enterPressed.emit)
        for row_number, button in enumerate(
            (self.backspace_button, self.enter_button, self.shift_button)
        ):
            grid.addWidget(button, row_number, FUNCTION_COLUMN, 1, FUNCTION_SPAN)
        for button in self.keys():
            # Clicking a key must not take the focus from the field being typed into.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.retranslate()

    def keys(self) -> list[QPushButton]:
        """Every key: the characters, then Shift, Backspace and Enter."""
        return [*self._keys, self.shift_button, self.backspace_button, self.enter_button]

    def _fit_keys(self) -> None:
        """A character key at least as wide as it is high, in the font it is drawn with now."""
        for button in self._keys:
            button.ensurePolished()
            button.setMinimumWidth(0)
            hint = button.sizeHint()
            button.setMinimumWidth(max(hint.width(), hint.height()))

    def _set_shift(self, on: bool) -> None:
        for button in self._keys:
            text = button.text()
            button.setText(text.upper() if on else text.lower())

    def showEvent(self, event: QShowEvent) -> None:
        self._fit_keys()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_keys()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.shift_button.setText(self.tr("Shift"))
        self.backspace_button.setText(self.tr("Backspace"))
        self.enter_button.setText(self.tr("Enter"))
