"""The visit job: at each period start, a visit order for every plan that falls due, dispatched like any order."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.database import Database
from market.models import Order, OrderEvent, ResidentProfile, SlaPolicy, Visit, VisitPlan
from market.notifications.service import Note, notify
from market.visits.periods import next_period_start, period_start
from market.vocab import (
    NotificationKind,
    OrderKind,
    OrderSource,
    OrderStatus,
    SlaLevel,
    Triage,
    VisitFrequency,
    VulnerableTag,
)

BATCH_SIZE = 200


async def make_due_visits(database: Database, now: datetime, zone: ZoneInfo,
                          batch_size: int = BATCH_SIZE) -> dict[str, int]:
    made = await database.in_batches(lambda session: _make_batch(session, now, zone, batch_size), batch_size)
    return {"visits": made}


async def _make_batch(session: AsyncSession, now: datetime, zone: ZoneInfo, batch_size: int) -> tuple[int, int]:
    plans = (await session.scalars(select(VisitPlan).where(VisitPlan.active, VisitPlan.next_due_at <= now)
                                   .order_by(VisitPlan.next_due_at, VisitPlan.id).limit(batch_size))).all()
    made = 0
    for plan in plans:
        frequency = VisitFrequency(plan.frequency)
        # One visit for the period we are in, however long the scheduler was away: a missed period is
        # not made up for with a pile of visits.
        start = max(plan.next_due_at, period_start(now, frequency, zone))
        following = next_period_start(start, frequency, zone)
        taken = await session.execute(update(VisitPlan).where(VisitPlan.id == plan.id,
                                                              VisitPlan.next_due_at == plan.next_due_at)
                                      .values(next_due_at=following).execution_options(synchronize_session=False))
        if taken.rowcount == 1:  # another sweeper did not get there first
            await _visit(session, plan, start, following, now)
            made += 1
    return len(plans), made


async def _visit(session: AsyncSession, plan: VisitPlan, start: datetime, end: datetime, now: datetime) -> None:
    home = await session.get(ResidentProfile, plan.resident_id)
    assert home is not None
    sla = await session.get(SlaPolicy, (OrderKind.VISIT, Triage.GENERAL))
    accept_due = now + timedelta(minutes=sla.accept_minutes) if sla else None
    due = min(now + timedelta(minutes=sla.complete_minutes), end) if sla else end
    title = f"六访：上门走访（{VulnerableTag(plan.tag).label}）"
    order = Order(kind=OrderKind.VISIT, source=OrderSource.VISIT_PLAN, category_code=plan.category_code, title=title,
                  description=plan.note or "按走访计划上门看望，了解近况和需求。", skills=[], headcount=1, urgency=3,
                  triage=Triage.GENERAL, area_id=home.grid_id, address=home.address, window_start=max(start, now),
                  window_end=end, requester_id=plan.resident_id, created_by_id=None, claimable=False,
                  status=OrderStatus.OPEN, version=1, accept_due_at=accept_due, due_at=due, sla_level=SlaLevel.GREEN,
                  created_at=now, updated_at=now)
    session.add(order)
    await session.flush()
    session.add_all([
        OrderEvent(order_id=order.id, actor_id=None, action="post", from_status=None, to_status=OrderStatus.OPEN,
                   note="按六访计划自动生成", at=now),
        Visit(plan_id=plan.id, period_start=start, order_id=order.id, created_at=now)])
    await session.flush()
    await notify(session, [Note(plan.resident_id, NotificationKind.VISIT, "社区将上门走访",
                                "社区近期将安排人员上门看望您，来访前会与您联系。", order.id,
                                f"visit:{plan.id}:{start.isoformat()}")], now)
