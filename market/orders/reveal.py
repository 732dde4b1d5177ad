"""Staff revealing a resident's full phone or address, with a reason; every reveal is logged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Conflict, Forbidden, NotFound
from market.models import Account, OrderPhoto, RevealLog
from market.orders.lifecycle import Party
from market.orders.parties import visible_order
from market.orders.schemas import RevealRead, RevealRequest


async def reveal_contact(session: AsyncSession, actor: Actor, order_id: int, data: RevealRequest,
                         now: datetime) -> RevealRead:
    order, standing = await visible_order(session, actor, order_id)
    if Party.DISPATCHER not in standing.parties:
        raise Forbidden("只有负责该区域的社区工作者可以查看完整联系方式")
    if data.field == "address":
        value = order.address
    else:
        requester = await session.get(Account, order.requester_id) if order.requester_id else None
        if requester is None or not requester.phone:
            raise Conflict("该订单没有联系电话", field="field")
        value = requester.phone
    subject_id = order.requester_id or order.created_by_id
    if subject_id is None:
        raise Conflict("该订单没有可查看的联系人", field="field")
    session.add(RevealLog(actor_id=actor.account_id, subject_id=subject_id, order_id=order.id, field=data.field,
                          reason=data.reason.strip(), at=now))
    return RevealRead(field=data.field, value=value)


async def photo_for(session: AsyncSession, actor: Actor, order_id: int, photo_id: int) -> OrderPhoto:
    """A photo of an order the caller may see; 404 otherwise."""
    await visible_order(session, actor, order_id)
    photo = await session.scalar(select(OrderPhoto).where(OrderPhoto.id == photo_id, OrderPhoto.order_id == order_id))
    if photo is None:
        raise NotFound("照片不存在")
    return photo
