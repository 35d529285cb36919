"""PyInstaller's own hook for this Qt module, less the parts of Qt the app does not use."""

from installers.bundle import qt_hook

hiddenimports, binaries, datas = qt_hook(__file__)
