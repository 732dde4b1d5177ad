"""Helpers for sweeper tests: many due rows written at once, and the invariants a sweep must keep."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from market.database import Database
from market.models import MemberProfile, Offer, Order, OrderEvent
from tests.market.world import START, World

MEMBERS_SHARE = 4  # due offers go round the world's four members


async def due_offers(database: Database, world: World, count: int, due_at: datetime) -> list[int]:
    """`count` offered orders, each with one offer to a member that falls due at `due_at`; their ids."""
    members = [world.member, world.second_member, world.other_member, world.unit_member]
    async with database.transaction() as session:
        orders = (await session.execute(Order.__table__.insert().returning(Order.id), [
            {"kind": "service", "source": "resident", "category_code": "repair", "title": f"待答复 {n}",
             "description": "测试", "skills": [], "headcount": 1, "urgency": 3, "area_id": world.grid,
             "address": "和平路12号", "requester_id": world.resident, "created_by_id": world.resident,
             "claimable": False, "status": "offered", "version": 2, "created_at": START, "updated_at": START}
            for n in range(count)])).scalars().all()
        await session.execute(Offer.__table__.insert(), [
            {"order_id": order_id, "slot": 1, "member_id": members[n % len(members)], "status": "offered",
             "version": 1, "accept_due_at": due_at, "offered_at": due_at - timedelta(hours=24)}
            for n, order_id in enumerate(orders)])
        held = Counter(members[n % len(members)] for n in range(count))
        for member_id, n in held.items():
            await session.execute(update(MemberProfile).where(MemberProfile.account_id == member_id)
                                  .values(live_orders=MemberProfile.live_orders + n, capacity=10_000))
    return list(orders)


async def check_orders_agree_with_offers(session) -> None:  # noqa: ANN001 - an AsyncSession
    """Each order's status follows from its offers; each member's live count from their live offers;
    every order that lost an offer to its deadline says so in its history."""
    live = dict((await session.execute(select(Offer.order_id, func.count()).where(
        Offer.status.in_(["offered", "accepted"])).group_by(Offer.order_id))).all())
    accepted = dict((await session.execute(select(Offer.order_id, func.count()).where(
        Offer.status == "accepted").group_by(Offer.order_id))).all())
    for order_id, status, headcount in (await session.execute(select(Order.id, Order.status, Order.headcount).where(
            Order.status.in_(["open", "offered", "accepted"])))).all():
        expected = "accepted" if accepted.get(order_id, 0) >= headcount else "offered" if live.get(order_id) else "open"
        assert status == expected, (order_id, status, expected)
    held = dict((await session.execute(select(Offer.member_id, func.count()).join(Order, Order.id == Offer.order_id)
                                       .where(Offer.status.in_(["offered", "accepted"]),
                                              Order.status.in_(["offered", "accepted", "in_progress"]))
                                       .group_by(Offer.member_id))).all())
    for member_id, live_orders in (await session.execute(select(MemberProfile.account_id,
                                                                MemberProfile.live_orders))).all():
        assert live_orders == held.get(member_id, 0), (member_id, live_orders, held.get(member_id, 0))
    lapsed = set((await session.scalars(select(Offer.order_id).where(Offer.status == "expired"))).all())
    told = set((await session.scalars(select(OrderEvent.order_id).where(OrderEvent.action == "expire"))).all())
    assert lapsed == told
