"""The PySide6 desktop GUI: login dialog, device simulators, workstation window."""
