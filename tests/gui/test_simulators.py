"""The device simulators: each gives exactly what the real device would, by the seeds' steps."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.support.demo import DSC_PLUS_KEY, IB_KEY_KEY, SOLO_KEY
from tws_companion.gui.i18n import Translations
from tws_companion.gui.simulators import SimulatedOcraDevice
from tws_companion.gui.simulators.code_card import CodeCardViewer, save_pdf
from tws_companion.gui.simulators.dsc_plus import DscPlusSimulator
from tws_companion.gui.simulators.ib_key import IbKeySimulator
from tws_companion.gui.simulators.phone import PhoneWindow
from tws_companion.sls import ocra
from tws_companion.sls.code_card import generate_card
from tws_companion.sls.devices import DSC_PLUS_OCRA_SUITE, IB_KEY_OCRA_SUITE
from tws_companion.storage.outbox import write_message

pytestmark = pytest.mark.gui

DSC = SimulatedOcraDevice("DSC+", DSC_PLUS_KEY, "1234")
IB_KEY = SimulatedOcraDevice("IB Key", IB_KEY_KEY, "2580")


# --- Digital Security Card+ ----------------------------------------------------------------


def key(simulator: DscPlusSimulator, text: str) -> QPushButton:
    for button in simulator.findChildren(QPushButton):
        if button.text() == text:
            return button
    raise AssertionError(f"no key {text!r}")


def press(qtbot: QtBot, simulator: DscPlusSimulator, keys: str) -> None:
    for char in keys:
        qtbot.mouseClick(key(simulator, char), Qt.MouseButton.LeftButton)


def test_dsc_plus_follows_the_seed_sequence(qtbot: QtBot) -> None:
    card = DscPlusSimulator(DSC)
    qtbot.addWidget(card)
    assert card.display_text == ""  # off until "press"
    qtbot.mouseClick(key(card, "press"), Qt.MouseButton.LeftButton)
    assert card.display_text == "PIN>"
    press(qtbot, card, "1234")
    assert "1234" not in card.display_text
    qtbot.mouseClick(key(card, "OK"), Qt.MouseButton.LeftButton)
    assert card.display_text == "CHALLNG>"
    press(qtbot, card, "123456")
    with qtbot.waitSignal(card.responseShown) as shown:
        qtbot.mouseClick(key(card, "OK"), Qt.MouseButton.LeftButton)
    expected = ocra.compute_response(DSC_PLUS_OCRA_SUITE, DSC_PLUS_KEY, "123456", pin="1234")
    assert shown.args == [expected]
    assert card.display_text == expected


def test_dsc_plus_locks_after_three_wrong_pins(qtbot: QtBot) -> None:
    card = DscPlusSimulator(DSC)
    qtbot.addWidget(card)
    qtbot.mouseClick(key(card, "press"), Qt.MouseButton.LeftButton)
    for attempt in range(3):
        qtbot.waitUntil(lambda: card.display_text == "PIN>")
        press(qtbot, card, "9999")
        qtbot.mouseClick(key(card, "OK"), Qt.MouseButton.LeftButton)
        if attempt < 2:
            assert card.display_text == "PIN ERR"
    assert card.display_text == "LOCKED"
    press(qtbot, card, "1234")
    qtbot.mouseClick(key(card, "OK"), Qt.MouseButton.LeftButton)
    assert card.display_text == "LOCKED"


def test_dsc_plus_from_the_keyboard(qtbot: QtBot) -> None:
    card = DscPlusSimulator(DSC)
    qtbot.addWidget(card)
    card.show()
    qtbot.keyClick(card, Qt.Key.Key_Space)
    qtbot.keyClicks(card, "1234")
    qtbot.keyClick(card, Qt.Key.Key_Return)
    qtbot.keyClicks(card, "654321")
    with qtbot.waitSignal(card.responseShown) as shown:
        qtbot.keyClick(card, Qt.Key.Key_Return)
    assert shown.args == [
        ocra.compute_response(DSC_PLUS_OCRA_SUITE, DSC_PLUS_KEY, "654321", pin="1234")
    ]


# --- IB Key ----------------------------------------------------------------------------------


def test_ib_key_android_needs_the_right_pin(qtbot: QtBot) -> None:
    phone = IbKeySimulator(IB_KEY)
    qtbot.addWidget(phone)
    page = phone.android
    page.pin.setText("0000")
    page.challenge.setText("12345678")
    qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
    assert page.problem.text() == "Invalid PIN. Try again."
    assert page.response.text() == ""
    page.pin.setText("2580")
    with qtbot.waitSignal(phone.responseShown) as shown:
        qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
    expected = ocra.compute_response(IB_KEY_OCRA_SUITE, IB_KEY_KEY, "12345678", pin="2580")
    assert shown.args == [expected]
    assert page.response.text() == expected
    assert page.pin.text() == ""  # the PIN is not left in the field


def test_ib_key_ios_releases_the_stored_pin_with_touch_id(qtbot: QtBot) -> None:
    phone = IbKeySimulator(IB_KEY)
    qtbot.addWidget(phone)
    phone.show()
    phone.platforms.setCurrentWidget(phone.ios)
    page = phone.ios
    page.challenge.setText("87654321")
    qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
    assert page.touch_id.isVisible()
    assert page.touch_prompt.text() == "Place your finger on the Home Button"
    assert page.response.text() == ""
    with qtbot.waitSignal(phone.responseShown) as shown:
        qtbot.mouseClick(page.touch_id, Qt.MouseButton.LeftButton)
    assert shown.args == [
        ocra.compute_response(IB_KEY_OCRA_SUITE, IB_KEY_KEY, "87654321", pin="2580")
    ]
    assert not page.touch_id.isVisible()


@pytest.mark.parametrize("pin", ["Ab#9", "123456", "z!x?y.", "2580"])
def test_ib_key_android_takes_a_pin_of_four_to_six_letters_digits_or_symbols(
    qtbot: QtBot, pin: str
) -> None:
    phone = IbKeySimulator(SimulatedOcraDevice("IB Key", IB_KEY_KEY, pin))
    qtbot.addWidget(phone)
    page = phone.android
    qtbot.keyClicks(page.pin, pin)
    page.challenge.setText("12345678")
    with qtbot.waitSignal(phone.responseShown) as shown:
        qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
    expected = ocra.compute_response(IB_KEY_OCRA_SUITE, IB_KEY_KEY, "12345678", pin=pin)
    assert shown.args == [expected]
    assert page.response.text() == expected
    assert page.problem.text() == ""


def test_ib_key_android_refuses_a_pin_that_differs_in_one_character(qtbot: QtBot) -> None:
    phone = IbKeySimulator(SimulatedOcraDevice("IB Key", IB_KEY_KEY, "Ab#9"))
    qtbot.addWidget(phone)
    page = phone.android
    for wrong in ("ab#9", "Ab#8", "Ab#9 "):
        page.pin.setText(wrong)
        page.challenge.setText("12345678")
        qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
        assert page.response.text() == ""
        assert page.problem.text() != ""
    page.pin.setText("Ab#8")
    qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
    assert page.problem.text() == "Invalid PIN. Try again."


def test_ib_key_android_pin_field_takes_at_most_six_characters(qtbot: QtBot) -> None:
    phone = IbKeySimulator(IB_KEY)
    qtbot.addWidget(phone)
    qtbot.keyClicks(phone.android.pin, "12345678")
    assert phone.android.pin.text() == "123456"


@pytest.mark.parametrize("typed", ["25", "258", "25 80", "25\u00e980"])
def test_ib_key_android_tells_the_pin_rule_for_a_pin_of_the_wrong_shape(
    qtbot: QtBot, typed: str
) -> None:
    phone = IbKeySimulator(IB_KEY)
    qtbot.addWidget(phone)
    page = phone.android
    page.pin.setText(typed)
    page.challenge.setText("12345678")
    qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
    assert page.problem.text() == (
        "A PIN has 4 to 6 characters: letters, digits or symbols. Try again."
    )
    assert page.response.text() == ""
    assert page.pin.text() == ""


@pytest.mark.parametrize(
    ("simulator", "pin"),
    [
        (IbKeySimulator, "258"),
        (IbKeySimulator, "2580147"),
        (IbKeySimulator, "25 80"),
        (DscPlusSimulator, "12345"),
        (DscPlusSimulator, "Ab#9"),
    ],
)
def test_a_simulator_refuses_a_device_with_a_pin_its_kind_does_not_take(
    simulator: type[IbKeySimulator] | type[DscPlusSimulator], pin: str
) -> None:
    with pytest.raises(ValueError, match="PIN has") as refused:
        simulator(SimulatedOcraDevice("device", IB_KEY_KEY, pin))
    assert pin not in str(refused.value)


@pytest.mark.parametrize(
    "challenge",
    ["1234", "1234567a", "abcdefgh", "", "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"],
)
def test_ib_key_explains_a_bad_challenge(qtbot: QtBot, challenge: str) -> None:
    phone = IbKeySimulator(IB_KEY)
    qtbot.addWidget(phone)
    phone.android.pin.setText("2580")
    phone.android.challenge.setText(challenge)
    qtbot.mouseClick(phone.android.generate, Qt.MouseButton.LeftButton)
    assert "8-digit challenge" in phone.android.problem.text()
    assert phone.android.response.text() == ""


def test_ib_key_with_one_user_offers_no_choice(qtbot: QtBot) -> None:
    phone = IbKeySimulator(SimulatedOcraDevice("IB Key", IB_KEY_KEY, "2580", user="demo"))
    qtbot.addWidget(phone)
    phone.show()
    assert not phone.users.isVisible()
    assert phone.windowTitle() == "IB Key - demo"
    assert [phone.platforms.tabText(i) for i in range(2)] == ["Android", "iOS"]


def test_ib_key_holds_several_users_and_answers_with_the_one_picked(qtbot: QtBot) -> None:
    """As IBKR Mobile holds IB Key for several users: each response uses that user's key and
    PIN (the demo's ``solo`` was refused while the app answered with ``demo``'s key)."""
    demo = SimulatedOcraDevice("IB Key on my phone", IB_KEY_KEY, "2580", user="demo")
    solo = SimulatedOcraDevice("IB Key", SOLO_KEY, "4321", user="solo")
    phone = IbKeySimulator([demo, solo])
    qtbot.addWidget(phone)
    phone.show()
    assert phone.users.isVisible()
    assert [phone.users.itemText(i) for i in range(phone.users.count())] == ["demo", "solo"]
    assert phone.user_caption.buddy() is phone.users  # Alt+U
    assert phone.windowTitle() == "IB Key - demo"
    page = phone.android
    page.challenge.setText("12345678")
    page.pin.setText("2580")
    qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
    assert page.response.text() == ocra.compute_response(
        IB_KEY_OCRA_SUITE, IB_KEY_KEY, "12345678", pin="2580"
    )
    phone.users.setCurrentIndex(1)
    assert phone.windowTitle() == "IB Key - solo"
    assert page.response.text() == ""  # nothing of the other user stays on screen
    assert page.challenge.text() == ""
    page.challenge.setText("12345678")
    page.pin.setText("2580")  # demo's PIN is not solo's
    qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
    assert page.problem.text() == "Invalid PIN. Try again."
    page.pin.setText("4321")
    with qtbot.waitSignal(phone.responseShown) as shown:
        qtbot.mouseClick(page.generate, Qt.MouseButton.LeftButton)
    assert shown.args == [
        ocra.compute_response(IB_KEY_OCRA_SUITE, SOLO_KEY, "12345678", pin="4321")
    ]
    # iOS: Touch ID releases the PIN of the user picked.
    phone.select_user("demo")
    phone.platforms.setCurrentWidget(phone.ios)
    phone.ios.challenge.setText("87654321")
    qtbot.mouseClick(phone.ios.generate, Qt.MouseButton.LeftButton)
    phone.select_user("solo")
    assert not phone.ios.touch_id.isVisible()  # a switch cancels the prompt
    phone.ios.challenge.setText("87654321")
    qtbot.mouseClick(phone.ios.generate, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(phone.responseShown) as shown:
        qtbot.mouseClick(phone.ios.touch_id, Qt.MouseButton.LeftButton)
    assert shown.args == [
        ocra.compute_response(IB_KEY_OCRA_SUITE, SOLO_KEY, "87654321", pin="4321")
    ]


def test_ib_key_refuses_an_unknown_user_and_no_device(qtbot: QtBot) -> None:
    phone = IbKeySimulator([SimulatedOcraDevice("IB Key", IB_KEY_KEY, "2580", user="demo")])
    qtbot.addWidget(phone)
    with pytest.raises(ValueError, match="no device of the user 'nobody'"):
        phone.select_user("nobody")
    with pytest.raises(ValueError, match="at least one device"):
        IbKeySimulator([])


def test_ib_key_in_chinese(qtbot: QtBot) -> None:
    phone = IbKeySimulator(
        [
            SimulatedOcraDevice("IB Key on my phone", IB_KEY_KEY, "2580", user="demo"),
            SimulatedOcraDevice("IB Key", SOLO_KEY, "4321", user="solo"),
        ]
    )
    qtbot.addWidget(phone)
    translations = Translations()
    assert translations.apply("zh_CN")
    try:
        qtbot.waitUntil(lambda: phone.user_caption.text() == "用户(&U):")
        assert [phone.platforms.tabText(i) for i in range(2)] == ["安卓", "iOS"]
        assert phone.title.text() == "移动IBKR · 验证"
    finally:
        translations.apply("en")


# --- Security Code Card ---------------------------------------------------------------------


def test_code_card_viewer_shows_every_value(qtbot: QtBot) -> None:
    card = generate_card()
    viewer = CodeCardViewer("Security Code Card", card)
    qtbot.addWidget(viewer)
    for index, value in card.values.items():
        assert viewer.value_at(index) == value


def test_code_card_prints_to_pdf(qtbot: QtBot, tmp_path: Path) -> None:
    card = generate_card()
    viewer = CodeCardViewer("My card", card)
    qtbot.addWidget(viewer)
    pdf = tmp_path / "card.pdf"
    save_pdf(pdf, viewer.render_pdf())  # what the Print to PDF button does, on the worker
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 5_000
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert card.values[1] in text


def test_code_card_print_to_a_missing_folder_is_an_error(qtbot: QtBot, tmp_path: Path) -> None:
    viewer = CodeCardViewer("My card", generate_card())
    qtbot.addWidget(viewer)
    with pytest.raises(OSError, match="does not exist"):
        save_pdf(tmp_path / "no-such-folder" / "card.pdf", viewer.render_pdf())


# --- Phone -----------------------------------------------------------------------------------


def test_phone_shows_an_sms_that_arrives_after_it_opened(qtbot: QtBot, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    phone = PhoneWindow(outbox, "+15555550100")
    qtbot.addWidget(phone)
    qtbot.waitUntil(lambda: not phone._reading)
    assert phone.message_count() == 0
    with qtbot.waitSignal(phone.messagesChanged, timeout=10_000) as changed:
        write_message(outbox, "sms", "+15555550100", "Your security code is 123456.")
    assert changed.args == [1]
    write_message(outbox, "sms", "+15555550999", "Someone else's code 999999.")
    write_message(outbox, "sms", "+15555550100", "Your security code is 654321.")
    qtbot.waitUntil(lambda: phone.message_count() == 2, timeout=10_000)
    texts = [card.message.text for card in phone.cards]
    assert texts == ["Your security code is 654321.", "Your security code is 123456."]


def fake_player(folder: Path) -> Path:
    """A stand-in audio player that records what it was asked to play."""
    script = folder / "play"
    played = folder / "played"  # written whole, then renamed: seen complete or not at all
    script.write_text(f'#!/bin/sh\necho "$1" > "{played}.tmp"; mv "{played}.tmp" "{played}"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def voice_message(outbox: Path) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / "call.wav").write_bytes(b"RIFF")
    write_message(outbox, "voice", "+15555550100", "Your code is 1, 2, 3.", audio_name="call.wav")
    return outbox / "call.wav"


def test_phone_plays_a_call_with_the_systems_player(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    player = fake_player(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    monkeypatch.setattr(
        "tws_companion.gui.simulators.phone.AUDIO_PLAYERS", (player.name,), raising=True
    )
    wav = voice_message(tmp_path / "outbox")
    phone = PhoneWindow(tmp_path / "outbox")
    qtbot.addWidget(phone)
    qtbot.waitUntil(lambda: phone.message_count() == 1, timeout=10_000)
    qtbot.mouseClick(phone.cards[0].play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (tmp_path / "played").exists(), timeout=10_000)
    assert (tmp_path / "played").read_text().strip() == str(wav)
    assert phone.cards[0].transcript.isHidden()


def test_phone_plays_a_call_again_after_the_first_play_ended(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    player = fake_player(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    monkeypatch.setattr("tws_companion.gui.simulators.phone.AUDIO_PLAYERS", (player.name,))
    wav = voice_message(tmp_path / "outbox")
    phone = PhoneWindow(tmp_path / "outbox")
    qtbot.addWidget(phone)
    qtbot.waitUntil(lambda: phone.message_count() == 1, timeout=10_000)
    played = tmp_path / "played"
    qtbot.mouseClick(phone.cards[0].play, Qt.MouseButton.LeftButton)
    first = phone.player
    assert first is not None
    gone: list[bool] = []
    first.destroyed.connect(lambda: gone.append(True))
    qtbot.waitUntil(lambda: bool(gone), timeout=10_000)  # ended, then deleted
    assert phone.player is None
    assert played.read_text().strip() == str(wav)
    played.unlink()
    qtbot.mouseClick(phone.cards[0].play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(played.exists, timeout=10_000)
    assert played.read_text().strip() == str(wav)


def test_phone_shows_the_transcript_without_a_player(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tws_companion.gui.simulators.phone.AUDIO_PLAYERS", ("no-such-player",))
    voice_message(tmp_path / "outbox")
    phone = PhoneWindow(tmp_path / "outbox")
    qtbot.addWidget(phone)
    phone.show()
    qtbot.waitUntil(lambda: phone.message_count() == 1, timeout=10_000)
    qtbot.mouseClick(phone.cards[0].play, Qt.MouseButton.LeftButton)
    transcript = phone.cards[0].transcript
    assert not transcript.isHidden()
    assert phone.cards[0].why.text() == "No audio player on this system; transcript:"
    assert transcript.text() == "Your code is 1, 2, 3."  # not worded by the SLS: as it came


def test_print_button_saves_off_the_gui_thread_and_reports_failure(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = CodeCardViewer("My card", generate_card())
    qtbot.addWidget(viewer)
    chosen = [str(tmp_path / "card.pdf"), str(tmp_path / "gone" / "card.pdf")]
    monkeypatch.setattr(
        "tws_companion.gui.simulators.code_card.QFileDialog.getSaveFileName",
        lambda *args: (chosen.pop(0), ""),
    )
    warnings: list[str] = []
    monkeypatch.setattr(
        "tws_companion.gui.simulators.code_card.QMessageBox.warning",
        lambda parent, title, text: warnings.append(text),
    )
    qtbot.mouseClick(viewer.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (tmp_path / "card.pdf").exists(), timeout=10_000)
    assert (tmp_path / "card.pdf").read_bytes().startswith(b"%PDF")
    qtbot.mouseClick(viewer.print_button, Qt.MouseButton.LeftButton)  # the stick was pulled
    qtbot.waitUntil(lambda: bool(warnings), timeout=10_000)
    assert "could not be saved" in warnings[0]
    assert "does not exist" in warnings[0]


def test_a_closed_phone_reads_no_more_messages_after_its_worker_is_gone(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The app closes the phone, then deletes its worker: a poll that came later used to call
    the deleted worker (an error in the Qt event loop)."""
    from shiboken6 import delete

    from tws_companion.gui.worker import Worker

    worker = Worker()
    phone = PhoneWindow(tmp_path / "outbox", None, worker)
    qtbot.addWidget(phone)
    phone.show()
    qtbot.waitUntil(lambda: not worker.busy)
    phone.close()
    worker.shutdown()
    delete(worker)
    phone.timer.timeout.emit()
    phone.refresh()
    (tmp_path / "outbox").mkdir()
    write_message(tmp_path / "outbox", channel="sms", to="+15555550100", text="code 123456")
    assert phone.message_count() == 0
    assert not phone.timer.isActive()
