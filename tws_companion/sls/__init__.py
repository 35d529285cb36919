"""The Secure Login System rules in plain Python: no Qt, no HTTP, no database."""
