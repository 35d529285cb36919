"""The workstation window opened after a login (panels and layouts arrive with the next issue).

Signals of WorkstationWindow: loggedOut() — after File > Log Out has ended the session.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from tws_companion.client.api import ApiClient
from tws_companion.gui.login_dialog import LoginResult
from tws_companion.gui.worker import Worker


class WorkstationWindow(QMainWindow):
    loggedOut = Signal()

    def __init__(
        self, result: LoginResult, api: ApiClient, worker: Worker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.result = result
        self.api = api
        self.worker = worker
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(self.heading)
        layout.addWidget(self.details, 1)
        self.setCentralWidget(body)
        self.file_menu = self.menuBar().addMenu("")
        self.logout_action = QAction(self)
        self.logout_action.triggered.connect(self.log_out)
        self.file_menu.addAction(self.logout_action)
        self.resize(720, 420)
        self.retranslate()

    @Slot()
    def log_out(self) -> None:
        """End the session on the server (on the worker), then close."""
        self.logout_action.setEnabled(False)
        task = self.worker.submit("logout", self.api.logout, self.result.session.token)
        task.finished.connect(self._logged_out)

    @Slot()
    def _logged_out(self) -> None:
        self.loggedOut.emit()
        self.close()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("TWS Companion Workstation"))
        self.file_menu.setTitle(self.tr("&File"))
        self.logout_action.setText(self.tr("Log Out"))
        self.heading.setText(self.tr("Logged in as {user}").format(user=self.result.username))
        scope = (
            self.tr("full access")
            if self.result.session.scope.value == "full"
            else self.tr("Client Portal only, to print the Online Security Code Card")
        )
        self.details.setText(
            self.tr(
                "Server: {server}\nSession: {scope}\nSettings on server: {server_settings}\n\n"
                "The workstation's panels and layout settings come with the next release."
            ).format(
                server=self.result.server,
                scope=scope,
                server_settings=self.tr("yes")
                if self.result.use_server_settings
                else self.tr("no"),
            )
        )
