"""Alembic revisions: the only way the schema changes."""
