"""The scheduler: how its jobs are defined, the lease between processes, and catching up after downtime."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from market.clock import ManualClock
from market.database import Database
from market.models import JobRun
from market.scheduler import lease
from market.scheduler.jobs import JOBS
from market.scheduler.service import HEARTBEAT_JOB, Scheduler
from market.settings import Settings
from tests.market.sweeps import due_offers
from tests.market.world import START, World


async def test_every_job_has_a_fixed_id_one_run_at_a_time_coalesced_and_an_explicit_grace(
        database: Database, settings: Settings, clock: ManualClock) -> None:
    scheduler = Scheduler(database, settings, clock)
    await scheduler.start()
    try:
        jobs = {job.id: job for job in scheduler.apscheduler.get_jobs()}
        assert set(jobs) == {HEARTBEAT_JOB, *JOBS}
        for job in jobs.values():
            assert isinstance(job.trigger, IntervalTrigger)
            interval = job.trigger.interval.total_seconds()
            assert (job.coalesce, job.max_instances) == (True, 1)
            # APScheduler's default grace of 1 s would silently skip a run that starts a little late.
            assert job.misfire_grace_time is not None and job.misfire_grace_time >= max(interval, 2)
            assert all(isinstance(arg, str) and arg in JOBS for arg in job.args)  # ids only, nothing personal
    finally:
        await scheduler.stop()


async def test_only_one_holder_has_the_lease_until_it_lapses(database: Database) -> None:
    assert await lease.hold(database, "a", START, seconds=30)
    assert not await lease.hold(database, "b", START + timedelta(seconds=10), seconds=30)
    assert await lease.hold(database, "a", START + timedelta(seconds=20), seconds=30)  # renewed to 0:50
    assert not await lease.hold(database, "b", START + timedelta(seconds=49), seconds=30)
    assert await lease.hold(database, "b", START + timedelta(seconds=50), seconds=30)
    assert not await lease.hold(database, "a", START + timedelta(seconds=51), seconds=30)
    held = await lease.current(database)
    assert held is not None and (held.holder, held.acquired_at) == ("b", START + timedelta(seconds=50))


async def test_two_schedulers_take_the_lease_at_once_and_one_wins(database: Database) -> None:
    others = [Database(database.url) for _ in range(3)]
    try:
        won = await asyncio.gather(*(lease.hold(db, f"s{n}", START, 30) for n, db in enumerate([database, *others])))
    finally:
        for other in others:
            await other.dispose()
    assert sorted(won) == [False, False, False, True]


async def test_a_standby_runs_no_job_and_a_stopped_holder_lets_go(database: Database, settings: Settings,
                                                                  clock: ManualClock) -> None:
    active, standby = Scheduler(database, settings, clock, "active"), Scheduler(database, settings, clock, "standby")
    await active.start()
    await standby.start()
    try:
        assert active.active and not standby.active
        await standby.run("offer_expiry")
        async with database.transaction(write=False) as session:
            assert "standby" not in (await session.scalars(select(JobRun.runner))).all()
        await active.stop()
        await standby.heartbeat()
        assert standby.active
    finally:
        await active.stop()
        await standby.stop()


async def test_after_downtime_one_coalesced_run_handles_every_deadline_that_passed(
        world: World, database: Database, settings: Settings, clock: ManualClock) -> None:
    await due_offers(database, world, count=500, due_at=START)
    clock.set(START + timedelta(minutes=30))  # the scheduler was down while all 500 fell due
    scheduler = Scheduler(database, settings, clock)
    executed: asyncio.Queue[str] = asyncio.Queue()
    missed: list[str] = []

    def heard(event: JobExecutionEvent) -> None:
        (missed.append if event.code == EVENT_JOB_MISSED else executed.put_nowait)(event.job_id)

    scheduler.add_listener(heard, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    await scheduler.start()
    try:
        while await asyncio.wait_for(executed.get(), timeout=30) != "offer_expiry":
            pass
    finally:
        await scheduler.stop()
    async with database.transaction(write=False) as session:
        runs = (await session.scalars(select(JobRun).where(JobRun.job_id == "offer_expiry"))).all()
    assert [(run.outcome, run.counts) for run in runs] == [("ok", {"expired": 500})]
    assert missed == []
