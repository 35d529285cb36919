"""TWS Companion: Secure Login System client and server, layout settings, support tools."""

__version__ = "0.1.0"
