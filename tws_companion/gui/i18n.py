"""Languages: English (the source) and Simplified Chinese, switchable while the app runs.

The app's own strings come from ``resources/translations/tws_companion_<lang>.qm`` (built from the
``.ts`` sources by pyside6-lrelease); Qt's own strings (standard buttons, file dialogs) from the
translations shipped with Qt. Installing a translator sends every widget a LanguageChange event,
and each widget re-reads its texts in ``retranslate()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator

TRANSLATIONS = Path(__file__).resolve().parents[2] / "resources" / "translations"
#: Language code → its name in that language (shown in the language menu).
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


def system_language() -> str:
    """The supported language closest to the system's: Chinese for any zh locale."""
    name = QLocale.system().name()
    return "zh_CN" if name.startswith("zh") else "en"


class Translations:
    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.language = "en"

    def apply(self, language: str) -> bool:
        """Switch to ``language``; ``False`` (and English) if its translation is missing."""
        app = QCoreApplication.instance()
        for translator in self._installed:
            QCoreApplication.removeTranslator(translator)
        self._installed.clear()
        self.language = "en"
        if language == "en" or language not in LANGUAGES:
            return language == "en"
        # Here: English (the source) needs neither, and PySide builds QLibraryInfo's enum on its
        # first import.
        from PySide6.QtCore import QLibraryInfo, QTranslator

        own = QTranslator(app)
        if not own.load(str(TRANSLATIONS / f"tws_companion_{language}.qm")):
            return False
        qt = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for translator in (own, qt) if qt.load(f"qtbase_{language}", qt_dir) else (own,):
            QCoreApplication.installTranslator(translator)
            self._installed.append(translator)
        self.language = language
        return True


class TranslatedWidget(QWidget):
    """A widget whose texts are set in ``retranslate()``, called again on every language change."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Set every visible text through ``tr()``."""
