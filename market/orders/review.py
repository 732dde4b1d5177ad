"""Review (审核 with triage), rejection, cancellation, the resident's rating, rework and closing (销号)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Conflict, InvalidInput
from market.models import Offer, Order, Rating, SlaPolicy
from market.orders import capacity, lifecycle
from market.orders.parties import take_order
from market.orders.schemas import ApproveRequest, CloseRequest, RateRequest
from market.vocab import LIVE_OFFER_STATUSES, OfferStatus, OrderStatus, Triage

# A rating at or below this reopens the order for the dispatcher to decide.
DISPUTED_STARS = 2


async def approve(session: AsyncSession, actor: Actor, order_id: int, data: ApproveRequest, now: datetime) -> Order:
    order = await take_order(session, actor, order_id, "approve", now)
    sla = await session.get(SlaPolicy, (order.kind, data.triage))
    if sla is None:
        raise Conflict("缺少该类订单的时限规则，请联系管理员", field="triage")
    order.triage = data.triage
    order.claimable = data.claimable
    order.accept_due_at = now + timedelta(minutes=sla.accept_minutes)
    order.due_at = now + timedelta(minutes=sla.complete_minutes)
    note = data.note or f"审核通过，分类：{Triage(data.triage).label}"
    await lifecycle.finish(session, order, "approve", OrderStatus.OPEN, actor.account_id, now, note)
    return order


async def reject(session: AsyncSession, actor: Actor, order_id: int, reason: str, now: datetime) -> Order:
    order = await take_order(session, actor, order_id, "reject", now)
    await lifecycle.finish(session, order, "reject", OrderStatus.REJECTED, actor.account_id, now, reason)
    return order


async def cancel(session: AsyncSession, actor: Actor, order_id: int, reason: str, now: datetime) -> Order:
    """Before anyone accepts: the order is withdrawn with every offer it still has out."""
    order = await take_order(session, actor, order_id, "cancel", now)
    live = (await session.scalars(select(Offer).where(Offer.order_id == order_id,
                                                      Offer.status.in_(LIVE_OFFER_STATUSES)))).all()
    await session.execute(update(Offer).where(Offer.id.in_([o.id for o in live] or [-1]))
                          .values(status=OfferStatus.WITHDRAWN, responded_at=now)
                          .execution_options(synchronize_session=False))
    await capacity.release(session, [o.member_id for o in live])
    await lifecycle.finish(session, order, "cancel", OrderStatus.CANCELLED, actor.account_id, now, reason)
    return order


async def rate(session: AsyncSession, actor: Actor, order_id: int, data: RateRequest, now: datetime) -> Order:
    """The resident confirms and rates; a low rating reopens the order instead."""
    action = "dispute" if data.stars <= DISPUTED_STARS else "confirm"
    order = await take_order(session, actor, order_id, action, now)
    # After rework the resident rates again; the earlier rating stays in the order's events.
    rating = await session.scalar(select(Rating).where(Rating.order_id == order.id))
    if rating is None:
        session.add(Rating(order_id=order.id, rater_id=actor.account_id, stars=data.stars,
                           comment=data.comment.strip(), created_at=now))
    else:
        rating.stars, rating.comment, rating.created_at = data.stars, data.comment.strip(), now
    to = OrderStatus.REOPENED if action == "dispute" else OrderStatus.CONFIRMED
    await lifecycle.finish(session, order, action, to, actor.account_id, now, f"{data.stars} 星 {data.comment}".strip())
    return order


async def rework(session: AsyncSession, actor: Actor, order_id: int, note: str, now: datetime) -> Order:
    """After a dispute, the same assignees take the order up again."""
    order = await take_order(session, actor, order_id, "rework", now)
    assignees = (await session.scalars(select(Offer.member_id).where(
        Offer.order_id == order_id, Offer.status == OfferStatus.ACCEPTED, Offer.member_id.is_not(None)))).all()
    for member_id in assignees:
        await capacity.reserve(session, member_id)
    await lifecycle.finish(session, order, "rework", OrderStatus.IN_PROGRESS, actor.account_id, now, note)
    return order


async def close(session: AsyncSession, actor: Actor, order_id: int, data: CloseRequest, now: datetime) -> Order:
    """销号; closing a disputed order is where the dispatcher decides whether it still earns points."""
    order = await take_order(session, actor, order_id, "close", now)
    note = data.note.strip() or "销号"
    if order.status == OrderStatus.REOPENED:
        if data.award_points is None:
            raise InvalidInput("差评订单销号时，请决定是否仍给服务者积分", field="award_points")
        order.points_decision = "award" if data.award_points else "withhold"
        note += "（差评订单：仍给积分）" if data.award_points else "（差评订单：不给积分）"
    await lifecycle.finish(session, order, "close", OrderStatus.CLOSED, actor.account_id, now, note)
    return order
