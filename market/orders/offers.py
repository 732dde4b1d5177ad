"""Offers (派单) and their answers: offer by hand, accept, decline, withdraw, a unit naming its member, claim (抢单)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Conflict, Forbidden, InvalidInput, NotFound
from market.models import Area, MemberProfile, Offer, Order, Unit, UnitCommunity
from market.notifications.service import Note, notify, tell_requester, unit_admins
from market.orders import capacity, lifecycle
from market.orders.parties import take_order, visible_order
from market.orders.schemas import OfferCreate
from market.units.dispatch_profile import check_unit_has_room
from market.vocab import (
    EXCLUDING_OFFER_STATUSES,
    LIVE_OFFER_STATUSES,
    DeclineReason,
    NotificationKind,
    OfferStatus,
    OrderStatus,
    RegistrationStatus,
)

DEFAULT_ACCEPT_MINUTES = 24 * 60


async def offer_by_hand(session: AsyncSession, actor: Actor, order_id: int, data: OfferCreate,
                        now: datetime) -> Offer:
    if (data.member_id is None) == (data.unit_id is None):
        raise InvalidInput("请指定一位党员或一个单位", field="member_id")
    order = await take_order(session, actor, order_id, "offer", now)
    minutes = data.accept_within_minutes or DEFAULT_ACCEPT_MINUTES
    offer = Offer(member_id=data.member_id, unit_id=data.unit_id, accept_due_at=now + timedelta(minutes=minutes))
    return await _make_offer(session, actor, order, offer, now, "社区派单")


async def offer_from_round(session: AsyncSession, actor: Actor, order_id: int, member_id: int | None,
                           unit_id: int | None, run_id: int, why: dict[str, int], accept_due_at: datetime,
                           now: datetime) -> Offer:
    """A round's assignment made an offer: the same checks as by hand, on whatever the order is now."""
    order = await lifecycle.lock(session, order_id, "offer", now)
    if unit_id is not None:
        await check_unit_has_room(session, unit_id)
    offer = Offer(member_id=member_id, unit_id=unit_id, accept_due_at=accept_due_at, match_run_id=run_id,
                  explanation=why)
    return await _make_offer(session, actor, order, offer, now, "社区派单（优化轮次）")


async def _make_offer(session: AsyncSession, actor: Actor, order: Order, offer: Offer, now: datetime,
                      note: str) -> Offer:
    """The checks every offer passes, then the offer on a free slot of the order (locked by the caller)."""
    offer.slot = await _free_slot(session, order)
    if offer.member_id is not None:
        await check_member_may_serve(session, order, offer.member_id)
        await capacity.reserve(session, offer.member_id)
    else:
        await check_unit_serves(session, order, offer.unit_id or 0)
    offer.order_id, offer.offered_by_id, offer.status, offer.offered_at = (
        order.id, actor.account_id, OfferStatus.OFFERED, now)
    await _insert(session, offer)
    await _tell_new_offer(session, order, offer, now)
    await lifecycle.finish(session, order, "offer", OrderStatus.OFFERED, actor.account_id, now, note)
    return offer


async def _tell_new_offer(session: AsyncSession, order: Order, offer: Offer, now: datetime) -> None:
    recipients = [offer.member_id] if offer.member_id else (await unit_admins(session, [offer.unit_id or 0])).get(
        offer.unit_id or 0, [])
    await notify(session, [Note(recipient, NotificationKind.NEW_OFFER, "您有一条新派单",
                                f"「{order.title}」派给了您，请在接单时限内答复是否接单。", order.id,
                                f"new_offer:{offer.id}:{recipient}") for recipient in recipients], now)


