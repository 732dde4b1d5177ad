"""The database a benchmark runs on: a SQLite file in its folder, or a throwaway PostgreSQL cluster."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from tests import pgcluster


def bench_database(backend: str, folder: Path) -> tuple[str, Callable[[], None]]:
    """The database's URL, and what stops it when the benchmark is done."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{folder / 'bench.db'}", lambda: None
    cluster, admin_url = pgcluster.start()
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CREATE DATABASE bench"))
    engine.dispose()
    url = make_url(admin_url).set(database="bench").render_as_string(hide_password=False)
    return url, lambda: pgcluster.stop(cluster)
