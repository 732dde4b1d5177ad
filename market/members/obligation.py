"""双报到 obligation: each member's yearly service target (orders or hours) and the progress made on it."""

from __future__ import annotations

from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import InvalidInput, NotFound
from market.models import Account, Area, MemberProfile, Offer, Order, Unit, UnitCommunity
from market.sqltime import seconds_between
from market.visits.periods import local_midnight
from market.vocab import OfferStatus, RegistrationStatus, Role

# One order counts for at most this long: a start left running overnight is not a night of service.
LONGEST_SERVICE_SECONDS = 8 * 3600
STAFF = (Role.DISPATCHER, Role.AUDITOR, Role.ADMIN)
UNIT_NAMES = {"count": "次", "hours": "小时"}


class ObligationRead(msgspec.Struct):
    member_id: int
    name: str
    community_id: int
    year: int
    target: int
    target_unit: Literal["count", "hours"]
    target_unit_name: str
    served_orders: int
    served_hours: float
    progress: float  # in the target's unit
    percent: int  # of the target, capped at 100
    met: bool


def year_of(year: int | None, today: date) -> int:
    chosen = year or today.year
    if not 2000 <= chosen <= 2100:
        raise InvalidInput("年份不正确", field="year")
    return chosen


async def obligations(session: AsyncSession, members: Select, year: int, zone: ZoneInfo) -> list[ObligationRead]:
    """The members `members` selects, each with orders completed and hours served in the (local) year."""
    start, end = local_midnight(date(year, 1, 1), zone), local_midnight(date(year + 1, 1, 1), zone)
    seconds = seconds_between(Order.started_at, Order.completed_at, session.bind.dialect.name)
    capped = case((seconds > LONGEST_SERVICE_SECONDS, LONGEST_SERVICE_SECONDS), else_=seconds)
    served = (select(Offer.member_id, func.count().label("orders"),
                     func.coalesce(func.sum(case((Order.started_at.is_not(None), capped), else_=0)), 0).label("secs"))
              .join(Order, Order.id == Offer.order_id)
              .where(Offer.status == OfferStatus.ACCEPTED, Order.completed_at >= start, Order.completed_at < end)
              .group_by(Offer.member_id).subquery())
    rows = (await session.execute(
        select(MemberProfile, Account.display_name, served.c.orders, served.c.secs)
        .join(Account, Account.id == MemberProfile.account_id)
        .outerjoin(served, served.c.member_id == MemberProfile.account_id)
        .where(MemberProfile.account_id.in_(members.subquery().select()))
        .order_by(MemberProfile.community_id, MemberProfile.account_id))).all()
    return [_read(profile, name, int(orders or 0), float(secs or 0), year) for profile, name, orders, secs in rows]


def _read(profile: MemberProfile, name: str, orders: int, secs: float, year: int) -> ObligationRead:
    hours = round(secs / 3600, 1)
    progress = float(orders) if profile.yearly_target_unit == "count" else hours
    target = profile.yearly_target
    percent = 100 if target == 0 else min(100, int(progress * 100 // target))
    return ObligationRead(profile.account_id, name, profile.community_id, year, target, profile.yearly_target_unit,
                          UNIT_NAMES[profile.yearly_target_unit], orders, hours, progress, percent, progress >= target)


def own(actor: Actor) -> Select:
    return select(MemberProfile.account_id).where(MemberProfile.account_id == actor.account_id)


async def of_unit(session: AsyncSession, actor: Actor, unit_id: int) -> Select:
    """The unit's confirmed members, for its admins and for staff over its area or a community it reported to."""
    unit = await session.get(Unit, unit_id)
    registered = select(Area.path).join(UnitCommunity, UnitCommunity.community_id == Area.id).where(
        UnitCommunity.unit_id == unit_id, UnitCommunity.status == RegistrationStatus.CONFIRMED)
    paths = [] if unit is None else [*(await session.scalars(select(Area.path).where(Area.id == unit.area_id))),
                                     *(await session.scalars(registered))]
    if unit is None or not (unit_id in actor.unit_ids() or any(actor.covers(p, *STAFF) for p in paths)):
        raise NotFound("单位不存在")
    return select(MemberProfile.account_id).where(MemberProfile.work_unit_id == unit_id,
                                                  MemberProfile.unit_confirmed_at.is_not(None))


async def of_area(session: AsyncSession, actor: Actor, area_id: int) -> Select:
    path = await session.scalar(select(Area.path).where(Area.id == area_id))
    if path is None or not actor.covers(path, *STAFF):
        raise NotFound("区域不存在")
    return select(MemberProfile.account_id).join(Area, and_(Area.id == MemberProfile.community_id,
                                                            Area.path.startswith(path)))
