"""GUI tests run real widgets on Qt's offscreen platform (no display needed)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.support.profiles import profile_of
from tws_companion.gui import layout_dialogs
from tws_companion.gui.i18n import Translations
from tws_companion.layout.profile import SettingsProfile
from tws_companion.storage.drives import Drive

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _collect_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As the app does: garbage is collected on the GUI thread, never on a worker."""
    from tws_companion.gui.garbage import GuiThreadCollector

    collector = GuiThreadCollector(qapp)
    collector.start()
    yield
    collector.stop()


@pytest.fixture
def stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder offered as the removable drive STICK (the only drive the dialogs list)."""
    mountpoint = tmp_path / "media" / "STICK"
    mountpoint.mkdir(parents=True)
    drive = Drive("STICK", mountpoint, "removable", "vfat", free_bytes=3_200_000_000)
    monkeypatch.setattr(layout_dialogs, "list_drives", lambda: [drive])
    return mountpoint


@pytest.fixture
def alice(tmp_path: Path) -> SettingsProfile:
    return profile_of(tmp_path / "alice-machine", "alice")


@pytest.fixture
def bob(tmp_path: Path) -> SettingsProfile:
    return profile_of(tmp_path / "bob-machine", "bob")


@pytest.fixture
def chinese() -> Iterator[Translations]:
    """The app in Simplified Chinese for the test, English again afterwards."""
    translations = Translations()
    assert translations.apply("zh_CN")
    yield translations
    translations.apply("en")
