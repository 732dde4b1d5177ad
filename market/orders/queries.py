"""Reading orders: the caller's list with filters, one order with its history, the open board."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, tzinfo
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.models import (
    Account,
    Area,
    Category,
    MemberProfile,
    Offer,
    Order,
    OrderEvent,
    OrderPhoto,
    Rating,
    Summons,
    Unit,
)
from market.orders.masking import shown_address, shown_phone
from market.orders.parties import BOARD_STATUSES, Standing, sees_contact, visible_order
from market.orders.schemas import (
    AssigneeRead,
    EventRead,
    OfferExplained,
    OrderDetail,
    OrderPage,
    OrderRead,
    PersonRead,
)
from market.vocab import LIVE_OFFER_STATUSES, OfferStatus, OrderKind, OrderStatus, Role, SlaLevel

SORTS = {"created_at": Order.created_at, "due_at": Order.due_at, "urgency": Order.urgency, "id": Order.id}


class OrderFilter(msgspec.Struct, kw_only=True):
    status: list[str] = []
    kind: str | None = None
    category: str | None = None
    area_id: int | None = None
    assignee_id: int | None = None
    sla_level: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    sort: str = "-created_at"
    limit: int = 20
    offset: int = 0


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """Orders the caller may list: their own, those offered to them or their unit, and their areas'."""
    mine = exists().where(Offer.order_id == Order.id, or_(Offer.member_id == actor.account_id,
                                                          Offer.unit_id.in_(actor.unit_ids() or {-1})))
    in_area = exists().where(Area.id == Order.area_id,
                             actor.in_scope(Area.path, Role.DISPATCHER, Role.AUDITOR, Role.ADMIN))
    if not actor.unit_ids():
        return or_(Order.requester_id == actor.account_id, mine, in_area)
    summoned = exists().where(Summons.order_id == Order.id, Summons.unit_id.in_(actor.unit_ids()))
    return or_(Order.requester_id == actor.account_id, mine, in_area, summoned)


def _filtered(query: Select[Any], wanted: OrderFilter, tz: tzinfo) -> Select[Any]:
    if wanted.status:
        query = query.where(Order.status.in_(wanted.status))
    if wanted.kind:
        query = query.where(Order.kind == wanted.kind)
    if wanted.category:
        query = query.where(Order.category_code == wanted.category)
    if wanted.area_id is not None:
        area_path = select(Area.path).where(Area.id == wanted.area_id).scalar_subquery()
        query = query.where(exists().where(Area.id == Order.area_id, Area.path.startswith(area_path)))
    if wanted.assignee_id is not None:
        query = query.where(exists().where(Offer.order_id == Order.id, Offer.member_id == wanted.assignee_id,
                                           Offer.status.in_(LIVE_OFFER_STATUSES)))
    if wanted.sla_level:
        query = query.where(Order.sla_level == wanted.sla_level)
    if wanted.created_from:
        query = query.where(Order.created_at >= datetime.combine(wanted.created_from, time(), tz))
    if wanted.created_to:
        query = query.where(Order.created_at < datetime.combine(wanted.created_to, time.max, tz))
    return query


async def list_orders(session: AsyncSession, actor: Actor, wanted: OrderFilter, tz: tzinfo) -> OrderPage:
    query = _filtered(select(Order).where(visible_to(actor)), wanted, tz)
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    column = SORTS[wanted.sort.lstrip("-")]
    ordering = column.desc() if wanted.sort.startswith("-") else column.asc()
    orders = (await session.scalars(query.order_by(ordering, Order.id.desc())
                                    .limit(wanted.limit).offset(wanted.offset))).all()
    items = await read_many(session, actor, orders)
    return OrderPage(items=items, total=total or 0, limit=wanted.limit, offset=wanted.offset)


async def board(session: AsyncSession, actor: Actor, limit: int, offset: int) -> OrderPage:
    """Claimable orders with a free slot, in the member's community and categories."""
    member = await session.get(MemberProfile, actor.account_id)
    if member is None:
        return OrderPage(items=[], total=0, limit=limit, offset=offset)
    community_path = select(Area.path).where(Area.id == member.community_id).scalar_subquery()
    live = select(func.count()).where(Offer.order_id == Order.id, Offer.status.in_(LIVE_OFFER_STATUSES))
    query = (select(Order)
             .where(Order.claimable.is_(True), Order.status.in_(BOARD_STATUSES),
                    Order.category_code.in_(member.categories or ["-"]),
                    or_(Order.requester_id.is_(None), Order.requester_id != actor.account_id),
                    live.scalar_subquery() < Order.headcount,
                    exists().where(Area.id == Order.area_id, Area.path.startswith(community_path))))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    orders = (await session.scalars(query.order_by(Order.urgency.desc(), Order.created_at).limit(limit)
                                    .offset(offset))).all()
    return OrderPage(items=await read_many(session, actor, orders), total=total or 0, limit=limit, offset=offset)


