"""The order sweepers: offers past their acceptance deadline expire, silent completions close.

Each sweeper works in batches, one transaction per batch. A batch selects due rows by an indexed query,
then changes them with conditional updates (`… WHERE status = 'offered' AND accept_due_at <= :now`),
so two sweepers at once, or one killed and run again, change every row exactly once; the events and
notifications of a batch are written in its transaction, so a killed batch leaves nothing behind.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.database import Database
from market.models import MemberProfile, Offer, Order, OrderEvent
from market.notifications.service import Note, notify, unit_admins
from market.vocab import LIVE_OFFER_STATUSES, NotificationKind, OfferStatus, OrderStatus

BATCH_SIZE = 500


async def expire_offers(database: Database, now: datetime, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Every offer past its acceptance deadline expires; its order goes back to open (or stays offered
    while other offers are out), and the member's record counts the lapse."""
    expired = 0
    while True:
        async with database.transaction() as session:
            due, done = await _expire_batch(session, now, batch_size)
        expired += done
        if due < batch_size:
            return {"expired": expired}


async def _expire_batch(session: AsyncSession, now: datetime, batch_size: int) -> tuple[int, int]:
    due = (await session.execute(
        select(Offer.id, Offer.order_id).where(Offer.status == OfferStatus.OFFERED, Offer.accept_due_at <= now)
        .order_by(Offer.accept_due_at, Offer.id).limit(batch_size))).all()
    if not due:
        return 0, 0
    # Orders first, in id order, as every other transition locks them: no deadlock with an accept.
    await _lock_orders(session, sorted({order_id for _, order_id in due}))
    expired = (await session.execute(
        update(Offer).where(Offer.id.in_([offer_id for offer_id, _ in due]), Offer.status == OfferStatus.OFFERED,
                            Offer.accept_due_at <= now)
        .values(status=OfferStatus.EXPIRED, responded_at=now, version=Offer.version + 1)
        .returning(Offer.id, Offer.order_id, Offer.member_id, Offer.unit_id)
        .execution_options(synchronize_session=False))).all()
    if not expired:
        return len(due), 0
    await _release_lapsed(session, Counter(member_id for _, _, member_id, _ in expired if member_id is not None))
    await _reopen(session, sorted({order_id for _, order_id, _, _ in expired}), now)
    await notify(session, await _lapse_notes(session, expired), now)
    return len(due), len(expired)


async def _lock_orders(session: AsyncSession, order_ids: list[int]) -> None:
    await session.execute(select(Order.id).where(Order.id.in_(order_ids)).order_by(Order.id).with_for_update())


async def _release_lapsed(session: AsyncSession, lapses: Counter[int]) -> None:
    if not lapses:
        return
    count = case(*((MemberProfile.account_id == member, n) for member, n in lapses.items()), else_=0)
    await session.execute(
        update(MemberProfile).where(MemberProfile.account_id.in_(list(lapses)))
        .values(live_orders=case((MemberProfile.live_orders >= count, MemberProfile.live_orders - count), else_=0),
                lapsed_offers=MemberProfile.lapsed_offers + count)
        .execution_options(synchronize_session=False))


async def _reopen(session: AsyncSession, order_ids: list[int], now: datetime) -> None:
    """Each order's status after the lapse, and its event: offered while any offer is out, else open."""
    still_out = dict((await session.execute(
        select(Offer.order_id, func.count()).where(Offer.order_id.in_(order_ids), Offer.status.in_(LIVE_OFFER_STATUSES))
        .group_by(Offer.order_id))).all())
    events = []
    for order_id in order_ids:
        to = OrderStatus.OFFERED if still_out.get(order_id) else OrderStatus.OPEN
        events.append({"order_id": order_id, "actor_id": None, "action": "expire", "from_status": OrderStatus.OFFERED,
                       "to_status": to, "note": "超过接单时限未答复，已收回重新派单" if to == OrderStatus.OPEN
                       else "超过接单时限未答复，该名额已收回", "at": now})
    reopened = [e["order_id"] for e in events if e["to_status"] == OrderStatus.OPEN]
    await session.execute(update(Order).where(Order.id.in_(order_ids), Order.status == OrderStatus.OFFERED)
                          .values(status=case((Order.id.in_(reopened or [-1]), OrderStatus.OPEN),
                                              else_=OrderStatus.OFFERED),
                                  version=Order.version + 1, updated_at=now)
                          .execution_options(synchronize_session=False))
    await session.execute(OrderEvent.__table__.insert(), events)


async def _lapse_notes(session: AsyncSession, expired: list) -> list[Note]:
    titles = dict((await session.execute(
        select(Order.id, Order.title).where(Order.id.in_({order_id for _, order_id, _, _ in expired})))).all())
    admins = await unit_admins(session, [unit_id for _, _, member_id, unit_id in expired if member_id is None and unit_id])
    notes = []
    for offer_id, order_id, member_id, unit_id in expired:
        for recipient in [member_id] if member_id is not None else admins.get(unit_id, []):
            notes.append(Note(recipient, NotificationKind.OFFER_EXPIRED, "派单已超时",
                              f"「{titles[order_id]}」超过接单时限未答复，已收回并记录一次超时。", order_id,
                              f"offer_expired:{offer_id}:{recipient}"))
    return notes


async def close_silent_completions(database: Database, now: datetime, after_days: int,
                                   batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """A completed order its resident neither confirmed nor disputed within `after_days` closes, unrated."""
    cutoff = now - timedelta(days=after_days)
    closed = 0
    while True:
        async with database.transaction() as session:
            due, done = await _close_batch(session, now, cutoff, after_days, batch_size)
        closed += done
        if due < batch_size:
            return {"closed": closed}


async def _close_batch(session: AsyncSession, now: datetime, cutoff: datetime, after_days: int,
                       batch_size: int) -> tuple[int, int]:
    due = (await session.scalars(
        select(Order.id).where(Order.status == OrderStatus.COMPLETED, Order.completed_at <= cutoff)
        .order_by(Order.completed_at, Order.id).limit(batch_size))).all()
    if not due:
        return 0, 0
    closed = (await session.execute(
        update(Order).where(Order.id.in_(due), Order.status == OrderStatus.COMPLETED, Order.completed_at <= cutoff)
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
