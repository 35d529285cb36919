"""What the GUI says about the settings on the server: why a transfer failed, when a copy was
saved (in local time) and how far a transfer has come, in the user's language.

Shared by :mod:`tws_companion.gui.server_settings` (uploads, the download at login) and
:mod:`tws_companion.gui.recovery_dialog` (the server's versions).
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from tws_companion.client.errors import (
    ApiError,
    ClientError,
    PayloadTooLarge,
    ScopeDenied,
    SettingsTooLarge,
    TransferInterrupted,
    Unauthorized,
)
from tws_companion.gui.layout_dialogs import data_size, describe_storage_error
from tws_companion.gui.messages import describe_failure
from tws_companion.layout.errors import (
    LayoutError,
    OtherUsersFile,
    SettingsKeyMissing,
    TamperedFile,
)
from tws_companion.storage.errors import StorageError

__all__ = ["describe_server_error", "progress_text", "saved_time"]


def describe_server_error(error: BaseException) -> str:
    """Why a transfer of the settings failed, in the user's language (never a secret: the
    client's errors carry none)."""
    if isinstance(error, TransferInterrupted):
        return QCoreApplication.translate(
            "ServerMessages",
            "The connection to the server was lost during the transfer. Try again.",
        )
    if isinstance(error, SettingsTooLarge):
        return QCoreApplication.translate(
            "ServerMessages",
            "The settings are too large to store on the server ({size}; the server keeps at "
            "most {limit}). Remove some workspaces or notes, then try again.",
        ).format(size=data_size(error.size), limit=data_size(error.limit))
    if isinstance(error, PayloadTooLarge):
        return QCoreApplication.translate(
            "ServerMessages", "The settings are too large to store on the server."
        )
    if isinstance(error, Unauthorized):
        return QCoreApplication.translate(
            "ServerMessages",
            "Your session has ended. Log out, then log in again to use the settings on the server.",
        )
    if isinstance(error, ScopeDenied):
        return QCoreApplication.translate(
            "ServerMessages", "This login does not allow settings on the server."
        )
    if isinstance(error, ApiError):
        return QCoreApplication.translate(
            "ServerMessages", "The server refused the request: {message}"
        ).format(message=error.message)
    if isinstance(error, ClientError):
        return describe_failure(error)
    if isinstance(error, TamperedFile):
        return QCoreApplication.translate(
            "ServerMessages",
            "The copy on the server has been changed or damaged since it was saved, so it was "
            "not used.",
        )
    if isinstance(error, OtherUsersFile):
        return QCoreApplication.translate(
            "ServerMessages",
            "The copy on the server holds another user's settings, so it was not used.",
        )
    if isinstance(error, SettingsKeyMissing):
        return QCoreApplication.translate(
            "ServerMessages",
            "Your settings key is not on this computer, so the copy on the server cannot be "
            "opened. Log out, then log in again with your security device.",
        )
    if isinstance(error, LayoutError):
        return QCoreApplication.translate(
            "ServerMessages", "The copy on the server cannot be opened."
        )
    if isinstance(error, StorageError | OSError):
        return describe_storage_error(error)
    return QCoreApplication.translate("ServerMessages", "Something went wrong ({kind}).").format(
        kind=type(error).__name__
    )


def local_datetime(saved_at: datetime) -> QDateTime:
    """``saved_at`` (UTC when it has no zone) as a local date and time."""
    if saved_at.tzinfo is None:
        saved_at = saved_at.replace(tzinfo=UTC)
    return QDateTime.fromMSecsSinceEpoch(round(saved_at.timestamp() * 1000)).toLocalTime()


def saved_time(saved_at: datetime) -> str:
    """When something (a backup, a version on the server) was saved, in local time:
    '12/05/2024 14:03:22'."""
    when = local_datetime(saved_at)
    locale = QLocale()
    return "{} {}".format(
        locale.toString(when.date(), QLocale.FormatType.ShortFormat),
        locale.toString(when.time(), "HH:mm:ss"),
    )


def progress_text(action: str, done: int, total: int) -> str:
    """'Uploading settings to the server… 1.20 MB of 5.00 MB'."""
    if total <= 0:
        return action
    return QCoreApplication.translate("ServerMessages", "{action} {done} of {total}").format(
        action=action, done=data_size(done), total=data_size(total)
    )
