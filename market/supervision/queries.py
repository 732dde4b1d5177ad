"""Reading supervision (督办) notices: the ones open in an area, with their orders and levels."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.dispatch.rounds import staff_area
from market.models import Area, Order, Supervision
from market.vocab import AreaLevel, Role

READERS = (Role.DISPATCHER, Role.AUDITOR, Role.ADMIN)


class SupervisionRead(msgspec.Struct):
    id: int
    order_id: int
    order_title: str
    area_id: int
    level: str
    level_name: str
    created_at: datetime
    grace_until: datetime
    escalated_at: datetime | None
    resolved_at: datetime | None


class SupervisionPage(msgspec.Struct):
    items: list[SupervisionRead]
    total: int
    limit: int
    offset: int


async def list_supervisions(session: AsyncSession, actor: Actor, area_id: int, open_only: bool, limit: int,
                            offset: int) -> SupervisionPage:
    """Notices of orders in the area's subtree, the newest first; `open_only` hides resolved ones."""
    area = await staff_area(session, actor, area_id, *READERS)
    order_area = select(Area.path).where(Area.id == Order.area_id).scalar_subquery()
    query = select(Supervision, Order.title).join(Order, Order.id == Supervision.order_id).where(
        order_area.startswith(area.path))
    if open_only:
        query = query.where(Supervision.resolved_at.is_(None))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = (await session.execute(query.order_by(Supervision.id.desc()).limit(limit).offset(offset))).all()
    return SupervisionPage([SupervisionRead(
        s.id, s.order_id, title, s.area_id, s.level, AreaLevel(s.level).label, s.created_at, s.grace_until,
        s.escalated_at, s.resolved_at) for s, title in rows], total, limit, offset)