async def read_order(session: AsyncSession, actor: Actor, order_id: int) -> OrderDetail:
    order, found = await visible_order(session, actor, order_id)
    [summary] = await read_many(session, actor, [order], {order.id: found})
    events = (await session.execute(
        select(OrderEvent, Account.display_name).outerjoin(Account, Account.id == OrderEvent.actor_id)
        .where(OrderEvent.order_id == order.id).order_by(OrderEvent.at, OrderEvent.id))).all()
    photo_ids = (await session.scalars(select(OrderPhoto.id).where(OrderPhoto.order_id == order.id)
                                       .order_by(OrderPhoto.id))).all()
    rating = await session.scalar(select(Rating).where(Rating.order_id == order.id))
    return OrderDetail(
        **msgspec.structs.asdict(summary),
        events=[EventRead(e.action, e.from_status, e.to_status, OrderStatus(e.to_status).label, name, e.note, e.at)
                for e, name in events],
        photo_ids=list(photo_ids), rating=rating.stars if rating else None,
        rating_comment=rating.comment if rating else None,
    )


async def read_many(session: AsyncSession, actor: Actor, orders: Sequence[Order],
                    standings: dict[int, Standing] | None = None) -> list[OrderRead]:
    """OrderRead for each order, with a handful of queries whatever the number of orders."""
    if not orders:
        return []
    ids = [o.id for o in orders]
    categories = dict((await session.execute(select(Category.code, Category.name))).all())
    offers = (await session.scalars(select(Offer).where(Offer.order_id.in_(ids)).order_by(Offer.slot, Offer.id))).all()
    people = {o.requester_id for o in orders if o.requester_id} | {o.member_id for o in offers if o.member_id}
    accounts = {a.id: a for a in (await session.scalars(select(Account).where(Account.id.in_(people or {-1})))).all()}
    unit_ids = {o.unit_id for o in offers if o.unit_id}
    units = dict((await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids or {-1})))).all())
    shown_offers: dict[int, list[Offer]] = {}
    for offer in offers:
        if offer.status in LIVE_OFFER_STATUSES or offer.member_id == actor.account_id:
            shown_offers.setdefault(offer.order_id, []).append(offer)
    return [order_read(o, categories, shown_offers.get(o.id, []), accounts, units,
                        _sees_contact(actor, o, offers, standings)) for o in orders]


def _sees_contact(actor: Actor, order: Order, offers: Sequence[Offer], standings: dict[int, Standing] | None) -> bool:
    if standings and order.id in standings:
        return standings[order.id].sees_contact
    return sees_contact(actor, order, offers)


def order_read(order: Order, categories: dict[str, str], offers: list[Offer], accounts: dict[int, Account],
                units: dict[int, str], full: bool) -> OrderRead:
    requester = accounts.get(order.requester_id) if order.requester_id else None
    return OrderRead(
        id=order.id, kind=order.kind, kind_name=OrderKind(order.kind).label, source=order.source,
        category=order.category_code, category_name=categories.get(order.category_code, order.category_code),
        title=order.title, description=order.description, skills=list(order.skills), headcount=order.headcount,
        urgency=order.urgency, triage=order.triage, status=order.status, status_name=OrderStatus(order.status).label,
        area_id=order.area_id, address=shown_address(order.address, full),
        window_start=order.window_start, window_end=order.window_end,
        budget_yuan=order.budget_fen // 100 if order.budget_fen is not None else None, claimable=order.claimable,
        requester=PersonRead(requester.id, requester.display_name, shown_phone(requester.phone, full))
        if requester else None,
        assignees=[AssigneeRead(
            offer_id=o.id, slot=o.slot, status=o.status, status_name=OfferStatus(o.status).label,
            member=PersonRead(o.member_id, accounts[o.member_id].display_name) if o.member_id else None,
            unit_id=o.unit_id, unit_name=units.get(o.unit_id) if o.unit_id else None, accept_due_at=o.accept_due_at,
        ) for o in offers],
        accept_due_at=order.accept_due_at, due_at=order.due_at, sla_level=order.sla_level,
        sla_level_name=SlaLevel(order.sla_level).label, created_at=order.created_at,
        updated_at=order.updated_at, version=order.version,
    )


async def my_offers(session: AsyncSession, actor: Actor, status: str | None) -> list[OfferExplained]:
    """Offers to the member or their units, newest first, each with why it came to them."""
    query = select(Offer).where(or_(Offer.member_id == actor.account_id, Offer.unit_id.in_(actor.unit_ids() or {-1})))
    if status:
        query = query.where(Offer.status == status)
    found = (await session.scalars(query.order_by(Offer.offered_at.desc()).limit(100))).all()
    return await explain_offers(session, actor, found)


async def explain_offers(session: AsyncSession, actor: Actor, found: Sequence[Offer]) -> list[OfferExplained]:
    orders = {o.id: o for o in (await session.scalars(
        select(Order).where(Order.id.in_({f.order_id for f in found} or {-1})))).all()}
    reads = {r.id: r for r in await read_many(session, actor, list(orders.values()))}
    return [OfferExplained(offer_id=f.id, status=f.status, status_name=OfferStatus(f.status).label,
                           accept_due_at=f.accept_due_at, why=f.explanation, order=reads[f.order_id]) for f in found]
