"""Offers past their acceptance deadline: the boundary, the race with an accept, and two sweepers at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from market.clock import ManualClock
from market.database import Database
from market.models import MemberProfile, Notification, Offer, Order, OrderEvent
from market.orders.expiry import expire_offers
from tests.market.flows import Flows, move_clock, signed_in
from tests.market.sweeps import check_orders_agree_with_offers, due_offers
from tests.market.world import START, World

DEADLINE = START + timedelta(minutes=24 * 60)  # an offer by hand allows a day to answer


async def _flows(client: AsyncTestClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, *[world.resident, world.dispatcher, world.member, world.second_member])


async def test_an_offer_accepted_a_second_before_its_deadline_is_accepted(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")
    await move_clock(DEADLINE - timedelta(seconds=1), flows, database, clock)
    accepted = await flows.call("POST", f"/api/offers/{made.offer_id}/accept", world.member)
    assert accepted["status"] == "accepted"
    assert await expire_offers(database, clock.now()) == {"expired": 0}


async def test_an_offer_answered_a_second_late_is_refused_and_its_order_reopens_without_that_member(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")
    await move_clock(DEADLINE + timedelta(seconds=1), flows, database, clock)
    late = await client.post(f"/api/offers/{made.offer_id}/accept", headers=flows.headers[world.member])
    assert late.status_code == 409 and late.json()["details"]["current_state"] == "expired"

    assert await expire_offers(database, clock.now()) == {"expired": 1}
    order = await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher)
    assert order["status"] == "open" and order["events"][-1]["action"] == "expire"
    async with database.transaction(write=False) as session:
        member = await session.get(MemberProfile, world.member)
        assert member is not None and (member.live_orders, member.lapsed_offers) == (0, 1)
    inbox = await flows.call("GET", "/api/notifications", world.member)
    assert [(n["kind"], n["order_id"]) for n in inbox["items"]] == [("offer_expired", made.order_id),
                                                                     ("new_offer", made.order_id)]
    assert inbox["unread"] == 2 and "超时" in inbox["items"][0]["title"]
    # The member who let it lapse is left out of the next round.
    run = await flows.call("POST", f"/api/areas/{world.community}/rounds", world.dispatcher, json={})
    assert {a["member"]["id"] for a in run["assignments"]} <= {world.second_member, world.unit_member}
    assert await expire_offers(database, clock.now()) == {"expired": 0}


async def test_an_accept_and_the_sweep_at_the_deadline_end_in_exactly_one_outcome(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    flows = await _flows(client, world, database)
    for _ in range(12):
        await move_clock(START, flows, database, clock)
        made = await flows.order_in("offered")
        await move_clock(DEADLINE - timedelta(milliseconds=1), flows, database, clock)  # the member's last moment
        answer, swept = await asyncio.gather(
            client.post(f"/api/offers/{made.offer_id}/accept", headers=flows.headers[world.member]),
            expire_offers(database, DEADLINE))
        async with database.transaction(write=False) as session:
            offer = await session.get(Offer, made.offer_id)
            order = await session.get(Order, made.order_id)
            assert offer is not None and order is not None
            if answer.status_code == 200:
                assert (swept["expired"], offer.status, order.status) == (0, "accepted", "accepted")
            else:
                assert answer.status_code == 409
                assert (swept["expired"], offer.status, order.status) == (1, "expired", "open")
    async with database.transaction(write=False) as session:
        await check_orders_agree_with_offers(session)


async def test_two_sweepers_at_once_over_a_thousand_due_offers_make_each_transition_once(
        world: World, database: Database) -> None:
    await due_offers(database, world, count=1000, due_at=START)
    second = Database(database.url)  # another connection pool, as another process would have
    try:
        results = await asyncio.gather(expire_offers(database, START, batch_size=100),
                                       expire_offers(second, START, batch_size=100))
    finally:
        await second.dispose()
    assert sum(r["expired"] for r in results) == 1000
    async with database.transaction(write=False) as session:
        expire_events = await session.scalar(select(func.count()).where(OrderEvent.action == "expire"))
        notes = await session.scalar(select(func.count()).select_from(Notification))
        left = await session.scalar(select(func.count()).where(Offer.status == "offered"))
        assert (expire_events, notes, left) == (1000, 1000, 0)
        await check_orders_agree_with_offers(session)
