"""The Alembic revisions, oldest first: ``rNNNN_what_it_does.py``, each written out by hand."""
