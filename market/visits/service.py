"""Visit plans (六访): staff plan regular visits to key residents; coverage is visited / due per area."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import DISPATCHERS, Actor
from market.dispatch.rounds import staff_area
from market.errors import Conflict, InvalidInput, NotFound
from market.examples import example_body
from market.models import Account, Area, Category, Order, ResidentProfile, Visit, VisitPlan
from market.visits.periods import local_midnight, next_period_start
from market.vocab import AreaLevel, OrderStatus, Role, VisitFrequency, VulnerableTag

VISITED = (OrderStatus.COMPLETED, OrderStatus.CONFIRMED, OrderStatus.CLOSED)
READERS = (*DISPATCHERS, Role.AUDITOR)


class VisitPlanCreate(msgspec.Struct, forbid_unknown_fields=True):
    resident_id: int
    tag: str
    frequency: str = "monthly"
    category: str = "elderly_disabled"
    note: str = ""


class VisitPlanRead(msgspec.Struct):
    id: int
    resident_id: int
    resident_name: str
    grid_id: int
    tag: str
    tag_name: str
    frequency: str
    frequency_name: str
    category: str
    note: str
    active: bool
    next_due_at: datetime


class CoverageRow(msgspec.Struct):
    area_id: int
    name: str
    level: str
    due: int
    visited: int
    rate: float | None  # visited / due, None when nothing was due


class Coverage(msgspec.Struct):
    month: str
    areas: list[CoverageRow]


async def create_plan(session: AsyncSession, actor: Actor, data: VisitPlanCreate, now: datetime) -> VisitPlanRead:
    home = await session.get(ResidentProfile, data.resident_id)
    grid = await session.get(Area, home.grid_id) if home else None
    if home is None or grid is None or not actor.covers(grid.path, *DISPATCHERS):
        raise InvalidInput("请选择您辖区内的居民", field="resident_id")
    if data.tag not in {t.value for t in VulnerableTag}:
        raise InvalidInput(f"走访对象类型须为{'、'.join(t.label for t in VulnerableTag)}之一", field="tag")
    if data.frequency not in {f.value for f in VisitFrequency}:
        raise InvalidInput(f"走访频次须为{'、'.join(f.label for f in VisitFrequency)}之一", field="frequency")
    if not await session.scalar(select(Category.code).where(Category.code == data.category, Category.is_active)):
        raise InvalidInput(f"未知的服务类别：{data.category}", field="category")
    if await session.scalar(select(VisitPlan.id).where(VisitPlan.resident_id == home.account_id,
                                                       VisitPlan.tag == data.tag, VisitPlan.active)):
        raise Conflict("该居民已有同类的走访计划", field="resident_id")
    plan = VisitPlan(resident_id=home.account_id, tag=data.tag, frequency=data.frequency, category_code=data.category,
                     note=data.note.strip()[:500], active=True, created_by_id=actor.account_id, created_at=now,
                     next_due_at=now)  # the first visit is owed in the period we are in
    session.add(plan)
    await session.flush()
    return await read_plan(session, plan.id)


async def set_active(session: AsyncSession, actor: Actor, plan_id: int, active: bool) -> VisitPlanRead:
    plan = await _staff_plan(session, actor, plan_id)
    plan.active = active
    await session.flush()
    return await read_plan(session, plan.id)


async def list_plans(session: AsyncSession, actor: Actor, area_id: int) -> list[VisitPlanRead]:
    area = await staff_area(session, actor, area_id, *READERS)
    rows = (await session.execute(_with_resident().join(Area, Area.id == ResidentProfile.grid_id)
                                  .where(Area.path.startswith(area.path)).order_by(VisitPlan.id))).all()
    return [_read(*row) for row in rows]


async def read_plan(session: AsyncSession, plan_id: int) -> VisitPlanRead:
    row = (await session.execute(_with_resident().where(VisitPlan.id == plan_id)
                                 .execution_options(populate_existing=True))).one()
    return _read(*row)


def _with_resident() -> Select[tuple[VisitPlan, str, int]]:
    return select(VisitPlan, Account.display_name, ResidentProfile.grid_id) \
        .join(Account, Account.id == VisitPlan.resident_id) \
        .join(ResidentProfile, ResidentProfile.account_id == VisitPlan.resident_id)


def _read(plan: VisitPlan, name: str, grid_id: int) -> VisitPlanRead:
    return VisitPlanRead(plan.id, plan.resident_id, name, grid_id, plan.tag, VulnerableTag(plan.tag).label,
                         plan.frequency, VisitFrequency(plan.frequency).label, plan.category_code, plan.note,
                         plan.active, plan.next_due_at)


async def coverage(session: AsyncSession, actor: Actor, area_id: int, month: date, zone: ZoneInfo) -> Coverage:
    """Visits whose period starts in the month, per grid and rolled up to communities and the area."""
    area = await staff_area(session, actor, area_id, *READERS)
    start = local_midnight(month.replace(day=1), zone)
    end = next_period_start(start, VisitFrequency.MONTHLY, zone)
    rows = (await session.execute(
        select(Order.area_id, func.count(), func.sum(case((Order.status.in_(VISITED), 1), else_=0)))
        .join(Visit, Visit.order_id == Order.id).join(Area, Area.id == Order.area_id)
        .where(Visit.period_start >= start, Visit.period_start < end, Area.path.startswith(area.path))
        .group_by(Order.area_id))).all()
    areas = {a.id: a for a in (await session.scalars(select(Area).where(Area.path.startswith(area.path)))).all()}
    totals: dict[int, list[int]] = {}
    for grid_id, due, visited in rows:
        node = areas.get(grid_id)
        while node is not None:  # the grid, its community, … up to the area asked for
            total = totals.setdefault(node.id, [0, 0])
            total[0], total[1] = total[0] + due, total[1] + int(visited or 0)
            node = areas.get(node.parent_id) if node.parent_id and node.id != area.id else None
    shown = [a for a in areas.values() if a.id == area.id or a.level in (AreaLevel.COMMUNITY, AreaLevel.GRID)]
    return Coverage(month.strftime("%Y-%m"), [
        CoverageRow(a.id, a.name, a.level, *totals.get(a.id, [0, 0]),
                    round(totals[a.id][1] / totals[a.id][0], 4) if totals.get(a.id, [0])[0] else None)
        for a in sorted(shown, key=lambda a: a.path)])


async def _staff_plan(session: AsyncSession, actor: Actor, plan_id: int) -> VisitPlan:
    plan = await session.get(VisitPlan, plan_id)
    home = await session.get(ResidentProfile, plan.resident_id) if plan else None
    grid = await session.get(Area, home.grid_id) if home else None
    if plan is None or grid is None or not actor.covers(grid.path, *DISPATCHERS):
        raise NotFound("走访计划不存在")
    return plan


VisitPlanBody = example_body(VisitPlanCreate, {"resident_id": 21, "tag": "living_alone", "frequency": "monthly",
                                               "category": "elderly_disabled", "note": "独居，腿脚不便，注意防跌倒"})
