"""Alembic's environment: migrates the database the service is configured for, synchronously."""

from __future__ import annotations

import os
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext

from market.database import open_sync_engine
from market.models import Base
from market.models.base import UTCDateTime
from market.settings import SettingsError, load_settings

config = context.config


def _database_url() -> str:
    given = config.attributes.get("database_url")
    if given:
        return given
    try:
        environ = {**os.environ, "MARKET_SECRET_KEY": "x" * 32}  # the key plays no part in migrating
        return load_settings(environ).database_url
    except SettingsError as error:
        raise SystemExit(f"alembic: {error}") from None


def render_item(type_: str, item: Any, autogen_context: AutogenContext) -> str | bool:
    """Revisions spell our UTC type as the plain DateTime it is stored as, so they never import models."""
    if type_ == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    engine = open_sync_engine(_database_url())
    try:
        with engine.connect() as connection:
            # Batch mode lets later revisions alter SQLite tables by copying them; SQLite's DDL is
            # transactional, so a failed revision leaves nothing behind on either database.
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                              transactional_ddl=True, render_item=render_item)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("alembic: offline (--sql) mode is not supported; run against a database")
run_migrations_online()
