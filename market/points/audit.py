"""The auditors' work on the ledger: post or void a pending entry, reverse a posted one, approve in bulk."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import NotFound
from market.models import Area, LedgerEntry, PointAccount
from market.points import ledger
from market.points.queries import AUDITORS, area_path_of, audit_query, read_entry
from market.points.schemas import BulkApprove, BulkResult, EntryFilter, EntryRead

# Entries one bulk approval posts at most: a larger backlog takes a few calls, each a short transaction.
BULK_LIMIT = 2000


async def entry_in_reach(session: AsyncSession, actor: Actor, entry_id: int) -> LedgerEntry:
    entry = await session.get(LedgerEntry, entry_id)
    path = await session.scalar(select(Area.path).where(Area.id == entry.area_id)) if entry else None
    if entry is None or path is None or not actor.covers(path, *AUDITORS):
        raise NotFound("积分记录不存在")
    return entry


async def post_entry(session: AsyncSession, actor: Actor, entry_id: int, note: str, now: datetime) -> EntryRead:
    entry = await entry_in_reach(session, actor, entry_id)
    await ledger.resolve(session, entry, "post", actor.account_id, note.strip() or "审核通过", now)
    return await read_entry(session, entry.id)


async def void_entry(session: AsyncSession, actor: Actor, entry_id: int, note: str, now: datetime) -> EntryRead:
    entry = await entry_in_reach(session, actor, entry_id)
    await ledger.resolve(session, entry, "void", actor.account_id, note.strip(), now)
    return await read_entry(session, entry.id)


async def reverse_entry(session: AsyncSession, actor: Actor, entry_id: int, reason: str, now: datetime) -> EntryRead:
    entry = await entry_in_reach(session, actor, entry_id)
    reversal = await ledger.reverse(session, entry, actor.account_id, reason, now)
    return await read_entry(session, reversal.id)


async def approve_in_bulk(session: AsyncSession, actor: Actor, data: BulkApprove, zone: ZoneInfo,
                          now: datetime) -> BulkResult:
    """Post what the filter finds pending, holder by holder in id order; over-cap entries stay for a look each."""
    path = await area_path_of(session, actor, data.area_id)
    wanted = EntryFilter(area_id=data.area_id, status="pending", kind=data.kind, date_from=data.date_from,
                         date_to=data.date_to, max_points=data.max_points)
    query = audit_query(actor, wanted, path, zone)
    review = await session.scalar(select(func.count()).select_from(
        query.where(LedgerEntry.needs_review.is_(True)).subquery()))
    chosen = (await session.scalars(
        query.where(LedgerEntry.needs_review.is_(False)).with_only_columns(LedgerEntry.id)
        .order_by(PointAccount.id, LedgerEntry.id).limit(BULK_LIMIT))).all()
    note = data.note.strip() or "批量审核通过"
    for entry_id in chosen:
        entry = await session.get(LedgerEntry, entry_id)
        assert entry is not None
        await ledger.resolve(session, entry, "post", actor.account_id, note, now, one_by_one=False)
    return BulkResult(len(chosen), review or 0, len(chosen) == BULK_LIMIT)

