"""The database layer: SQLite's pragmas, BEGIN IMMEDIATE for writers, foreign keys, UTC times."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from market.database import SQLITE_BUSY_TIMEOUT_MS, Database
from market.models import Area, JobRun

sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])


def _sqlite_path(database: Database) -> str:
    return database.url.split("///", 1)[1]


@sqlite_only
async def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(database: Database) -> None:
    async with database.transaction(write=False) as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await session.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL


@sqlite_only
async def test_a_write_transaction_takes_the_write_lock_when_it_begins(database: Database) -> None:
    other = sqlite3.connect(_sqlite_path(database), timeout=0, isolation_level=None)
    try:
        async with database.transaction() as session:
            await session.execute(text("SELECT 1"))  # only reads, yet the lock is held from BEGIN
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


@sqlite_only
async def test_a_read_transaction_does_not_block_writers(database: Database) -> None:
    other = sqlite3.connect(_sqlite_path(database), timeout=0, isolation_level=None)
    try:
        async with database.transaction(write=False) as session:
            await session.execute(text("SELECT count(*) FROM areas"))
            other.execute("BEGIN IMMEDIATE")  # would raise "database is locked" if the reader held the lock
            assert other.in_transaction
            other.execute("ROLLBACK")
    finally:
        other.close()


async def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            session.add(Area(parent_id=999_999, level="grid", code="orphan", name="孤儿网格", path="/x/"))
    async with database.transaction(write=False) as session:
        assert (await session.scalars(select(Area))).all() == []


async def test_times_come_back_aware_in_utc(database: Database) -> None:
    beijing = timezone(timedelta(hours=8))
    started = datetime(2026, 11, 23, 9, 30, tzinfo=beijing)
    async with database.transaction() as session:
        session.add(JobRun(job_id="probe", started_at=started, outcome="ok", counts={}))
    async with database.transaction(write=False) as session:
        run = (await session.scalars(select(JobRun))).one()
    assert run.started_at == started
    assert run.started_at.tzinfo == UTC and run.started_at.hour == 1


async def test_a_naive_time_is_refused_and_nothing_is_written(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with database.transaction() as session:
            session.add(JobRun(job_id="probe", started_at=datetime(2026, 1, 1), outcome="ok", counts={}))
    async with database.transaction(write=False) as session:
        assert (await session.scalars(select(JobRun))).all() == []
