"""Serving an order: start, progress notes, completion with evidence (办结)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import InvalidInput
from market.models import Offer, Order, OrderPhoto
from market.notifications.service import tell_requester
from market.orders import capacity, lifecycle, photos
from market.orders.parties import take_order
from market.vocab import NotificationKind, OfferStatus, OrderStatus


async def start(session: AsyncSession, actor: Actor, order_id: int, now: datetime) -> Order:
    order = await take_order(session, actor, order_id, "start", now)
    order.started_at = order.started_at or now
    await lifecycle.finish(session, order, "start", OrderStatus.IN_PROGRESS, actor.account_id, now, "开始服务")
    return order


async def add_progress(session: AsyncSession, actor: Actor, order_id: int, note: str, now: datetime) -> Order:
    order = await take_order(session, actor, order_id, "progress", now)
    await lifecycle.finish(session, order, "progress", OrderStatus.IN_PROGRESS, actor.account_id, now, note)
    return order


async def complete(session: AsyncSession, actor: Actor, order_id: int, note: str, photo_bytes: list[bytes],
                   data_dir: str, now: datetime) -> Order:
    """Completion frees every assignee's capacity; photos are written only once the order may complete."""
    if not note.strip():
        raise InvalidInput("请填写办结说明", field="note")
    photos.check_photos(photo_bytes)
    order = await take_order(session, actor, order_id, "complete", now)
    assignees = (await session.scalars(select(Offer.member_id).where(
        Offer.order_id == order_id, Offer.status == OfferStatus.ACCEPTED))).all()
    await capacity.release(session, assignees)
    order.completed_at = now
    event = await lifecycle.finish(session, order, "complete", OrderStatus.COMPLETED, actor.account_id, now,
                                   note.strip())
    await tell_requester(session, order, NotificationKind.ORDER_COMPLETED, "服务已完成，请确认并评价",
                         f"「{order.title}」已办结，请确认服务并评价。", now)
    stored = photos.store_photos(data_dir, order_id, photo_bytes)
    try:
        session.add_all(OrderPhoto(order_id=order_id, event_id=event.id, uploaded_by_id=actor.account_id,
                                   path=p.relative_path, content_type=p.content_type, size_bytes=p.size_bytes,
                                   created_at=now) for p in stored)
        await session.flush()
    except Exception:
        photos.remove_photos(data_dir, stored)
        raise
    return order
