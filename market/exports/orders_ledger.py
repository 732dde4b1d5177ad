"""The orders ledger (订单台账): every order created in an area subtree over a date range, one row each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row as SqlRow
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.areas.tree import areas_by_id, level_above
from market.exports.registry import Cell, Column, ExportFilters, Report, RowPages, keyset_pages
from market.models import Account, Area, Category, Offer, Order, OrderEvent, Rating, Unit
from market.orders.masking import shown_address, shown_phone
from market.vocab import AreaLevel, OfferStatus, OrderKind, OrderSource, OrderStatus, SlaLevel, Triage

COLUMNS = (
    Column("编号", 8), Column("类型", 10), Column("来源", 11), Column("分类", 12), Column("标题", 24),
    Column("内容", 40), Column("紧急程度", 9), Column("处置类型", 9), Column("状态", 10),
    Column("街道", 12), Column("社区", 12), Column("网格", 12), Column("居民", 10), Column("联系电话", 14),
    Column("地址", 30), Column("预算（元）", 10), Column("所需人数", 9), Column("接单人", 24),
    Column("创建时间", 17), Column("接单时间", 17), Column("开始处置时间", 17), Column("办结时限", 17),
    Column("办结时间", 17), Column("办结说明", 30), Column("销号时间", 17), Column("评价星级", 9),
    Column("评价内容", 30), Column("是否超时", 9), Column("预警等级", 12),
)
# Orders someone still owes the work: late once their completion deadline has passed.
OWED = (OrderStatus.OPEN, OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS, OrderStatus.REOPENED)
DONE = (OrderStatus.COMPLETED, OrderStatus.CONFIRMED, OrderStatus.CLOSED)
FINISHING_ACTIONS = ("complete", "close", "auto_close")
ORDER_FIELDS = (
    Order.id, Order.kind, Order.source, Order.category_code, Order.title, Order.description, Order.urgency,
    Order.triage, Order.status, Order.area_id, Order.requester_id, Order.address, Order.budget_fen,
    Order.headcount, Order.created_at, Order.started_at, Order.due_at, Order.completed_at, Order.sla_level,
)


async def order_rows(session: AsyncSession, actor: Actor, filters: ExportFilters) -> RowPages:
    """Pages of the orders, oldest id first; each page is read with a fixed handful of queries.

    The service has already checked the area against the actor's grants, so every order under it is theirs.
    """
    places = _Places(await areas_by_id(session))
    categories: dict[str, str] = dict((await session.execute(select(Category.code, Category.name))).all())
    query = (select(*ORDER_FIELDS).join(Area, Area.id == Order.area_id)
             .where(Area.path.startswith(filters.area_path), Order.created_at >= filters.starts_at,
                    Order.created_at < filters.ends_before))
    async for orders in keyset_pages(session, query, Order.id, lambda order: order.id):
        page = await _Page.read(session, orders)
        yield [_row(order, page, places, categories, filters) for order in orders]


class _Page:
    """What one page of orders needs from other tables, by order id."""

    def __init__(self) -> None:
        self.requesters: dict[int, tuple[str, str | None]] = {}
        self.assignees: dict[int, list[str]] = {}
        self.accepted_at: dict[int, datetime] = {}
        self.ratings: dict[int, tuple[int, str]] = {}
        self.completion_note: dict[int, str] = {}
        self.closed_at: dict[int, datetime] = {}

    @classmethod
    async def read(cls, session: AsyncSession, orders: Sequence[SqlRow[Any]]) -> _Page:
        page, ids = cls(), [o.id for o in orders]
        requester_ids = {o.requester_id for o in orders if o.requester_id}
        for account_id, name, phone in (await session.execute(select(Account.id, Account.display_name, Account.phone)
                                                              .where(Account.id.in_(requester_ids or {-1})))).all():
            page.requesters[account_id] = (name, phone)
        # Who holds the order: accepted offers only (offers declined, lapsed or withdrawn served nobody).
        assignees = await session.execute(
            select(Offer.order_id, Offer.responded_at, Account.display_name, Unit.name)
            .outerjoin(Account, Account.id == Offer.member_id).outerjoin(Unit, Unit.id == Offer.unit_id)
            .where(Offer.order_id.in_(ids), Offer.status == OfferStatus.ACCEPTED)
            .order_by(Offer.order_id, Offer.slot, Offer.id))
        for order_id, responded_at, member_name, unit_name in assignees.all():
            name = f"{unit_name}（{member_name}）" if unit_name and member_name else unit_name or member_name or ""
            page.assignees.setdefault(order_id, []).append(name)
            if responded_at and (order_id not in page.accepted_at or responded_at < page.accepted_at[order_id]):
                page.accepted_at[order_id] = responded_at
        for order_id, stars, comment in (await session.execute(
                select(Rating.order_id, Rating.stars, Rating.comment).where(Rating.order_id.in_(ids)))).all():
            page.ratings[order_id] = (stars, comment)
        # In time order, so the last completion (after a rework) and the close win.
        for order_id, action, note, at in (await session.execute(
                select(OrderEvent.order_id, OrderEvent.action, OrderEvent.note, OrderEvent.at)
                .where(OrderEvent.order_id.in_(ids), OrderEvent.action.in_(FINISHING_ACTIONS))
                .order_by(OrderEvent.at, OrderEvent.id))).all():
            if action == "complete":
                page.completion_note[order_id] = note
            else:
                page.closed_at[order_id] = at
        return page


def _row(order: SqlRow[Any], page: _Page, places: _Places, categories: dict[str, str],
         filters: ExportFilters) -> list[Cell]:
    name, phone = page.requesters.get(order.requester_id, (None, None)) if order.requester_id else (None, None)
    stars, comment = page.ratings.get(order.id, (None, None))
    return [
        order.id, OrderKind(order.kind).label, OrderSource(order.source).label,
        categories.get(order.category_code, order.category_code), order.title, order.description, order.urgency,
        Triage(order.triage).label if order.triage else None, OrderStatus(order.status).label,
        *places.names(order.area_id),
        name, shown_phone(phone, filters.reveal), shown_address(order.address, filters.reveal),
        _yuan(order.budget_fen), order.headcount,
        "、".join(page.assignees.get(order.id, [])) or None,
        order.created_at, page.accepted_at.get(order.id), order.started_at, order.due_at,
        order.completed_at if order.status in DONE else None, page.completion_note.get(order.id) or None,
        page.closed_at.get(order.id) if order.status == OrderStatus.CLOSED else None, stars, comment or None,
        _late(order, filters.now), SlaLevel(order.sla_level).label,
    ]


class _Places:
    """The 街道, 社区 and 网格 names above each area, worked out once per area rather than once per row."""

    LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID)

    def __init__(self, areas: dict[int, Area]) -> None:
        self._areas = areas
        self._names: dict[int, tuple[str | None, ...]] = {}

    def names(self, area_id: int) -> tuple[str | None, ...]:
        if area_id not in self._names:
            found = [level_above(self._areas, area_id, level) for level in self.LEVELS]
            self._names[area_id] = tuple(self._areas[a].name if a is not None else None for a in found)
        return self._names[area_id]


def _yuan(fen: int | None) -> int | float | None:
    """Whole yuan as an integer; fen only when there are some (money is stored in integer fen)."""
    if fen is None:
        return None
    return fen // 100 if fen % 100 == 0 else fen / 100


def _late(order: SqlRow[Any], now: datetime) -> str | None:
    """是 when finished after the deadline or still owed past it; empty without a deadline or when dropped.

    The SLA mark alone cannot say it: a settled order turns green again.
    """
    if order.due_at is None:
        return None
    if order.status in DONE and order.completed_at is not None:
        return "是" if order.completed_at > order.due_at else "否"
    if order.status in OWED:
        return "是" if now > order.due_at else "否"
    return None


ORDERS_LEDGER = Report(
    code="orders", title="订单台账", columns=COLUMNS, rows=order_rows, has_contacts=True,
    summary="区域内（含下级社区、网格）在日期范围内创建的订单，一单一行：分类、状态、居民、接单人、各环节时间、评价与是否超时",
)
