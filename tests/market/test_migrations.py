"""Alembic owns the schema: upgrade head on an empty database equals the models; downgrade works."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from market import migrate
from market.database import open_sync_engine
from market.models import Base


def test_upgrade_head_on_an_empty_database_equals_the_models(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    engine = open_sync_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
    assert migrate.current_revision(empty_database_url) == migrate.head_revision()


def test_upgrade_ships_the_category_taxonomy(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    engine = open_sync_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            names = dict(connection.execute(text("SELECT code, name FROM categories")).all())
            skills = {row[0] for row in connection.execute(text("SELECT code FROM skills"))}
            implied = connection.execute(text("SELECT skills FROM categories WHERE code = 'repair'")).scalar()
    finally:
        engine.dispose()
    assert {"生活帮扶", "助老助残", "维修服务", "就医陪护", "心理疏导", "法律咨询", "教育辅导", "环境卫生", "物资心愿"} <= set(names.values())
    assert len(names) >= 20
    implied = implied if isinstance(implied, list) else __import__("json").loads(implied)
    assert implied and set(implied) <= skills


def test_downgrade_base_removes_every_table(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    migrate.downgrade(empty_database_url, "base")
    engine = open_sync_engine(empty_database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert migrate.current_revision(empty_database_url) is None
    migrate.upgrade(empty_database_url)  # and back up again
    assert migrate.current_revision(empty_database_url) == migrate.head_revision()
