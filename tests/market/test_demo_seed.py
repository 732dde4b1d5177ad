"""The demo district: realistic, invented, internally consistent, and seeded only once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.accounts.passwords import password_matches
from market.database import Database
from market.demo.people import DEMO_PHONE_PREFIX
from market.demo.seed import DEMO_PASSWORD, seed_demo
from market.models import (
    Account,
    Area,
    Base,
    MemberProfile,
    Offer,
    Order,
    OrderEvent,
    Rating,
    Unit,
)
from market.vocab import AreaLevel, OrderStatus

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def _row_counts(session: AsyncSession) -> dict[str, int]:
    return {table.name: await session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables}


async def test_the_demo_seed_is_idempotent(database: Database) -> None:
    async with database.transaction() as session:
        first_logins = await seed_demo(session, NOW)
    async with database.transaction(write=False) as session:
        after_first = await _row_counts(session)
    async with database.transaction() as session:
        second_logins = await seed_demo(session, NOW)
    async with database.transaction(write=False) as session:
        assert await _row_counts(session) == after_first
    assert first_logins == second_logins


async def test_the_demo_is_a_district_of_two_streets_six_communities_and_24_grids(database: Database) -> None:
    async with database.transaction() as session:
        await seed_demo(session, NOW)
    async with database.transaction(write=False) as session:
        levels = dict((await session.execute(select(Area.level, func.count()).group_by(Area.level))).all())
        units = await session.scalar(select(func.count()).select_from(Unit))
        members = await session.scalar(select(func.count()).select_from(MemberProfile))
        phones = (await session.scalars(select(Account.phone).where(Account.phone.is_not(None)))).all()
    assert levels == {AreaLevel.CITY: 1, AreaLevel.DISTRICT: 1, AreaLevel.STREET: 2,
                      AreaLevel.COMMUNITY: 6, AreaLevel.GRID: 24}
    assert (units, members, len(phones)) == (20, 200, 500)
    assert all(phone.startswith(DEMO_PHONE_PREFIX) and len(phone) == 11 for phone in phones)


async def test_demo_orders_cover_every_state_with_a_consistent_history(database: Database) -> None:
    async with database.transaction() as session:
        await seed_demo(session, NOW)
    async with database.transaction(write=False) as session:
        orders = (await session.scalars(select(Order))).all()
        events = (await session.scalars(select(OrderEvent).order_by(OrderEvent.order_id, OrderEvent.at))).all()
        rated = set((await session.scalars(select(Rating.order_id))).all())
        offered = set((await session.scalars(select(Offer.order_id))).all())
    assert {order.status for order in orders} == set(OrderStatus)
    assert 30 <= len(orders) <= 120
    last_event = {event.order_id: event for event in events}
    for order in orders:
        assert last_event[order.id].to_status == order.status
        assert (order.id in rated) == (order.status in (OrderStatus.CONFIRMED, OrderStatus.CLOSED, OrderStatus.REOPENED))
        assert (order.id in offered) == (order.status not in (
            OrderStatus.SUBMITTED, OrderStatus.REJECTED, OrderStatus.OPEN, OrderStatus.CANCELLED))


async def test_no_demo_member_holds_more_live_orders_than_capacity(database: Database) -> None:
    async with database.transaction() as session:
        await seed_demo(session, NOW)
    live = (OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS)
    async with database.transaction(write=False) as session:
        loads = (await session.execute(
            select(MemberProfile.capacity, func.count(Offer.id))
            .join(Offer, Offer.member_id == MemberProfile.account_id)
            .join(Order, Order.id == Offer.order_id)
            .where(Order.status.in_(live))
            .group_by(MemberProfile.account_id, MemberProfile.capacity)
        )).all()
    assert loads and all(count <= capacity for capacity, count in loads)
    async with database.transaction(write=False) as session:
        counters = dict((await session.execute(select(MemberProfile.account_id, MemberProfile.live_orders))).all())
    counted = dict((await _live_counts(database)).items())
    assert {m: n for m, n in counters.items() if n} == counted


async def _live_counts(database: Database) -> dict[int, int]:
    live = (OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS)
    async with database.transaction(write=False) as session:
        return dict((await session.execute(
            select(Offer.member_id, func.count()).join(Order, Order.id == Offer.order_id)
            .where(Order.status.in_(live), Offer.member_id.is_not(None)).group_by(Offer.member_id))).all())


async def test_demo_logins_work_with_the_printed_password(database: Database) -> None:
    async with database.transaction() as session:
        logins = await seed_demo(session, NOW)
    async with database.transaction(write=False) as session:
        for login in logins:
            account = await session.scalar(
                select(Account).where((Account.username == login.login) | (Account.phone == login.login)))
            assert account is not None and password_matches(account.password_hash, DEMO_PASSWORD)
