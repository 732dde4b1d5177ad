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
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from market.database import Database
from market.models import Area, Offer, Order, RoleGrant, Supervision
from market.notifications.service import Note, notify
from market.vocab import LIVE_OFFER_STATUSES, AreaLevel, NotificationKind, OrderStatus, Role, SlaLevel

BATCH_SIZE = 500
# Orders someone still owes an answer or the work.
WATCHED = (OrderStatus.OPEN, OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS, OrderStatus.REOPENED)
LEVELS = (AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT)
STAFF = (Role.DISPATCHER, Role.ADMIN)


async def watch_deadlines(database: Database, now: datetime, stall_days: int, grace_hours: tuple[int, int, int],
                          batch_size: int = BATCH_SIZE) -> dict[str, int]:
    counts = {"red": 0, "yellow": 0, "green": 0, "escalated": 0, "resolved": 0}
    while True:
        async with database.transaction() as session:
            due, turned = await _turn_red(session, now, grace_hours, batch_size)
        counts["red"] += turned
        if due < batch_size:
            break
    async with database.transaction() as session:
        counts["yellow"] = await _turn_yellow(session, now, stall_days)
        counts["green"] = await _turn_green(session, now, stall_days)
        counts["resolved"] = await _resolve(session, now)
    while True:
        async with database.transaction() as session:
            due, escalated = await _escalate(session, now, grace_hours, batch_size)
        counts["escalated"] += escalated
        if due < batch_size:
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
        .values(sla_level=SlaLevel.RED, red_at=now).returning(Order.id, Order.area_id, Order.title)
        .execution_options(synchronize_session=False))).all()
    areas = await all_areas(session)
    starts = [(order_id, level_area(areas, area_id, AreaLevel.COMMUNITY), title) for order_id, area_id, title in red]
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
    areas = await all_areas(session)
    titles = dict((await session.execute(select(Order.id, Order.title).where(
        Order.id.in_([order_id for order_id, _, _ in moved] or [-1])))).all())
    above = []
    for order_id, area_id, level in moved:
        up = LEVELS[LEVELS.index(AreaLevel(level)) + 1]
        parent = level_area(areas, area_id, up)
        if parent:
            above.append((order_id, parent, up, titles[order_id]))
    await _supervise(session, above, now, grace_hours, NotificationKind.ESCALATION)
    return len(due), len(moved)


async def _supervise(session: AsyncSession, notices: list[tuple[int, int, AreaLevel, str]], now: datetime,
                     grace_hours: tuple[int, int, int], kind: NotificationKind) -> None:
    """A supervision per (order, level area), and a note to that area's staff and the order's assignees."""
    if not notices:
        return
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    await session.execute(dialect.insert(Supervision).on_conflict_do_nothing(index_elements=["order_id", "area_id"]), [
        {"order_id": order_id, "area_id": area_id, "level": level, "created_at": now,
         "grace_until": now + timedelta(hours=grace_hours[LEVELS.index(level)])}
        for order_id, area_id, level, _ in notices])
    staff = await staff_on(session, [area_id for _, area_id, _, _ in notices])
    assignees = await _assignees(session, [order_id for order_id, _, _, _ in notices])
    notes = []
    for order_id, area_id, level, title in notices:
        body = (f"「{title}」已超过办结时限，请督促办理。" if kind == NotificationKind.SUPERVISION
                else f"「{title}」超时未办结，已上报{AreaLevel(level).label}督办。")
        for recipient in sorted(set(staff.get(area_id, []) + assignees.get(order_id, []))):
            notes.append(Note(recipient, kind, "督办提醒" if kind == NotificationKind.SUPERVISION else "逐级上报督办",
                              body, order_id, f"{kind}:{order_id}:{area_id}:{recipient}"))
    await notify(session, notes, now)


async def all_areas(session: AsyncSession) -> dict[int, Area]:
    return {a.id: a for a in (await session.scalars(select(Area))).all()}


def level_area(areas: dict[int, Area], area_id: int, level: AreaLevel) -> int | None:
    """The area of `level` at or above `area_id`."""
    area = areas.get(area_id)
    while area is not None and area.level != level:
        area = areas.get(area.parent_id) if area.parent_id else None
    return area.id if area else None


async def staff_on(session: AsyncSession, area_ids: list[int]) -> dict[int, list[int]]:
    """Who is granted a staff role on exactly that area: that level's own people."""
    found: dict[int, list[int]] = {}
    for area_id, account_id in (await session.execute(select(RoleGrant.area_id, RoleGrant.account_id).where(
            RoleGrant.area_id.in_(area_ids), RoleGrant.role.in_(STAFF)))).all():
        found.setdefault(area_id, []).append(account_id)
    return found


async def _assignees(session: AsyncSession, order_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for order_id, member_id in (await session.execute(select(Offer.order_id, Offer.member_id).where(
            Offer.order_id.in_(order_ids), Offer.status.in_(LIVE_OFFER_STATUSES), Offer.member_id.is_not(None)))).all():
        found.setdefault(order_id, []).append(member_id)
    return found
