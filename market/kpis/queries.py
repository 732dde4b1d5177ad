"""The SQL of the KPIs: five grouped aggregate statements per report, one per table counted, never rows in Python.

Every figure is about the orders posted (`created_at`) in the range, the report's cohort: their offers, their
completion and rating, their 督办 notices and 吹哨 summons. Visits are the exception: a visit counts in the
range its period starts in (when it falls due), as the 六访 coverage page counts it.

Two shapes of statement: the big tables (orders with their ratings, offers) are read in one pass over the
range's orders; the small ones (visits, notices, summons) are read first and each row looks its order up by
primary key, which on both databases is far cheaper than a pass over every order of the range. Rows that
only come after their order was posted (offers, ratings, notices, summons) are also bounded by the range's
start on their own time: the bound is implied, and it leaves the rows of older orders unread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    false,
    func,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import FromClause

from market.kpis.definitions import Counts
from market.models import (
    Area,
    MemberProfile,
    Offer,
    Order,
    Rating,
    Summons,
    Supervision,
    Visit,
)
from market.sqltime import seconds_between
from market.visits.service import VISITED
from market.vocab import AreaLevel, OfferStatus

# A dispatched offer is answered once accepted or declined, or lapsed once expired; withdrawn offers (the
# dispatcher took them back) and those still waiting say nothing about the assignee.
ANSWERED = (OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED)
Bucket = int | None  # a child area's id; None for the area itself, or the one bucket of a unit or member
Figures = dict[str, ColumnElement[Any]]


@dataclass(frozen=True)
class Scope:
    """Which rows a report counts, and how they are bucketed.

    `buckets`, when set, maps each area of a subtree to the direct child of the root it lies under (None for
    the root itself). Each statement then counts per order area and sums those few rows up to the buckets: an
    area and all its children come from one pass, and the prefix match that finds an area's child is made
    once per area, not once per order.
    """

    orders: ColumnElement[bool]  # which orders count, a condition on Order
    offers: ColumnElement[bool]  # which offers count, on Offer (and Order)
    summons: ColumnElement[bool]  # which summons count, on Summons
    # Which of a small table's rows count, by their order id (an area's subtree is left to the buckets).
    held: Callable[[Any], ColumnElement[bool]] = lambda order_id: true()
    buckets: FromClause | None = None

    def joined(self, figures: Figures, table: Any, order_id: Any = None) -> Select:
        """The named `figures` over `table` joined by `order_id` to its order; per order area when bucketed."""
        keys = [Order.area_id] if self.buckets is not None else []
        query = select(*keys, *(column.label(name) for name, column in figures.items())).select_from(table)
        if order_id is not None:
            query = query.join(Order, Order.id == order_id)
        return query.group_by(*keys)

    def looked_up(self, small: Select, order_id: Any, orders: ColumnElement[bool],
                  figures: Callable[[Any], Figures], **of_order: ColumnElement[Any]) -> Select:
        """`figures(rows)` over the rows `small` selects (from a small table) whose order `orders` keeps.

        Each row looks up its order's area (and the `of_order` columns) by primary key, as a correlated
        subquery; a row whose order `orders` leaves out gets no area and is left out. Outside an area's subtree
        the buckets leave it out: a lookup with a subtree condition in it costs far more on PostgreSQL.
        """
        def lookup(column: ColumnElement[Any]) -> Any:
            return select(column).where(Order.id == order_id, orders).scalar_subquery()

        # OFFSET 0 keeps the rows a subquery of their own on both databases, so each lookup runs once a row.
        rows = small.add_columns(lookup(Order.area_id).label("area_id"),
                                 *(lookup(column).label(name) for name, column in of_order.items())
                                 ).offset(0).subquery("rows")
        keys = [rows.c.area_id] if self.buckets is not None else []
        return (select(*keys, *(column.label(name) for name, column in figures(rows.c).items()))
                .where(rows.c.area_id.is_not(None)).group_by(*keys))

    def finish(self, query: Select) -> Select:
        """Per-area counts summed up to the buckets (every figure is a count or a sum, so they add up)."""
        if self.buckets is None:
            return query
        per_area = query.subquery("per_area")
        return (select(self.buckets.c.bucket, *(func.sum(c) for c in per_area.c if c.name != "area_id"))
                .join_from(per_area, self.buckets, self.buckets.c.area_id == per_area.c.area_id)
                .group_by(self.buckets.c.bucket))


def area_scope(root: Area) -> Scope:
    """An area's subtree (a prefix match on the materialised path), bucketed by the root's direct children."""
    below, child = aliased(Area), aliased(Area)
    buckets = (select(below.id.label("area_id"), child.id.label("bucket"))
               .outerjoin(child, and_(child.parent_id == root.id, below.path.startswith(child.path)))
               .where(below.path.startswith(root.path)).subquery("buckets"))
    subtree = Order.area_id.in_(select(Area.id).where(Area.path.startswith(root.path)))
    return Scope(orders=subtree, offers=subtree, summons=true(), buckets=buckets)


def member_scope(account_id: int) -> Scope:
    """A member: the offers made to them and the orders they accepted."""
    return _server_scope(lambda offer: offer.member_id == account_id, summons=false())


def unit_scope(unit_id: int) -> Scope:
    """A unit: offers to the unit, or to its confirmed members in their own right; the summons it received."""
    members = select(MemberProfile.account_id).where(MemberProfile.work_unit_id == unit_id,
                                                     MemberProfile.unit_confirmed_at.is_not(None))
    return _server_scope(lambda offer: or_(offer.unit_id == unit_id,
                                           and_(offer.unit_id.is_(None), offer.member_id.in_(members))),
                         summons=Summons.unit_id == unit_id)


def _server_scope(holds: Any, summons: ColumnElement[bool]) -> Scope:
    served = aliased(Offer)
    # Driven from the offers' member_id / unit_id indexes, then the orders by primary key.
    taken = select(served.order_id).where(served.status == OfferStatus.ACCEPTED, holds(served))
    return Scope(orders=Order.id.in_(taken), offers=holds(Offer), summons=summons,
                 held=lambda order_id: order_id.in_(taken))


async def count(session: AsyncSession, scope: Scope, start: datetime, end: datetime) -> dict[Bucket, Counts]:
    """The counted figures of each bucket that has any (a bucket with nothing at all is left out)."""
    found: dict[Bucket, Counts] = {}
    postgresql = session.bind.dialect.name == "postgresql"
    if postgresql:
        # Offers and orders of a range are correlated in time, which the planner cannot know: it expects a few
        # thousand rows where tens of thousands come, and sorts them to group them (on disk, at 4 MB). A few
        # dozen groups never need a sort: hash them, in memory, for these statements only.
        before = (await session.execute(text(
            "SELECT current_setting('work_mem'), current_setting('enable_sort'), "
            "set_config('work_mem', '32MB', true), set_config('enable_sort', 'off', true)"))).one()
    for query in statements(scope, start, end, session.bind.dialect.name):
        names = list(query.selected_columns.keys())[1 if scope.buckets is not None else 0:]
        for row in (await session.execute(scope.finish(query))).all():
            key, values = (row[0], row[1:]) if scope.buckets is not None else (None, row)
            counts = found.setdefault(key, Counts())
            for name, value in zip(names, values, strict=True):
                # Sums of seconds come back as floats (SQLite) or decimals (PostgreSQL); the sum of nothing as NULL.
                setattr(counts, name, round(value or 0))
    if postgresql:
        await session.execute(text("SELECT set_config('work_mem', :work_mem, true), "
                                   "set_config('enable_sort', :enable_sort, true)"),
                              {"work_mem": before[0], "enable_sort": before[1]})
    return found


def statements(scope: Scope, start: datetime, end: datetime, dialect: str) -> list[Select]:
    """The five statements, each naming its figures after the fields of `Counts`."""
    posted = and_(Order.created_at >= start, Order.created_at < end)
    done = Order.completed_at.is_not(None)
    accepted = Offer.status == OfferStatus.ACCEPTED
    orders = scope.joined({
        "orders": func.count(), "approved": _number(Order.triage.is_not(None)), "completed": _number(done),
        "completed_on_time": _number(and_(done, or_(Order.due_at.is_(None), Order.completed_at <= Order.due_at))),
        "completion_seconds": func.sum(case((done, seconds_between(Order.created_at, Order.completed_at, dialect)))),
        "rated": func.count(Rating.id), "satisfied": _number(Rating.stars >= 4), "praised": _number(Rating.stars == 5),
    }, Order).outerjoin(Rating, and_(Rating.order_id == Order.id, Rating.created_at >= start)) \
        .where(posted, scope.orders)
    # Claims from the open board (抢单) are accepted offers nobody made, without a deadline: not dispatch.
    # In time means by the order's acceptance deadline (from its SLA at approval): an offer's own deadline
    # cannot be missed by an accepted offer, since acceptance after it is refused and the offer expires.
    offers = scope.joined({
        "offers_answered": func.count(), "offers_accepted": _number(accepted),
        "accepted_in_time": _number(and_(accepted, Offer.responded_at <= Order.accept_due_at)),
        "response_seconds": func.sum(case((accepted, seconds_between(Offer.offered_at, Offer.responded_at, dialect)))),
    }, Offer, Offer.order_id).where(Offer.status.in_(ANSWERED), Offer.accept_due_at.is_not(None),
                                    Offer.offered_at >= start, posted, scope.offers)
    visits = scope.looked_up(
        select(Visit.order_id).where(Visit.period_start >= start, Visit.period_start < end,
                                     scope.held(Visit.order_id)),
        Visit.order_id, true(), lambda rows: {"visits_due": func.count(), "visits_done": _number(rows.visited)},
        visited=Order.status.in_(VISITED))
    # 督办 starts at the order's community and goes up a level at a time, one notice per level reached: a
    # supervised order has one notice at its community, an escalated one also one at its street.
    supervisions = scope.looked_up(
        select(Supervision.level).where(Supervision.created_at >= start, scope.held(Supervision.order_id)),
        Supervision.order_id, posted,
        lambda rows: {"supervised": _number(rows.level == AreaLevel.COMMUNITY),
                      "escalated": _number(rows.level == AreaLevel.STREET)})
    summons = scope.looked_up(
        select(Summons.acknowledged_at, Summons.ack_due_at).where(Summons.created_at >= start, scope.summons),
        Summons.order_id, posted,
        lambda rows: {"summons": func.count(), "summons_on_time": _number(rows.acknowledged_at <= rows.ack_due_at)})
    return [orders, offers, visits, supervisions, summons]


def _number(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet `condition` (0, never NULL, when none do)."""
    return func.count().filter(condition)
