"""The offer-expiry sweeper, set-based: offers past their acceptance deadline expire in batches.

A batch notes its due offers in a temporary table, locks their orders, expires the offers with one
UPDATE, and derives everything else from that table in a few set-based statements: members' capacity
and lapse counts, the orders' new status and events, and a notification with its outbox row per lapse. All in the batch's one transaction: two sweepers at once
expire each offer once, and a sweeper killed midway leaves whole batches only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from market.database import Database, insert_ignoring
from market.models import MemberProfile, Notification, Offer, Order, OrderEvent, OutboxMessage, RoleGrant
from market.vocab import LIVE_OFFER_STATUSES, NotificationKind, OfferStatus, OrderStatus, Role

# Offers per batch (measured best in bench/scheduler.py). SQLite holds its one write lock for a whole batch,
# so its batches stay shorter for the web's writes to get their turn; PostgreSQL locks only the batch's orders.
BATCH_SIZES = {"sqlite": 25_000, "postgresql": 50_000}
REOPENED_NOTE = "超过接单时限未答复，已收回重新派单"
SLOT_BACK_NOTE = "超过接单时限未答复，该名额已收回"

swept = Table("swept_offers", MetaData(), Column("id", Integer, primary_key=True), Column("order_id", Integer),
              Column("member_id", Integer), Column("unit_id", Integer), prefixes=["TEMPORARY"])


async def expire_offers(database: Database, now: datetime, batch_size: int | None = None) -> dict[str, int]:
    """Every offer past its acceptance deadline expires; its order goes back to open (or stays offered
    while other offers are out), the member's record counts the lapse, and the member (or the unit's
    admins) are told."""
    size = batch_size or BATCH_SIZES[database.kind]
    return {"expired": await database.in_batches(lambda session: _expire_batch(session, now, size), size)}


async def _expire_batch(session: AsyncSession, now: datetime, batch_size: int) -> tuple[int, int]:
    """How many offers were due in this batch, and how many it expired (fewer if a rival took some)."""
    connection = await session.connection()
    await connection.run_sync(lambda sync: swept.create(sync, checkfirst=True))
    await session.execute(swept.delete())
    await session.execute(swept.insert().from_select(
        ["id", "order_id", "member_id", "unit_id"],
        select(Offer.id, Offer.order_id, Offer.member_id, Offer.unit_id)
        .where(Offer.status == OfferStatus.OFFERED, Offer.accept_due_at <= now)
        .order_by(Offer.accept_due_at, Offer.id).limit(batch_size)))
    due = await session.scalar(select(func.count()).select_from(swept)) or 0
    if not due:
        return 0, 0
    # Orders first, in id order, as every other transition locks them: no deadlock with an accept or a rival
    # sweeper. Holding them, nobody else changes these offers: those a rival expired meanwhile are let go.
    await session.execute(select(Order.id).where(Order.id.in_(select(swept.c.order_id))).order_by(Order.id)
                          .with_for_update())
    await session.execute(swept.delete().where(swept.c.id.in_(
        select(Offer.id).where(Offer.id.in_(select(swept.c.id)), Offer.status != OfferStatus.OFFERED))))
    expired = (await session.execute(
        update(Offer).where(Offer.id.in_(select(swept.c.id)))
        .values(status=OfferStatus.EXPIRED, responded_at=now, version=Offer.version + 1)
        .execution_options(synchronize_session=False))).rowcount
    if expired:
        await _release_members(session)
        await _reopen_orders(session, now)
        await _tell(session, now)
    return due, expired


async def _release_members(session: AsyncSession) -> None:
    lapses = select(swept.c.member_id, func.count().label("n")).where(swept.c.member_id.is_not(None)) \
        .group_by(swept.c.member_id).subquery()
    await session.execute(
        update(MemberProfile).where(MemberProfile.account_id == lapses.c.member_id)
        .values(live_orders=case((MemberProfile.live_orders >= lapses.c.n, MemberProfile.live_orders - lapses.c.n),
                                 else_=0),
                lapsed_offers=MemberProfile.lapsed_offers + lapses.c.n)
        .execution_options(synchronize_session=False))


async def _reopen_orders(session: AsyncSession, now: datetime) -> None:
    """Open again when no offer is left out, else still offered; and one event per order saying so."""
    touched = select(swept.c.order_id)
    still_out = exists().where(Offer.order_id == Order.id, Offer.status.in_(LIVE_OFFER_STATUSES))
    await session.execute(
        update(Order).where(Order.id.in_(touched), Order.status == OrderStatus.OFFERED)
        # An order of one slot has nothing else out: only larger ones need the look at their other offers.
        .values(status=case((Order.headcount == 1, OrderStatus.OPEN), (still_out, OrderStatus.OFFERED),
                            else_=OrderStatus.OPEN), version=Order.version + 1, updated_at=now)
        .execution_options(synchronize_session=False))
    await session.execute(OrderEvent.__table__.insert().from_select(
        ["order_id", "actor_id", "action", "from_status", "to_status", "note", "at"],
        select(Order.id, literal(None, Integer), literal("expire"), literal(OrderStatus.OFFERED.value), Order.status,
               case((Order.status == OrderStatus.OPEN, REOPENED_NOTE), else_=SLOT_BACK_NOTE),
               literal(now, Order.updated_at.type))
        .where(Order.id.in_(touched))))


async def _tell(session: AsyncSession, now: datetime) -> None:
    """A notification per lapse to the member, or to each admin of the unit, and its outbox row."""
    dialect_name = session.bind.dialect.name
    recipient = func.coalesce(swept.c.member_id, RoleGrant.account_id)
    body = literal("「") + Order.title + literal("」超过接单时限未答复，已收回并记录一次超时。")
    key = literal(f"{NotificationKind.OFFER_EXPIRED}:") + cast(swept.c.id, String) + literal(":") \
        + cast(recipient, String)
    lapses = select(recipient, literal(NotificationKind.OFFER_EXPIRED.value), literal("派单已超时"), body,
                    swept.c.order_id, key, literal(now, Notification.created_at.type)) \
        .join(Order, Order.id == swept.c.order_id) \
        .outerjoin(RoleGrant, and_(swept.c.member_id.is_(None), RoleGrant.unit_id == swept.c.unit_id,
                                   RoleGrant.role == Role.UNIT_ADMIN)) \
        .where(recipient.is_not(None))
    # SQLite has one writer, so the notifications made here are those above the highest id before.
    before = await session.scalar(select(func.max(Notification.id))) if dialect_name == "sqlite" else None
    created = (await session.execute(insert_ignoring(dialect_name, Notification, ["dedupe_key"]).from_select(
        ["recipient_id", "kind", "title", "body", "order_id", "dedupe_key", "created_at"], lapses)
        .returning(Notification.id))).scalars().all()
    if not created:
        return
    if dialect_name == "postgresql":  # one array parameter, not a statement per thousand rows
        ids = select(func.unnest(literal(list(created), postgresql.ARRAY(Integer))).label("id")).subquery()
    else:
        ids = select(Notification.id.label("id")).where(Notification.id > (before or 0)).subquery()
    await session.execute(OutboxMessage.__table__.insert().from_select(
        ["notification_id", "created_at", "attempts"],
        select(ids.c.id, literal(now, OutboxMessage.created_at.type), literal(0))))
