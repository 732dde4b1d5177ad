"""The round job: every few minutes, a committed dispatch round for each community with something to dispatch."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor, Grant
from market.areas.tree import areas_by_id, level_above
from market.clock import Clock
from market.database import Database
from market.dispatch.rounds import start_round
from market.dispatch.runner import RoundSolver
from market.models import Account, Offer, Order
from market.orders.offers import DEFAULT_ACCEPT_MINUTES
from market.settings import Settings
from market.vocab import LIVE_OFFER_STATUSES, AreaLevel, OrderStatus, Role

SYSTEM_USERNAME = "system-dispatch"


async def dispatch_rounds(database: Database, settings: Settings, clock: Clock) -> dict[str, int]:
    """A round (committed at once) per community whose orders wait for someone; the others are skipped."""
    async with database.transaction() as session:
        actor = await _system_actor(session, clock)
        areas = await areas_by_id(session)
        found = {level_above(areas, area_id, AreaLevel.COMMUNITY) for area_id in await _waiting_areas(session)}
    waiting = sorted((c for c in found if c is not None), key=lambda community_id: areas[community_id].path)
    communities = sum(area.level == AreaLevel.COMMUNITY for area in areas.values())
    counts = {"rounds": 0, "skipped": communities - len(waiting), "offers": 0}
    if not waiting:
        return counts
    solver = RoundSolver()
    try:
        for community_id in waiting:
            run_id = await start_round(database, solver, settings, actor, community_id, False, DEFAULT_ACCEPT_MINUTES,
                                       clock)
            async with database.transaction(write=False) as session:
                counts["offers"] += await session.scalar(select(func.count()).where(Offer.match_run_id == run_id)) or 0
            counts["rounds"] += 1
    finally:
        solver.close()
    return counts


async def _waiting_areas(session: AsyncSession) -> list[int]:
    """The areas of orders with a slot nobody holds: open ones, and offered ones not fully offered."""
    live = select(func.count()).where(Offer.order_id == Order.id, Offer.status.in_(LIVE_OFFER_STATUSES))
    return list((await session.scalars(select(Order.area_id).distinct().where(or_(
        Order.status == OrderStatus.OPEN,
        (Order.status == OrderStatus.OFFERED) & (live.scalar_subquery() < Order.headcount))))).all())


async def _system_actor(session: AsyncSession, clock: Clock) -> Actor:
    """The account rounds made by the scheduler are recorded under; it cannot log in (no usable password)."""
    account = await session.scalar(select(Account).where(Account.username == SYSTEM_USERNAME))
    if account is None:
        account = Account(username=SYSTEM_USERNAME, display_name="系统自动派单", password_hash="!", is_active=False,
                          created_at=clock.now())
        session.add(account)
        await session.flush()
    # A grant on the root of every path: the scheduler dispatches everywhere.
    return Actor(account.id, account.display_name, 0, (Grant(Role.ADMIN, 0, "", None),))
