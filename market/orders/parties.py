"""How the caller stands to an order (requester, assignee, dispatcher …), and 404 for outsiders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Forbidden, NotFound
from market.models import Area, MemberProfile, Offer, Order, Summons
from market.orders import lifecycle
from market.orders.lifecycle import Party, rule
from market.vocab import OfferStatus, OrderStatus, Role

AUDITOR = "auditor"
SUMMONED = "summoned"  # a department's admin whose unit was summoned (吹哨) to the order: reads it, masked
BOARD_STATUSES = (OrderStatus.OPEN, OrderStatus.OFFERED)


@dataclass(frozen=True)
class Standing:
    """The caller's parties on one order, and whether they see its contact details in full."""

    parties: frozenset[str]
    sees_contact: bool


async def order_area_path(session: AsyncSession, order: Order) -> str:
    path = await session.scalar(select(Area.path).where(Area.id == order.area_id))
    return path or ""


async def standing(session: AsyncSession, actor: Actor, order: Order) -> Standing:
    parties: set[str] = set()
    if order.requester_id == actor.account_id:
        parties.add(Party.REQUESTER)
    path = await order_area_path(session, order)
    if actor.covers(path, Role.DISPATCHER, Role.ADMIN):
        parties.add(Party.DISPATCHER)
    if actor.covers(path, Role.AUDITOR):
        parties.add(AUDITOR)
    offers = (await session.scalars(select(Offer).where(Offer.order_id == order.id))).all()
    mine = [o for o in offers if o.member_id == actor.account_id or (o.unit_id and o.unit_id in actor.unit_ids())]
    if mine:
        parties.add(Party.ASSIGNEE)
    if actor.unit_ids() and await session.scalar(select(Summons.id).where(
            Summons.order_id == order.id, Summons.unit_id.in_(actor.unit_ids())).limit(1)):
        parties.add(SUMMONED)
    # Whatever its status now: a member who saw it on their board and lost the race hears 409, not 404.
    if not parties and order.claimable and await _on_board_of(session, actor, order, path):
        parties.add(Party.CLAIMANT)
    return Standing(frozenset(parties), sees_contact(actor, order, offers))


def sees_contact(actor: Actor, order: Order, offers: Sequence[Offer]) -> bool:
    """The resident, and whoever serves the order while it is live, see its phone and address in full."""
    serving = order.status in (OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS) and any(
        o.order_id == order.id and o.status == OfferStatus.ACCEPTED
        and (o.member_id == actor.account_id or o.unit_id in actor.unit_ids()) for o in offers)
    return order.requester_id == actor.account_id or serving


async def _on_board_of(session: AsyncSession, actor: Actor, order: Order, path: str) -> bool:
    member = await session.get(MemberProfile, actor.account_id)
    if member is None or order.category_code not in member.categories:
        return False
    community_path = await session.scalar(select(Area.path).where(Area.id == member.community_id))
    return bool(community_path) and path.startswith(community_path)


async def visible_order(session: AsyncSession, actor: Actor, order_id: int) -> tuple[Order, Standing]:
    """The order and the caller's standing; 404 when the caller may not know it exists."""
    order = await session.get(Order, order_id)
    if order is None:
        raise NotFound("订单不存在")
    found = await standing(session, actor, order)
    if not found.parties:
        raise NotFound("订单不存在")
    return order, found


async def order_for(session: AsyncSession, actor: Actor, order_id: int, action: str) -> Order:
    """The order, if the caller may see it (else 404) and may take `action` on it (else 403).

    A caller who sees the order learns nothing new from its state, so an action its state no longer
    allows is a 409 naming that state, whoever asks (a member claiming an order they already hold).
    """
    order, found = await visible_order(session, actor, order_id)
    if not found.parties & rule(action).parties:
        if order.status not in rule(action).sources:
            raise lifecycle.conflict(order_id, order.status, action)
        raise Forbidden("没有权限执行该操作")
    return order


async def take_order(session: AsyncSession, actor: Actor, order_id: int, action: str, now: datetime) -> Order:
    """The order locked for `action`: 404 if the caller may not see it, 403 if not theirs to act, 409 if too late."""
    await order_for(session, actor, order_id, action)
    return await lifecycle.lock(session, order_id, action, now)
