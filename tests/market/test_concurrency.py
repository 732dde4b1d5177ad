"""Races on one slot: exactly one winner, every loser a clean 409, nobody over capacity, no 5xx."""

from __future__ import annotations

import asyncio
import random

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from market.database import Database
from market.models import Account, MemberProfile, Offer, Order, RoleGrant
from market.vocab import OfferStatus, OrderStatus, Role
from tests.conftest import SECRET
from tests.market.world import START, World, bearer, password_hash


async def _members(database: Database, world: World, count: int, rng: random.Random) -> list[int]:
    async with database.transaction() as session:
        accounts = [Account(phone=f"1370000{n:04d}", display_name=f"党员{n}", password_hash=password_hash(),
                            is_active=True, created_at=START) for n in range(count)]
        session.add_all(accounts)
        await session.flush()
        for account in accounts:
            session.add(MemberProfile(account_id=account.id, community_id=world.community, reported_at=START,
                                      skills=[], categories=["repair"], availability=[], capacity=rng.randint(1, 3),
                                      radius_m=3000, yearly_target=12, live_orders=0))
            session.add(RoleGrant(account_id=account.id, role=Role.MEMBER, area_id=world.community, created_at=START))
    return [a.id for a in accounts]


async def _claimable_orders(database: Database, world: World, count: int) -> list[int]:
    async with database.transaction() as session:
        orders = [Order(kind="service", source="resident", category_code="repair", title=f"报修{n}", description="灯坏了",
                        skills=[], headcount=1, urgency=2, triage="general", area_id=world.grid, address="和平路1号",
                        requester_id=world.resident, created_by_id=world.resident, claimable=True,
                        status=OrderStatus.OPEN, version=2, created_at=START, updated_at=START) for n in range(count)]
        session.add_all(orders)
    return [o.id for o in orders]


def _assert_clean(statuses: list[int]) -> None:
    assert all(status in (200, 409) for status in statuses), sorted(set(statuses))


async def test_200_simultaneous_accepts_of_one_offer_have_one_winner(client: AsyncTestClient, world: World,
                                                                    database: Database) -> None:
    [dispatcher, member] = await bearer(database, [world.dispatcher, world.member], SECRET)
    [order_id] = await _claimable_orders(database, world, 1)
    offered = await client.post(f"/api/orders/{order_id}/offers", json={"member_id": world.member}, headers=dispatcher)
    offer_id = offered.json()["assignees"][0]["offer_id"]
    responses = await asyncio.gather(*(client.post(f"/api/offers/{offer_id}/accept", headers=member)
                                       for _ in range(200)))
    statuses = [r.status_code for r in responses]
    _assert_clean(statuses)
    assert statuses.count(200) == 1 and statuses.count(409) == 199
    async with database.transaction(write=False) as session:
        accept_events = await session.scalar(select(func.count()).select_from(Offer).where(
            Offer.order_id == order_id, Offer.status == OfferStatus.ACCEPTED))
        assert accept_events == 1
        assert (await session.get(Order, order_id)).status == OrderStatus.ACCEPTED


async def test_200_members_claiming_one_slot_leave_one_winner(client: AsyncTestClient, world: World,
                                                             database: Database) -> None:
    members = await _members(database, world, 200, random.Random(1))
    headers = await bearer(database, members, SECRET)
    [order_id] = await _claimable_orders(database, world, 1)
    responses = await asyncio.gather(*(client.post(f"/api/orders/{order_id}/claim", headers=h) for h in headers))
    statuses = [r.status_code for r in responses]
    _assert_clean(statuses)
    assert statuses.count(200) == 1
    async with database.transaction(write=False) as session:
        offers = (await session.scalars(select(Offer).where(Offer.order_id == order_id))).all()
        assert len(offers) == 1 and offers[0].status == OfferStatus.ACCEPTED
        loads = (await session.scalars(select(MemberProfile.live_orders).where(
            MemberProfile.account_id.in_(members)))).all()
        assert sorted(loads)[-2:] == [0, 1]


async def test_1000_claims_by_300_members_on_100_orders(client: AsyncTestClient, world: World,
                                                        database: Database) -> None:
    rng = random.Random(7)
    members = await _members(database, world, 300, rng)
    headers = dict(zip(members, await bearer(database, members, SECRET), strict=True))
    orders = await _claimable_orders(database, world, 100)
    attempts = [(member, order) for order in orders for member in rng.sample(members, 10)]
    rng.shuffle(attempts)
    responses = await asyncio.gather(*(client.post(f"/api/orders/{order}/claim", headers=headers[member])
                                       for member, order in attempts))
    statuses = [r.status_code for r in responses]
    _assert_clean(statuses)
    assert statuses.count(200) == 100
    async with database.transaction(write=False) as session:
        won = dict((await session.execute(
            select(Offer.member_id, func.count()).where(Offer.status == OfferStatus.ACCEPTED)
            .group_by(Offer.member_id))).all())
        profiles = {p.account_id: p for p in (await session.scalars(
            select(MemberProfile).where(MemberProfile.account_id.in_(members)))).all()}
        per_order = (await session.execute(select(Offer.order_id, func.count()).group_by(Offer.order_id))).all()
    assert sum(won.values()) == 100 and all(count == 1 for _, count in per_order)
    assert all(won.get(m, 0) <= p.capacity and p.live_orders == won.get(m, 0) for m, p in profiles.items())
