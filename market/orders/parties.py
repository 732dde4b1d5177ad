"""How the caller stands to an order (requester, assignee, dispatcher …), and 404 for outsiders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Forbidden, NotFound
from market.models import Area, MemberProfile, Offer, Order
from market.orders.lifecycle import Party, rule
from market.vocab import OfferStatus, OrderStatus, Role

AUDITOR = "auditor"
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
    # Whatever its status now: a member who saw it on their board and lost the race hears 409, not 404.
    if not parties and order.claimable and await _on_board_of(session, actor, order, path):
        parties.add(Party.CLAIMANT)
    serving = any(o.status == OfferStatus.ACCEPTED for o in mine) and order.status in (
        OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS)
    return Standing(frozenset(parties), Party.REQUESTER in parties or serving)


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
    """The order, if the caller may see it (else 404) and may take `action` on it (else 403)."""
    order, found = await visible_order(session, actor, order_id)
    if not found.parties & rule(action).parties:
        raise Forbidden("没有权限执行该操作")
    return order
