"""The SLA watch: red, yellow and green marks, supervision notices (督办) and escalation up the area chain.

Red: the completion deadline passed while the order is still open or being served. Yellow: nobody
accepted it by the acceptance deadline, or no progress for `stall_days`. Going red creates a
supervision at the order's community, telling its dispatchers and the assignees; still red when that
level's grace runs out, it goes up to the street and then the district, each telling its own staff;
once the order is no longer red, its supervisions are resolved and nothing goes further.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, literal_column, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.areas.tree import areas_by_id, level_above
from market.database import Database, insert_ignoring
from market.models import Offer, Order, Supervision
from market.notifications.service import Note, area_staff, notify
from market.vocab import LIVE_OFFER_STATUSES, AreaLevel, NotificationKind, OrderStatus, SlaLevel

BATCH_SIZE = 500
# Orders someone still owes an answer or the work.
WATCHED = (OrderStatus.OPEN, OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS, OrderStatus.REOPENED)
LEVELS = (AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT)


async def watch_deadlines(database: Database, now: datetime, stall_days: int, grace_hours: tuple[int, int, int],
                          batch_size: int = BATCH_SIZE) -> dict[str, int]:
    counts = {"red": await database.in_batches(lambda session: _turn_red(session, now, grace_hours, batch_size),
                                               batch_size)}
    async with database.transaction() as session:
        counts["yellow"] = await _turn_yellow(session, now, stall_days)
        counts["green"] = await _turn_green(session, now, stall_days)
        counts["resolved"] = await _resolve(session, now)
    counts["escalated"] = await database.in_batches(
        lambda session: _escalate(session, now, grace_hours, batch_size), batch_size)
    return counts


def _late(now: datetime) -> object:
    return and_(Order.status.in_(WATCHED), Order.due_at <= now)


def _slow(now: datetime, stall_days: int) -> object:
    return or_(and_(Order.status.in_([OrderStatus.OPEN, OrderStatus.OFFERED]), Order.accept_due_at <= now),
               and_(Order.status.in_([OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS]),
                    Order.updated_at <= now - timedelta(days=stall_days)))


async def _turn_red(session: AsyncSession, now: datetime, grace_hours: tuple[int, int, int],
                    batch_size: int) -> tuple[int, int]:
    due = (await session.scalars(select(Order.id).where(_late(now), Order.sla_level != SlaLevel.RED)
                                 .order_by(Order.due_at, Order.id).limit(batch_size))).all()
    if not due:
        return 0, 0
    red = (await session.execute(
        update(Order).where(Order.id.in_(due), _late(now), Order.sla_level != SlaLevel.RED)
        .values(sla_level=SlaLevel.RED).returning(Order.id, Order.area_id, Order.title)
        .execution_options(synchronize_session=False))).all()
    areas = await areas_by_id(session)
    starts = [(order_id, level_above(areas, area_id, AreaLevel.COMMUNITY), title) for order_id, area_id, title in red]
    await _supervise(session, [(o, a, AreaLevel.COMMUNITY, t) for o, a, t in starts if a], now, grace_hours,
                     NotificationKind.SUPERVISION)
    return len(due), len(red)


async def _turn_yellow(session: AsyncSession, now: datetime, stall_days: int) -> int:
    result = await session.execute(update(Order).where(Order.sla_level == SlaLevel.GREEN, _slow(now, stall_days))
                                   .values(sla_level=SlaLevel.YELLOW).execution_options(synchronize_session=False))
    return result.rowcount or 0


async def _turn_green(session: AsyncSession, now: datetime, stall_days: int) -> int:
    """Settled orders, and yellow ones that were accepted or moved on since, are green again."""
    # 'green' as a literal: SQLite then reads only the partial index of flagged orders.
    result = await session.execute(update(Order).where(
        Order.sla_level != literal_column("'green'"),
        or_(Order.status.not_in(WATCHED),
            and_(Order.sla_level == SlaLevel.YELLOW, not_(_slow(now, stall_days)), not_(_late(now)))))
        .values(sla_level=SlaLevel.GREEN).execution_options(synchronize_session=False))
    return result.rowcount or 0


async def _resolve(session: AsyncSession, now: datetime) -> int:
    settled = exists().where(Order.id == Supervision.order_id, Order.sla_level != SlaLevel.RED)
    result = await session.execute(update(Supervision).where(Supervision.resolved_at.is_(None), settled)
                                   .values(resolved_at=now).execution_options(synchronize_session=False))
    return result.rowcount or 0


async def _escalate(session: AsyncSession, now: datetime, grace_hours: tuple[int, int, int],
                    batch_size: int) -> tuple[int, int]:
    due = (await session.scalars(select(Supervision.id).where(
        Supervision.resolved_at.is_(None), Supervision.escalated_at.is_(None), Supervision.grace_until <= now,
        Supervision.level != AreaLevel.DISTRICT).order_by(Supervision.grace_until, Supervision.id)
        .limit(batch_size))).all()
    if not due:
        return 0, 0
    moved = (await session.execute(
        update(Supervision).where(Supervision.id.in_(due), Supervision.escalated_at.is_(None),
                                  Supervision.resolved_at.is_(None))
        .values(escalated_at=now).returning(Supervision.order_id, Supervision.area_id, Supervision.level)
        .execution_options(synchronize_session=False))).all()
    areas = await areas_by_id(session)
    titles = dict((await session.execute(select(Order.id, Order.title).where(
        Order.id.in_([order_id for order_id, _, _ in moved] or [-1])))).all())
    above = []
    for order_id, area_id, level in moved:
        up = LEVELS[LEVELS.index(AreaLevel(level)) + 1]
        parent = level_above(areas, area_id, up)
        if parent:
            above.append((order_id, parent, up, titles[order_id]))
    await _supervise(session, above, now, grace_hours, NotificationKind.ESCALATION)
    return len(due), len(moved)


async def _supervise(session: AsyncSession, notices: list[tuple[int, int, AreaLevel, str]], now: datetime,
                     grace_hours: tuple[int, int, int], kind: NotificationKind) -> None:
    """A supervision per (order, level area), and a note to that area's staff and the order's assignees."""
    if not notices:
        return
    await session.execute(insert_ignoring(session.bind.dialect.name, Supervision, ["order_id", "area_id"]), [
        {"order_id": order_id, "area_id": area_id, "level": level, "created_at": now,
         "grace_until": now + timedelta(hours=grace_hours[LEVELS.index(level)])}
        for order_id, area_id, level, _ in notices])
    staff = await area_staff(session, [area_id for _, area_id, _, _ in notices])
    assignees = await _assignees(session, [order_id for order_id, _, _, _ in notices])
    notes = []
    for order_id, area_id, level, title in notices:
        body = (f"「{title}」已超过办结时限，请督促办理。" if kind == NotificationKind.SUPERVISION
                else f"「{title}」超时未办结，已上报{AreaLevel(level).label}督办。")
        for recipient in sorted(set(staff.get(area_id, []) + assignees.get(order_id, []))):
            notes.append(Note(recipient, kind, "督办提醒" if kind == NotificationKind.SUPERVISION else "逐级上报督办",
                              body, order_id, f"{kind}:{order_id}:{area_id}:{recipient}"))
    await notify(session, notes, now)


async def _assignees(session: AsyncSession, order_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for order_id, member_id in (await session.execute(select(Offer.order_id, Offer.member_id).where(
            Offer.order_id.in_(order_ids), Offer.status.in_(LIVE_OFFER_STATUSES), Offer.member_id.is_not(None)))).all():
        found.setdefault(order_id, []).append(member_id)
    return found
