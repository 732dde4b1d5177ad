"""KPI reports of an area (with its children), a unit or a member: who may read which, and the date range.

`area_report` is the entry point for other modules (the 台账 export of the KPI report calls it): it checks
the range and the caller's reach exactly as the API does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.dispatch.rounds import staff_area
from market.errors import InvalidInput, NotFound
from market.kpis import queries
from market.kpis.definitions import Counts
from market.kpis.schemas import (
    AreaKpiReport,
    AreaKpis,
    KpiSet,
    MemberKpiReport,
    UnitKpiReport,
    kpis_of,
)
from market.models import Account, Area, MemberProfile, Unit, UnitCommunity
from market.visits.periods import local_midnight
from market.vocab import AreaLevel, RegistrationStatus, Role

STAFF = (Role.DISPATCHER, Role.AUDITOR, Role.ADMIN)
# Three years, both ends included (a leap day among them): enough for any review, small enough to answer quickly.
LONGEST_RANGE_DAYS = 3 * 365 + 1


def date_range(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    """The range asked for, by default this month so far (from the first of date_to's month, up to today)."""
    end = date_to or today
    start = date_from or end.replace(day=1)
    check_range(start, end)
    return start, end


def check_range(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise InvalidInput("开始日期不能晚于结束日期", field="date_from")
    if (date_to - date_from).days + 1 > LONGEST_RANGE_DAYS:
        raise InvalidInput("统计期间最长三年，请缩短日期范围", field="date_from")


def _moments(date_from: date, date_to: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Local midnight of the first day, and local midnight after the last: a half-open range of stored UTC."""
    check_range(date_from, date_to)
    return local_midnight(date_from, tz), local_midnight(date_to + timedelta(days=1), tz)


async def area_report(session: AsyncSession, actor: Actor, area_id: int, date_from: date, date_to: date,
                      tz: tzinfo) -> AreaKpiReport:
    """The area's KPIs over local dates (both included), with the same figures for each direct child area.

    404 unless the area lies under the caller's dispatcher, auditor or admin grants; 400 for a bad range.
    """
    start, end = _moments(date_from, date_to, tz)
    area = await staff_area(session, actor, area_id, *STAFF)
    buckets = await queries.count(session, queries.area_scope(area), start, end)
    children = (await session.scalars(select(Area).where(Area.parent_id == area.id).order_by(Area.id))).all()
    rows = [_area_kpis(child, buckets.get(child.id, Counts())) for child in children]
    direct = buckets.get(None, Counts())
    # The area is its children plus its own orders: integer sums, so the drill-down adds up exactly.
    total = sum((buckets.get(child.id, Counts()) for child in children), direct)
    return AreaKpiReport(area.id, area.name, area.level, AreaLevel(area.level).label, date_from, date_to,
                         total.orders, kpis_of(total), rows, KpiSet(direct.orders, kpis_of(direct)))


async def unit_report(session: AsyncSession, actor: Actor, unit_id: int, date_from: date, date_to: date,
                      tz: tzinfo) -> UnitKpiReport:
    """404 unless the caller is the unit's admin, or staff over its area or a community it registered to."""
    start, end = _moments(date_from, date_to, tz)
    unit = await session.get(Unit, unit_id)
    if unit is None or not (unit_id in actor.unit_ids() or await _staff_over_unit(session, actor, unit)):
        raise NotFound("单位不存在")
    counts = (await queries.count(session, queries.unit_scope(unit_id), start, end)).get(None, Counts())
    return UnitKpiReport(unit.id, unit.name, date_from, date_to, counts.orders, kpis_of(counts))


async def member_report(session: AsyncSession, actor: Actor, account_id: int, date_from: date, date_to: date,
                        tz: tzinfo) -> MemberKpiReport:
    """404 unless the caller is the member, staff over their community, or the admin of their confirmed unit."""
    start, end = _moments(date_from, date_to, tz)
    found = (await session.execute(select(MemberProfile, Account.display_name, Area.path)
                                   .join(Account, Account.id == MemberProfile.account_id)
                                   .join(Area, Area.id == MemberProfile.community_id)
                                   .where(MemberProfile.account_id == account_id))).one_or_none()
    if found is None or not _may_read_member(actor, *found):
        raise NotFound("党员不存在")
    profile, name, _ = found
    counts = (await queries.count(session, queries.member_scope(account_id), start, end)).get(None, Counts())
    return MemberKpiReport(account_id, name, profile.community_id, date_from, date_to, counts.orders,
                           kpis_of(counts))


def _area_kpis(area: Area, counts: Counts) -> AreaKpis:
    return AreaKpis(area.id, area.name, area.level, AreaLevel(area.level).label, counts.orders, kpis_of(counts))


async def _staff_over_unit(session: AsyncSession, actor: Actor, unit: Unit) -> bool:
    """Whether the unit's own area, or a community it is registered (报到) to, lies under the caller's staff grants."""
    registered = select(UnitCommunity.community_id).where(UnitCommunity.unit_id == unit.id,
                                                          UnitCommunity.status == RegistrationStatus.CONFIRMED)
    paths = (await session.scalars(select(Area.path).where(or_(Area.id == unit.area_id,
                                                               Area.id.in_(registered))))).all()
    return any(actor.covers(path, *STAFF) for path in paths)


def _may_read_member(actor: Actor, profile: MemberProfile, _name: str, community_path: str) -> bool:
    own_unit = profile.unit_confirmed_at is not None and profile.work_unit_id in actor.unit_ids()
    return actor.account_id == profile.account_id or own_unit or actor.covers(community_path, *STAFF)
