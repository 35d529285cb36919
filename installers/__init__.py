"""Release tooling: the PyInstaller bundle and the packages made from it (``python -m
installers.build``; ``./dev package`` for the Linux ones). Never imported by the app."""
