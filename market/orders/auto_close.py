"""The auto-close sweeper: a completed order its resident stayed silent about closes by itself, unrated.

It works in batches, one transaction each: due orders are selected by an indexed query and closed with a
conditional update (`… WHERE status = 'completed' AND completed_at <= :cutoff`), so two sweepers at once
close each order once; the events and notifications of a batch are written in its transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.database import Database
from market.models import Offer, Order, OrderEvent
from market.notifications.service import Note, notify
from market.vocab import NotificationKind, OfferStatus, OrderStatus

BATCH_SIZE = 500


async def close_silent_completions(database: Database, now: datetime, after_days: int,
                                   batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """A completed order its resident neither confirmed nor disputed within `after_days` closes, unrated."""
    cutoff = now - timedelta(days=after_days)
    closed = await database.in_batches(lambda session: _close_batch(session, now, cutoff, after_days, batch_size),
                                       batch_size)
    return {"closed": closed}


async def _close_batch(session: AsyncSession, now: datetime, cutoff: datetime, after_days: int,
                       batch_size: int) -> tuple[int, int]:
    # The status as a literal, so that SQLite sees the partial index on completed orders applies.
    due = (await session.scalars(
        select(Order.id).where(Order.status == literal_column("'completed'"), Order.completed_at <= cutoff)
        .order_by(Order.completed_at, Order.id).limit(batch_size))).all()
    if not due:
        return 0, 0
    closed = (await session.execute(
        update(Order).where(Order.id.in_(due), Order.status == literal_column("'completed'"),
                            Order.completed_at <= cutoff)
        .values(status=OrderStatus.CLOSED, version=Order.version + 1, updated_at=now)
        .returning(Order.id, Order.requester_id, Order.title)
        .execution_options(synchronize_session=False))).all()
    if not closed:
        return len(due), 0
    note = f"居民 {after_days} 天内未确认也未提出异议，系统自动办结（无评价）"
    await session.execute(OrderEvent.__table__.insert(), [
        {"order_id": order_id, "actor_id": None, "action": "auto_close", "from_status": OrderStatus.COMPLETED,
         "to_status": OrderStatus.CLOSED, "note": note, "at": now} for order_id, _, _ in closed])
    await notify(session, await _closing_notes(session, closed, note), now)
    return len(due), len(closed)


async def _closing_notes(session: AsyncSession, closed: list, note: str) -> list[Note]:
    served_by: dict[int, list[int]] = {}
    for order_id, member_id in (await session.execute(select(Offer.order_id, Offer.member_id).where(
            Offer.order_id.in_([order_id for order_id, _, _ in closed]), Offer.status == OfferStatus.ACCEPTED,
            Offer.member_id.is_not(None)))).all():
        served_by.setdefault(order_id, []).append(member_id)
    notes = []
    for order_id, requester_id, title in closed:
        for recipient in ([requester_id] if requester_id else []) + served_by.get(order_id, []):
            notes.append(Note(recipient, NotificationKind.ORDER_AUTO_CLOSED, "订单已自动办结",
                              f"「{title}」{note}。", order_id, f"auto_closed:{order_id}:{recipient}"))
    return notes
