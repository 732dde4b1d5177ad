"""Engines and sessions: SQLite's pragmas and BEGIN IMMEDIATE, PostgreSQL through its URL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Insert, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# A writer waits this long for SQLite's lock before failing; long enough for any one transaction.
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Engines built from one of these execution options begin with a plain (deferred) BEGIN.
READ_ONLY = "market_read_only"
SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


def open_engine(database_url: str) -> AsyncEngine:
    """The service's async engine; on SQLite the file's folder is created if missing."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    _make_parent_folder(url.database)
    engine = create_async_engine(url, pool_size=5, max_overflow=10, pool_timeout=60)
    _install_sqlite_rules(engine.sync_engine)
    return engine


def open_sync_engine(database_url: str) -> Engine:
    """A synchronous engine on the same database, for Alembic and the command line."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    url = url.set(drivername=SYNC_DRIVERS[backend])
    if backend != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    _make_parent_folder(url.database)
    engine = create_engine(url)
    _install_sqlite_rules(engine)
    return engine


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool, but its transactions do not take SQLite's write lock up front."""
    return engine.execution_options(**{READ_ONLY: True})


def _make_parent_folder(database: str | None) -> None:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _install_sqlite_rules(engine: Engine) -> None:
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own BEGIN is switched off so that _on_sqlite_begin decides the kind of BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # In WAL mode NORMAL keeps every commit through a process crash; only a power loss can undo the last.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    # A deferred BEGIN that later writes can fail with "database is locked" without waiting for
    # busy_timeout; taking the write lock first makes writers queue instead.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The engine of one database and the session factories the service uses on it."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = open_engine(database_url)
        self.kind = self.engine.dialect.name
        self.writer = async_sessionmaker(self.engine, expire_on_commit=False)
        self.reader = async_sessionmaker(read_only(self.engine), expire_on_commit=False)
        # SQLite has one writer at a time. Writers of this process queue here, in order, instead of
        # in SQLite's busy handler, which sleeps in growing steps and wakes long after the lock is free.
        # Other processes (the scheduler, the CLI) still meet busy_timeout.
        self._sqlite_writers = asyncio.Lock() if self.kind == "sqlite" else None
        # For batch work done in one worker-thread hop instead of one hop per statement.
        self.sync_engine = open_sync_engine(database_url)

    @asynccontextmanager
    async def write_turn(self) -> AsyncIterator[None]:
        """This process's turn to write (SQLite has one writer); free on PostgreSQL."""
        if self._sqlite_writers is None:
            yield
            return
        async with self._sqlite_writers:
            yield

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        maker = self.writer if write else self.reader
        async with AsyncExitStack() as stack:
            if write:
                await stack.enter_async_context(self.write_turn())
            session = await stack.enter_async_context(maker())
            await stack.enter_async_context(session.begin())
            yield session

    async def in_batches(self, batch: Callable[[AsyncSession], Awaitable[tuple[int, int]]], batch_size: int) -> int:
        """A sweeper's batches, one transaction each, until one finds fewer than `batch_size` rows due.

        `batch` answers how many rows were due and how many it changed; the changed are summed."""
        changed = 0
        while True:
            async with self.transaction() as session:
                due, done = await batch(session)
            changed += done
            if due < batch_size:
                return changed

    async def dispose(self) -> None:
        await self.engine.dispose()
        self.sync_engine.dispose()


def insert_ignoring(dialect_name: str, model: Any, unique: list[str]) -> Insert:
    """INSERT … ON CONFLICT (unique) DO NOTHING, in the dialect of the database at hand."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing(index_elements=unique)
