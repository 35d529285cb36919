"""TWS Companion: Secure Login System client and server, layout settings, support tools.

``__version__`` is the one version number: ``pyproject.toml`` reads it from here
(``[tool.setuptools.dynamic]``), and ``--version``, the About box, the server's ``GET /health``,
the client's User-Agent, the support bundles, the login traces and the installers
(``installers/``) all take it from here, so a release changes this line and nothing else.
"""

__version__ = "0.1.0"
