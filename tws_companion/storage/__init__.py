"""Where things live: data paths, secrets, atomic file writes, the development outbox, backups.

Nothing in this package imports Qt, requests or FastAPI.
"""
