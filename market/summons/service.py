"""Summoning a department (吹哨), its acknowledgement (报到) and report, and what is on record for each."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import msgspec
from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import DISPATCHERS, Actor
from market.errors import Conflict, InvalidInput, NotFound
from market.examples import example_body
from market.models import Area, Order, Summons, Unit
from market.notifications.service import Note, notify, unit_admins
from market.orders.parties import order_area_path
from market.vocab import NotificationKind, OrderStatus, UnitKind

# Orders a department can still help with.
SUMMONABLE = (OrderStatus.OPEN, OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS,
              OrderStatus.REOPENED)


class SummonsCreate(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: int
    note: str
    report_within_hours: Annotated[int, msgspec.Meta(ge=1, le=30 * 24)] = 24


class SummonsReport(msgspec.Struct, forbid_unknown_fields=True):
    report: str


class SummonsRead(msgspec.Struct):
    id: int
    order_id: int
    order_title: str
    unit_id: int
    unit_name: str
    note: str
    created_at: datetime
    ack_due_at: datetime
    report_due_at: datetime
    acknowledged_at: datetime | None
    ack_missed: bool
    reported_at: datetime | None
    report: str | None
    report_overdue: bool


async def summon(session: AsyncSession, actor: Actor, order_id: int, data: SummonsCreate, ack_minutes: int,
                 now: datetime) -> SummonsRead:
    order = await session.get(Order, order_id)
    if order is None or not actor.covers(await order_area_path(session, order), *DISPATCHERS):
        raise NotFound("订单不存在")
    if order.status not in SUMMONABLE:
        raise Conflict(f"订单当前为「{OrderStatus(order.status).label}」，不能吹哨",
                       details={"order_id": order.id, "current_state": order.status})
    unit = await session.get(Unit, data.unit_id)
    if unit is None or unit.kind != UnitKind.DEPARTMENT:
        raise InvalidInput("请选择一个职能部门", field="unit_id")
    if await session.scalar(select(Summons.id).where(Summons.order_id == order.id, Summons.unit_id == unit.id,
                                                     Summons.reported_at.is_(None))):
        raise Conflict("已向该部门吹哨，尚未反馈", field="unit_id", details={"order_id": order.id})
    if not data.note.strip():
        raise InvalidInput("请说明需要部门协助办理的事项", field="note")
    summons = Summons(order_id=order.id, unit_id=unit.id, summoned_by_id=actor.account_id, note=data.note.strip(),
                      created_at=now, ack_due_at=now + timedelta(minutes=ack_minutes),
                      report_due_at=now + timedelta(hours=data.report_within_hours))
    session.add(summons)
    await session.flush()
    await notify(session, [Note(admin, NotificationKind.SUMMONS, "吹哨报到",
                                f"「{order.title}」需要贵单位协助：{summons.note}。请在 {ack_minutes} 分钟内报到。",
                                order.id, f"summons:{summons.id}:{admin}")
                           for admin in (await unit_admins(session, [unit.id])).get(unit.id, [])], now)
    return await read_summons(session, summons.id)


async def acknowledge(session: AsyncSession, actor: Actor, summons_id: int, now: datetime) -> SummonsRead:
    """报到: the unit takes the summons up; late is still better than never, but stays on record as late."""
    summons = await _units_summons(session, actor, summons_id)
    done = await session.execute(update(Summons).where(Summons.id == summons.id, Summons.acknowledged_at.is_(None))
                                 .values(acknowledged_at=now).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("已经报到过了", details={"summons_id": summons_id})
    return await read_summons(session, summons.id)


async def report_back(session: AsyncSession, actor: Actor, summons_id: int, data: SummonsReport,
                      now: datetime) -> SummonsRead:
    if not data.report.strip():
        raise InvalidInput("请填写办理情况", field="report")
    summons = await _units_summons(session, actor, summons_id)
    done = await session.execute(update(Summons).where(Summons.id == summons.id, Summons.reported_at.is_(None))
                                 .values(reported_at=now, report=data.report.strip(),
                                         acknowledged_at=func.coalesce(Summons.acknowledged_at, now))
                                 .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("已经反馈过了", details={"summons_id": summons_id})
    reported = await read_summons(session, summons.id)
    body = f"{reported.unit_name}已反馈「{reported.order_title}」：{reported.report}"
    await notify(session, [Note(summons.summoned_by_id, NotificationKind.SUMMONS, "部门已反馈", body,
                                summons.order_id, f"summons_reported:{summons.id}:{summons.summoned_by_id}")], now)
    return reported


async def list_summons(session: AsyncSession, actor: Actor, open_only: bool) -> list[SummonsRead]:
    """A unit admin's units' summons, and those of orders in a staff member's areas."""
    order_path = select(Area.path).where(Area.id == Order.area_id).scalar_subquery()
    query = _with_names().where(
        Summons.unit_id.in_(actor.unit_ids() or {-1}) | actor.in_scope(order_path, *DISPATCHERS))
    if open_only:
        query = query.where(Summons.reported_at.is_(None))
    rows = (await session.execute(query.order_by(Summons.id.desc()).limit(200))).all()
    return [_read(*row) for row in rows]


async def read_summons(session: AsyncSession, summons_id: int) -> SummonsRead:
    row = (await session.execute(_with_names().where(Summons.id == summons_id)
                                 .execution_options(populate_existing=True))).one()
    return _read(*row)


def _with_names() -> Select[tuple[Summons, str, str]]:
    return select(Summons, Order.title, Unit.name).join(Order, Order.id == Summons.order_id) \
        .join(Unit, Unit.id == Summons.unit_id)


def _read(s: Summons, title: str, unit_name: str) -> SummonsRead:
    return SummonsRead(s.id, s.order_id, title, s.unit_id, unit_name, s.note, s.created_at, s.ack_due_at,
                       s.report_due_at, s.acknowledged_at, s.ack_missed_at is not None, s.reported_at, s.report,
                       s.report_overdue_at is not None)


async def _units_summons(session: AsyncSession, actor: Actor, summons_id: int) -> Summons:
    summons = await session.get(Summons, summons_id)
    if summons is None or summons.unit_id not in actor.unit_ids():
        raise NotFound("吹哨记录不存在")
    return summons


SummonsCreateBody = example_body(SummonsCreate, {"unit_id": 3, "note": "楼道消防通道被占，请城管协助清理",
                                                 "report_within_hours": 24})
SummonsReportBody = example_body(SummonsReport, {"report": "已到现场清理，通道已畅通"})
