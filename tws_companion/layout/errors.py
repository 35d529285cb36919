"""Why a settings file was refused, as types: each front end words them for its user.

The messages here are English and say what to do; the GUI shows its own translated text chosen by
the error's type (never the file's content, which could hold anything).
"""

from __future__ import annotations

__all__ = [
    "CorruptSettingsFile",
    "LayoutError",
    "NewerVersionFile",
    "NotASettingsFile",
    "OtherUsersFile",
    "SettingsFileTooLarge",
    "SettingsKeyMissing",
    "TamperedFile",
]


class LayoutError(Exception):
    """A settings file could not be read (or written); the current layout is untouched."""


class NotASettingsFile(LayoutError):
    """The file is not a TWS Companion settings file at all."""

    def __init__(self, detail: str = "") -> None:
        text = (
            "This is not a TWS Companion settings file. Choose a file saved with Save Settings As."
        )
        super().__init__(f"{text} ({detail})" if detail else text)


class CorruptSettingsFile(LayoutError):
    """A settings file whose content is broken (cut short by a crash or a full disk, edited)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"The settings file is damaged and cannot be read: {detail}")
        self.detail = detail


class SettingsFileTooLarge(LayoutError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"The settings file is too large ({size:,} bytes; the limit is {limit:,} bytes)."
        )
        self.size = size
        self.limit = limit


class NewerVersionFile(LayoutError):
    def __init__(self, version: int, supported: int) -> None:
        super().__init__(
            f"The settings file was written by a newer version of TWS Companion (format "
            f"{version}; this version reads up to {supported}). Update TWS Companion to open it."
        )
        self.version = version
        self.supported = supported


class OtherUsersFile(LayoutError):
    """An encrypted file of another user: only its owner can open it."""

    def __init__(self, owner: str) -> None:
        super().__init__(
            f"This file holds the encrypted settings of another user ({owner}). Ask them to save "
            "it with File > Layout Settings > Save Decrypted Settings As, then open that file."
        )
        self.owner = owner


class TamperedFile(LayoutError):
    """An encrypted file that fails authentication: changed after it was saved, or cut short."""

    def __init__(self) -> None:
        super().__init__(
            "The encrypted settings file has been changed or damaged since it was saved and "
            "cannot be opened. Use another copy (a backup, or save it again on the first machine)."
        )


class SettingsKeyMissing(LayoutError):
    """The user's settings key is not on this machine yet."""

    def __init__(self, username: str) -> None:
        super().__init__(
            f"The settings key of {username} is not on this machine. Log in once with a security "
            "device (it is fetched from the server and kept in the system keyring), then try again."
        )
        self.username = username