async def accept_offer(session: AsyncSession, actor: Actor, offer_id: int, now: datetime) -> Order:
    offer = await _my_offer(session, actor, offer_id)
    if offer.member_id is None:
        raise Conflict("单位派单请由单位管理员指定服务党员", details={"offer_id": offer_id})
    order = await lifecycle.lock(session, offer.order_id, "accept", now)
    result = await session.execute(
        update(Offer).where(Offer.id == offer_id, Offer.status == OfferStatus.OFFERED, Offer.accept_due_at > now)
        .values(status=OfferStatus.ACCEPTED, responded_at=now, version=Offer.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise await _offer_conflict(session, offer_id, now)
    await _finish_answer(session, actor, order, "accept", now, "已接单")
    return order


async def accept_for_unit(session: AsyncSession, actor: Actor, offer_id: int, member_id: int, now: datetime) -> Order:
    """A unit's admin accepts an offer made to the unit and names the member who serves."""
    offer = await _my_offer(session, actor, offer_id)
    if offer.unit_id is None or offer.unit_id not in actor.unit_ids():
        raise Forbidden("只有该单位的管理员可以为单位接单")
    member = await session.get(MemberProfile, member_id)
    if member is None or member.work_unit_id != offer.unit_id or member.unit_confirmed_at is None:
        raise InvalidInput("请选择本单位已确认的党员", field="member_id")
    order = await lifecycle.lock(session, offer.order_id, "accept", now)
    await check_member_may_serve(session, order, member_id)
    await capacity.reserve(session, member_id)
    result = await session.execute(
        update(Offer).where(Offer.id == offer_id, Offer.status == OfferStatus.OFFERED, Offer.accept_due_at > now)
        .values(status=OfferStatus.ACCEPTED, member_id=member_id, responded_at=now, version=Offer.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise await _offer_conflict(session, offer_id, now)
    await _finish_answer(session, actor, order, "accept", now, "单位接单")
    return order


async def decline_offer(session: AsyncSession, actor: Actor, offer_id: int, reason: str, note: str,
                        now: datetime) -> Order:
    offer = await _my_offer(session, actor, offer_id)
    order = await lifecycle.lock(session, offer.order_id, "decline", now)
    await _end_offer(session, offer, OfferStatus.DECLINED, now, reason)
    await _finish_answer(session, actor, order, "decline", now, f"{DeclineReason(reason).label} {note}".strip())
    return order


async def withdraw_offer(session: AsyncSession, actor: Actor, offer_id: int, now: datetime) -> Order:
    offer = await session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("派单不存在")
    order = await take_order(session, actor, offer.order_id, "withdraw", now)
    await _end_offer(session, offer, OfferStatus.WITHDRAWN, now, None)
    await _finish_answer(session, actor, order, "withdraw", now, "撤回派单")
    return order


async def claim_order(session: AsyncSession, actor: Actor, order_id: int, now: datetime) -> Order:
    """抢单: take a free slot of a claimable order from the member's board, within capacity."""
    order = await take_order(session, actor, order_id, "claim", now)
    if not order.claimable:
        raise lifecycle.conflict(order_id, order.status, "claim")
    await check_member_may_serve(session, order, actor.account_id)
    slot = await _free_slot(session, order)
    await capacity.reserve(session, actor.account_id)
    await _insert(session, Offer(order_id=order.id, slot=slot, member_id=actor.account_id, status=OfferStatus.ACCEPTED,
                                 offered_at=now, responded_at=now))
    to = await _status_after_answers(session, order)
    await lifecycle.finish(session, order, "claim", to, actor.account_id, now, "党员抢单")
    await _tell_if_accepted(session, order, now)
    return order


async def _my_offer(session: AsyncSession, actor: Actor, offer_id: int) -> Offer:
    offer = await session.get(Offer, offer_id)
    if offer is None or not (offer.member_id == actor.account_id or (offer.unit_id in actor.unit_ids())):
        raise NotFound("派单不存在")
    return offer


async def _offer_conflict(session: AsyncSession, offer_id: int, now: datetime) -> Conflict:
    offer = await session.get(Offer, offer_id, populate_existing=True)
    status = offer.status if offer else None
    if status == OfferStatus.OFFERED and offer and offer.accept_due_at and offer.accept_due_at <= now:
        return Conflict("派单已超过接单时限", details={"offer_id": offer_id, "current_state": "expired"})
    label = OfferStatus(status).label if status else "未知"
    return Conflict(f"该派单当前为「{label}」", details={"offer_id": offer_id, "current_state": status})


async def _end_offer(session: AsyncSession, offer: Offer, status: OfferStatus, now: datetime,
                     reason: str | None) -> None:
    result = await session.execute(
        update(Offer).where(Offer.id == offer.id, Offer.status == OfferStatus.OFFERED)
        .values(status=status, decline_reason=reason, responded_at=now, version=Offer.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise await _offer_conflict(session, offer.id, now)
    await capacity.release(session, [offer.member_id])


async def _finish_answer(session: AsyncSession, actor: Actor, order: Order, action: str, now: datetime,
                         note: str) -> None:
    await lifecycle.finish(session, order, action, await _status_after_answers(session, order), actor.account_id,
                           now, note)
    await _tell_if_accepted(session, order, now)


async def _tell_if_accepted(session: AsyncSession, order: Order, now: datetime) -> None:
    if order.status == OrderStatus.ACCEPTED:
        await tell_requester(session, order, NotificationKind.ORDER_ACCEPTED, "您的订单已有人接单",
                             f"「{order.title}」已有党员接单，服务人员会与您联系。", now)


async def _status_after_answers(session: AsyncSession, order: Order) -> OrderStatus:
    """Accepted once every slot is; offered while any offer is out; open when none is left."""
    counts = dict((await session.execute(
        select(Offer.status, func.count()).where(Offer.order_id == order.id, Offer.status.in_(LIVE_OFFER_STATUSES))
        .group_by(Offer.status))).all())
    if counts.get(OfferStatus.ACCEPTED, 0) >= order.headcount:
        return OrderStatus.ACCEPTED
    return OrderStatus.OFFERED if counts else OrderStatus.OPEN


async def _free_slot(session: AsyncSession, order: Order) -> int:
    taken = set((await session.scalars(select(Offer.slot).where(
        Offer.order_id == order.id, Offer.status.in_(LIVE_OFFER_STATUSES)))).all())
    free = [slot for slot in range(1, order.headcount + 1) if slot not in taken]
    if not free:
        raise Conflict("该订单名额已满", details={"order_id": order.id, "current_state": order.status})
    return free[0]


async def check_member_may_serve(session: AsyncSession, order: Order, member_id: int) -> None:
    if await session.get(MemberProfile, member_id) is None:
        raise InvalidInput("该账号不是已报到的党员", field="member_id")
    if member_id == order.requester_id:
        raise Conflict("不能为自己的订单服务", field="member_id")
    answered = await session.scalar(select(Offer.id).where(
        Offer.order_id == order.id, Offer.member_id == member_id,
        Offer.status.in_(EXCLUDING_OFFER_STATUSES)))
    if answered is not None:
        raise Conflict("该党员已接过或婉拒过此单", field="member_id")


async def check_unit_serves(session: AsyncSession, order: Order, unit_id: int) -> None:
    if await session.get(Unit, unit_id) is None:
        raise InvalidInput("单位不存在", field="unit_id")
    order_path = await session.scalar(select(Area.path).where(Area.id == order.area_id)) or ""
    communities = (await session.scalars(
        select(Area.path).join(UnitCommunity, UnitCommunity.community_id == Area.id)
        .where(UnitCommunity.unit_id == unit_id, UnitCommunity.status == RegistrationStatus.CONFIRMED))).all()
    if not any(order_path.startswith(path) for path in communities):
        raise InvalidInput("该单位未在此社区报到", field="unit_id")


async def _insert(session: AsyncSession, offer: Offer) -> None:
    try:
        async with session.begin_nested():
            session.add(offer)
            await session.flush()
    except IntegrityError:
        raise Conflict("该名额刚被他人占用", details={"order_id": offer.order_id}) from None


async def offer_for_member(session: AsyncSession, actor: Actor, offer_id: int) -> tuple[Offer, Order]:
    offer = await _my_offer(session, actor, offer_id)
    order, _ = await visible_order(session, actor, offer.order_id)
    return offer, order
