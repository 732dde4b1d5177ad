"""Completed orders that the resident neither confirms nor disputes close by themselves, unrated."""

from __future__ import annotations

from datetime import timedelta

import msgspec
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from market.clock import ManualClock
from market.database import Database
from market.models import Order, Rating
from market.orders.auto_close import close_silent_completions
from market.scheduler.runs import run_job
from market.settings import Settings
from tests.market.flows import Flows, signed_in
from tests.market.world import START, World

WEEK = timedelta(days=7)


async def _flows(client: AsyncTestClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, *[world.resident, world.dispatcher, world.member])


async def _status(database: Database, order_id: int) -> str:
    async with database.transaction(write=False) as session:
        return await session.scalar(select(Order.status).where(Order.id == order_id)) or ""


async def test_a_silent_completion_closes_after_seven_days_with_a_note_and_no_rating(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("completed")
    assert await close_silent_completions(database, START + WEEK - timedelta(seconds=1), 7) == {"closed": 0}
    assert await _status(database, made.order_id) == "completed"

    assert await close_silent_completions(database, START + WEEK + timedelta(seconds=1), 7) == {"closed": 1}
    order = await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher)
    assert order["status"] == "closed"
    assert order["events"][-1]["action"] == "auto_close" and "7 天内未确认" in order["events"][-1]["note"]
    async with database.transaction(write=False) as session:
        assert await session.scalar(select(Rating).where(Rating.order_id == made.order_id)) is None
    for person in (world.resident, world.member):
        inbox = await flows.call("GET", "/api/notifications", person)
        assert [(n["kind"], n["order_id"]) for n in inbox["items"]][0] == ("order_auto_closed", made.order_id)
    assert await close_silent_completions(database, START + 2 * WEEK, 7) == {"closed": 0}


async def test_confirmed_and_disputed_orders_are_left_to_people(client: AsyncTestClient, world: World,
                                                                database: Database) -> None:
    flows = await _flows(client, world, database)
    confirmed = await flows.order_in("confirmed")
    disputed = await flows.order_in("confirmed", reopened=True)
    assert await close_silent_completions(database, START + 4 * WEEK, 7) == {"closed": 0}
    assert (await _status(database, confirmed.order_id), await _status(database, disputed.order_id)) == (
        "confirmed", "reopened")


async def test_the_wait_before_closing_is_configurable(client: AsyncTestClient, world: World, database: Database,
                                                       settings: Settings, clock: ManualClock) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("completed")
    clock.set(START + timedelta(days=2, seconds=1))
    run = await run_job(database, msgspec.structs.replace(settings, auto_close_days=2), clock, "auto_close", "test")
    assert (run.outcome, run.counts, run.runner) == ("ok", {"closed": 1}, "test")
    assert await _status(database, made.order_id) == "closed"
