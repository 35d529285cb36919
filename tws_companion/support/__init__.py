"""Support: redacted login traces, the diagnostics bundle, and the places they are kept.

Plain Python: nothing here imports Qt or an HTTP library (``.importlinter``). What only the GUI
knows (the Qt version, the screens, the language shown) is handed in as a
:class:`~tws_companion.support.environment.DisplayInfo`.
"""
