"""The scheduler across real processes: a sweep killed midway, and a standby taking over the lease."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from market.database import Database
from market.models import Notification, Offer
from market.orders.expiry import expire_offers
from market.scheduler import lease
from market.settings import Settings
from tests.market.sweeps import check_orders_agree_with_offers, due_offers
from tests.market.world import START, World

ROOT = Path(__file__).resolve().parents[2]


async def wait_until(condition: Callable[[], Awaitable[bool]], timeout_s: float = 30.0) -> None:
    """Poll another process's progress until `condition` holds (its work, not a time, is awaited)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timeout_s
    while not await condition():
        assert loop.time() < give_up, "the other process did not get there"
        await asyncio.sleep(0.005)


async def _expired(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return await session.scalar(select(func.count()).where(Offer.status == "expired")) or 0


async def test_a_sweep_killed_midway_leaves_no_half_done_order_and_the_next_run_finishes(
        world: World, database: Database) -> None:
    total = 3000
    await due_offers(database, world, count=total, due_at=START)
    child = subprocess.Popen([sys.executable, "-m", "tests.market.sweep_child", database.url, START.isoformat(), "20"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    async def partly_done() -> bool:
        return await _expired(database) > 0 or child.poll() is not None

    await wait_until(partly_done)
    child.send_signal(signal.SIGKILL)
    child.wait()
    done_before = await _expired(database)
    assert 0 < done_before < total, "the kill came too late to land midway"
    async with database.transaction(write=False) as session:
        await check_orders_agree_with_offers(session)
        assert await session.scalar(select(func.count()).select_from(Notification)) == done_before

    assert await expire_offers(database, START) == {"expired": total - done_before}
    async with database.transaction(write=False) as session:
        await check_orders_agree_with_offers(session)
        assert await session.scalar(select(func.count()).select_from(Notification)) == total


async def test_a_standby_takes_the_lease_within_its_time_and_one_heartbeat_of_the_holders_death(
        database: Database, settings: Settings, tmp_path: Path) -> None:
    lease_seconds, heartbeat = 3, 1
    environment = {**os.environ, "MARKET_DATABASE_URL": database.url, "MARKET_DATA_DIR": str(tmp_path),
                   "MARKET_LEASE_SECONDS": str(lease_seconds), "MARKET_SWEEP_SECONDS": "60",
                   "MARKET_LOG_LEVEL": "WARNING"}
    start = [sys.executable, "-m", "market.cli", "scheduler"]
    first = subprocess.Popen(start, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    second = None
    try:
        async def held_by(process: subprocess.Popen) -> bool:
            held = await lease.current(database)
            return held is not None and f":{process.pid}:" in held.holder

        await wait_until(lambda: held_by(first))
        second = subprocess.Popen(start, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        killed_at = datetime.now(UTC)
        first.send_signal(signal.SIGKILL)
        first.wait()
        dead = await lease.current(database)
        assert dead is not None and f":{first.pid}:" in dead.holder
        await wait_until(lambda: held_by(second))
        taken = await lease.current(database)
        assert taken is not None
        # Never before the dead holder's lease ran out, and within the lease time plus one heartbeat of the kill.
        assert dead.expires_at <= taken.acquired_at <= killed_at + timedelta(seconds=lease_seconds + heartbeat)
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
