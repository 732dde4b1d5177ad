"""The order state machine: every transition, who may make it, and the two steps that apply one.

A transition first *locks* the order with `UPDATE orders SET version = version + 1 WHERE id = :id AND
status IN (:allowed)`, which must change exactly one row (else 409 with the current state). On
PostgreSQL that row lock serialises everything else done to the order in the transaction; on SQLite
the transaction already holds the write lock (BEGIN IMMEDIATE). The service then does its work and
*finishes* with the new status and one `OrderEvent`, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import Conflict, NotFound
from market.models import Order, OrderEvent
from market.vocab import OrderStatus as S


class Party:
    """Who, relative to an order, may make a transition."""

    REQUESTER = "requester"  # the resident the order is for
    ASSIGNEE = "assignee"  # a member holding an offer of the order, or its unit's admin
    DISPATCHER = "dispatcher"  # a dispatcher whose area covers the order
    POSTER = "poster"  # residents and dispatchers posting
    CLAIMANT = "claimant"  # a member claiming from the open board
    SYSTEM = "system"  # the scheduler


@dataclass(frozen=True)
class Transition:
    sources: frozenset[S]
    targets: frozenset[S]
    parties: frozenset[str]


def _t(sources: set[S], targets: set[S], *parties: str) -> Transition:
    return Transition(frozenset(sources), frozenset(targets), frozenset(parties))


LIVE = {S.OFFERED, S.ACCEPTED, S.IN_PROGRESS}
TRANSITIONS: dict[str, Transition] = {
    "approve": _t({S.SUBMITTED}, {S.OPEN}, Party.DISPATCHER),
    "reject": _t({S.SUBMITTED}, {S.REJECTED}, Party.DISPATCHER),
    "cancel": _t({S.SUBMITTED, S.OPEN, S.OFFERED}, {S.CANCELLED}, Party.REQUESTER, Party.DISPATCHER),
    "offer": _t({S.OPEN, S.OFFERED}, {S.OFFERED}, Party.DISPATCHER, Party.SYSTEM),
    "claim": _t({S.OPEN, S.OFFERED}, {S.OFFERED, S.ACCEPTED}, Party.CLAIMANT),
    "accept": _t({S.OFFERED}, {S.OFFERED, S.ACCEPTED}, Party.ASSIGNEE),
    "decline": _t({S.OFFERED}, {S.OPEN, S.OFFERED}, Party.ASSIGNEE),
    "withdraw": _t({S.OFFERED}, {S.OPEN, S.OFFERED}, Party.DISPATCHER),
    "expire": _t({S.OFFERED}, {S.OPEN, S.OFFERED}, Party.SYSTEM),
    "start": _t({S.ACCEPTED}, {S.IN_PROGRESS}, Party.ASSIGNEE),
    "progress": _t({S.IN_PROGRESS}, {S.IN_PROGRESS}, Party.ASSIGNEE),
    "complete": _t({S.IN_PROGRESS}, {S.COMPLETED}, Party.ASSIGNEE),
    "confirm": _t({S.COMPLETED}, {S.CONFIRMED}, Party.REQUESTER),
    "dispute": _t({S.COMPLETED}, {S.REOPENED}, Party.REQUESTER),
    "rework": _t({S.REOPENED}, {S.IN_PROGRESS}, Party.DISPATCHER),
    "close": _t({S.CONFIRMED, S.REOPENED}, {S.CLOSED}, Party.DISPATCHER),
    "auto_close": _t({S.COMPLETED}, {S.CLOSED}, Party.SYSTEM),
}


def rule(action: str) -> Transition:
    return TRANSITIONS[action]


def conflict(order_id: int, current: str | None, action: str) -> Conflict:
    label = S(current).label if current else "未知"
    return Conflict(f"订单当前为「{label}」，不能执行该操作", details={
        "order_id": order_id, "current_state": current, "action": action})


async def lock(session: AsyncSession, order_id: int, action: str, now: datetime) -> Order:
    """Take the order for `action`: bump its version if its status allows the action, else 409."""
    allowed = rule(action).sources
    result = await session.execute(
        update(Order).where(Order.id == order_id, Order.status.in_(allowed))
        .values(version=Order.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        current = await session.scalar(select(Order.status).where(Order.id == order_id))
        if current is None:
            raise NotFound("订单不存在")
        raise conflict(order_id, current, action)
    order = await session.get(Order, order_id, populate_existing=True)
    assert order is not None
    return order


async def finish(session: AsyncSession, order: Order, action: str, to: S, actor_id: int | None, now: datetime,
                 note: str = "") -> OrderEvent:
    """Set the order's new status and write its event; the order must have been locked for `action`."""
    transition = rule(action)
    if to not in transition.targets:
        raise ValueError(f"{action} cannot lead to {to}")
    event = OrderEvent(order_id=order.id, actor_id=actor_id, action=action, from_status=order.status,
                       to_status=to, note=note, at=now)
    order.status = to
    order.updated_at = now
    session.add(event)
    await session.flush()
    return event
