"""The scheduler's round job: a committed round for each community with free slots, the others skipped."""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from market.clock import ManualClock
from market.database import Database
from market.dispatch.jobs import SYSTEM_USERNAME
from market.models import Account, MatchRun
from market.scheduler.jobs import JOBS
from market.scheduler.runs import run_job
from market.settings import Settings
from tests.market.flows import signed_in
from tests.market.world import World


async def test_rounds_run_where_orders_wait_and_skip_the_rest(client: AsyncTestClient, world: World,
                                                              database: Database, settings: Settings,
                                                              clock: ManualClock) -> None:
    ids = [world.resident, world.dispatcher]
    flows = await signed_in(client, world, database, *ids)
    made = await flows.order_in("open")
    run = await run_job(database, settings, clock, "dispatch_rounds", "test")
    assert (run.outcome, run.counts) == ("ok", {"rounds": 1, "skipped": 1, "offers": 1}), run.error
    order = await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher)
    assert order["status"] == "offered"
    async with database.transaction(write=False) as session:
        [round_run] = (await session.scalars(select(MatchRun))).all()
        system = await session.scalar(select(Account).where(Account.username == SYSTEM_USERNAME))
    assert system is not None and not system.is_active and round_run.started_by_id == system.id
    assert (round_run.area_id, round_run.status, round_run.dry_run) == (world.community, "committed", False)

    again = await run_job(database, settings, clock, "dispatch_rounds", "test")
    assert again.counts == {"rounds": 0, "skipped": 2, "offers": 0}


def test_the_round_job_is_off_when_its_interval_is_zero(settings: Settings) -> None:
    job = JOBS["dispatch_rounds"]
    assert job.enabled(settings) and job.every_seconds(settings) == 30 * 60
    assert not job.enabled(msgspec.structs.replace(settings, round_minutes=0))
