"""Posting orders: dispatchers' problems (诉求), the checks every draft passes, a new order row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import InvalidInput
from market.models import Area, Category, Order, OrderEvent, ResidentProfile, Skill
from market.orders.schemas import OrderCreate, ProblemCreate
from market.vocab import AreaLevel, OrderKind, OrderStatus, Role, SlaLevel

MAX_IDEMPOTENCY_KEY = 64


async def post_problem(session: AsyncSession, actor: Actor, data: ProblemCreate, idempotency_key: str | None,
                       now: datetime) -> tuple[Order, bool]:
    if previous := await _previous_post(session, actor, idempotency_key):
        return previous, False
    _check_window(data.window_start, data.window_end)
    await _check_taxonomy(session, data.category, data.skills)
    grid = await session.get(Area, data.grid_id)
    if grid is None or grid.level != AreaLevel.GRID or not actor.covers(grid.path, Role.DISPATCHER, Role.ADMIN):
        raise InvalidInput("请选择您负责区域内的网格", field="grid_id")
    if data.requester_id is not None and await session.get(ResidentProfile, data.requester_id) is None:
        raise InvalidInput("找不到该居民", field="requester_id")
    order = new_order(
        kind=OrderKind.ISSUE, source=data.source, category=data.category, title=data.title,
        description=data.description, urgency=data.urgency, headcount=data.headcount, skills=data.skills,
        area_id=grid.id, address=data.address.strip(), window_start=data.window_start, window_end=data.window_end,
        budget_fen=None, requester_id=data.requester_id, created_by_id=actor.account_id,
        idempotency_key=idempotency_key, now=now)
    return await _insert(session, actor, order, idempotency_key, now)


async def _previous_post(session: AsyncSession, actor: Actor, key: str | None) -> Order | None:
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(f"Idempotency-Key 须为 1–{MAX_IDEMPOTENCY_KEY} 个字符", field="Idempotency-Key")
    return await session.scalar(select(Order).where(Order.created_by_id == actor.account_id,
                                                    Order.idempotency_key == key))


async def _insert(session: AsyncSession, actor: Actor, order: Order, key: str | None,
                  now: datetime) -> tuple[Order, bool]:
    try:
        async with session.begin_nested():
            session.add(order)
            await session.flush()
    except IntegrityError:
        # The same key posted at the same moment by a concurrent retry: that one's order stands.
        previous = await _previous_post(session, actor, key)
        if previous is None:
            raise
        return previous, False
    session.add(OrderEvent(order_id=order.id, actor_id=actor.account_id, action="post", from_status=None,
                           to_status=OrderStatus.SUBMITTED, note="", at=now))
    await session.flush()
    return order, True


def check_draft(data: OrderCreate, budget_cap_yuan: int) -> int | None:
    """The checks a draft passes before any database is asked; returns the budget in fen."""
    _check_window(data.window_start, data.window_end)
    return _budget_fen(data, budget_cap_yuan)


def check_window_ahead(data: OrderCreate, now: datetime) -> None:
    """A wish for a time already over cannot be served: say so before it is posted."""
    if data.window_end is not None and data.window_end <= now:
        raise InvalidInput("希望的时间已经过去，请重新选择", field="window_end")


async def _check_taxonomy(session: AsyncSession, category: str, skills: list[str]) -> None:
    found = await session.get(Category, category)
    if found is None or not found.is_active:
        raise InvalidInput("没有这个服务类别，请从列表中选择", field="category")
    known = set((await session.scalars(select(Skill.code).where(Skill.code.in_(skills or ["-"])))).all())
    if unknown := sorted(set(skills) - known):
        raise InvalidInput(f"未知的技能：{'、'.join(unknown)}", field="skills")


def _check_window(start: datetime | None, end: datetime | None) -> None:
    for field, moment in (("window_start", start), ("window_end", end)):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInput("时间须带时区，例如 2026-11-24T09:00:00+08:00", field=field)
    if start is not None and end is not None and end <= start:
        raise InvalidInput("结束时间须晚于开始时间", field="window_end")


def _budget_fen(data: OrderCreate, cap_yuan: int) -> int | None:
    if data.kind != OrderKind.WISH:
        if data.budget_yuan is not None:
            raise InvalidInput("只有微心愿可以填写预算", field="budget_yuan")
        return None
    if data.budget_yuan is None:
        raise InvalidInput("微心愿请填写预算", field="budget_yuan")
    if data.budget_yuan > cap_yuan:
        raise InvalidInput(f"微心愿预算不能超过 {cap_yuan} 元", field="budget_yuan")
    return data.budget_yuan * 100


def new_order(*, kind: str, source: str, category: str, title: str, description: str, urgency: int,
               headcount: int, skills: list[str], area_id: int, address: str, window_start: datetime | None,
               window_end: datetime | None, budget_fen: int | None, requester_id: int | None, created_by_id: int,
               idempotency_key: str | None, now: datetime) -> Order:
    return Order(kind=kind, source=source, category_code=category, title=title.strip(),
                 description=description.strip(), skills=sorted(set(skills)), headcount=headcount, urgency=urgency,
                 area_id=area_id, address=address, window_start=window_start, window_end=window_end,
                 budget_fen=budget_fen, requester_id=requester_id, created_by_id=created_by_id, claimable=False,
                 idempotency_key=idempotency_key, status=OrderStatus.SUBMITTED, version=1,
                 sla_level=SlaLevel.GREEN, created_at=now, updated_at=now)
