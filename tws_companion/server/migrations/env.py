"""Alembic's environment script: runs the revisions on the connection that ``migrate`` opened.

Alembic loads this file itself (it is never imported); ``migrate`` in this package hands over its
connection, already inside the transaction that holds the migration lock, through
``Config.attributes``. No ``alembic.ini`` is involved.
"""

from __future__ import annotations

from alembic import context

context.configure(connection=context.config.attributes["connection"], target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
