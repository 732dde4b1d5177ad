"""Writing the ledger: holders, appending an entry to a holder's hash chain, posting, voiding, reversing.

Every write first locks the holder's row (`UPDATE point_accounts … RETURNING` the chain head): on
PostgreSQL that row lock queues writers of one holder, on SQLite the write transaction already does.
Under it the entry takes the next `seq` and hashes the previous entry's hash, and the holder's totals
move in the same transaction. An entry whose `source_key` exists already is not written again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.database import insert_ignoring
from market.errors import Conflict, InvalidInput, NotFound
from market.models import LedgerEntry, MemberProfile, PointAccount, Unit

GENESIS = "0" * 64
PENDING_KINDS = ("award", "penalty")
BALANCE_KINDS = ("post", "reversal")


@dataclass(frozen=True)
class NewEntry:
    kind: str
    points: int
    source_key: str
    rule_version: int
    area_id: int
    order_id: int | None = None
    offer_id: int | None = None
    source_event_id: int | None = None
    resolves_id: int | None = None
    reverses_id: int | None = None
    actor_id: int | None = None
    needs_review: bool = False
    note: str = ""


@dataclass(frozen=True)
class DailyCap:
    """Award points a holder may get from `day_start` on before an award needs an auditor's own look."""

    points: int
    day_start: datetime


def entry_hash(prev_hash: str, point_account_id: int, seq: int, entry: NewEntry, created_at: datetime) -> str:
    """The hash that chains an entry to the one before it: any later change to either shows."""
    fields = [prev_hash, point_account_id, seq, entry.kind, entry.points, entry.source_key, entry.rule_version,
              entry.resolves_id or "", entry.reverses_id or "", entry.order_id or "", entry.offer_id or "",
              entry.source_event_id or "", created_at.astimezone(UTC).isoformat(timespec="microseconds")]
    return hashlib.sha256("|".join(map(str, fields)).encode()).hexdigest()


async def holder(session: AsyncSession, now: datetime, *, member_id: int | None = None,
                 unit_id: int | None = None) -> PointAccount:
    """The points account of a member or a unit, opened on first use."""
    if member_id is not None:
        area_id = await session.scalar(select(MemberProfile.community_id).where(MemberProfile.account_id == member_id))
        key, where = ["account_id"], PointAccount.account_id == member_id
    else:
        area_id = await session.scalar(select(Unit.area_id).where(Unit.id == unit_id))
        key, where = ["unit_id"], PointAccount.unit_id == unit_id
    if area_id is None:
        raise NotFound("积分账户的主人不存在")
    await session.execute(insert_ignoring(session.bind.dialect.name, PointAccount, key).values(
        account_id=member_id, unit_id=unit_id, area_id=area_id, head_hash=GENESIS, updated_at=now))
    account = await session.scalar(select(PointAccount).where(where))
    assert account is not None
    return account


async def append(session: AsyncSession, point_account_id: int, entry: NewEntry, now: datetime,
                 resolved_points: int = 0, cap: DailyCap | None = None) -> LedgerEntry | None:
    """The new entry, or None when one with its source_key exists (it was written before)."""
    count, head = (await session.execute(
        update(PointAccount).where(PointAccount.id == point_account_id).values(updated_at=now)
        .returning(PointAccount.entry_count, PointAccount.head_hash))).one()
    if await session.scalar(select(LedgerEntry.id).where(LedgerEntry.source_key == entry.source_key)):
        return None
    if cap is not None and cap.points > 0 and entry.kind == "award":
        today = await session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
            LedgerEntry.point_account_id == point_account_id, LedgerEntry.kind == "award",
            LedgerEntry.created_at >= cap.day_start))
        entry = replace(entry, needs_review=today + entry.points > cap.points)
    seq = count + 1
    new_hash = entry_hash(head, point_account_id, seq, entry, now)
    entry_id = await session.scalar(
        insert_ignoring(session.bind.dialect.name, LedgerEntry, ["source_key"]).values(
            point_account_id=point_account_id, seq=seq, prev_hash=head, entry_hash=new_hash, created_at=now,
            **entry.__dict__).returning(LedgerEntry.id))
    if entry_id is None:
        return None
    balance = entry.points if entry.kind in BALANCE_KINDS else 0
    pending = entry.points if entry.kind in PENDING_KINDS else -resolved_points if entry.resolves_id else 0
    await session.execute(update(PointAccount).where(PointAccount.id == point_account_id).values(
        entry_count=seq, head_hash=new_hash, balance=PointAccount.balance + balance,
        pending=PointAccount.pending + pending).execution_options(synchronize_session=False))
    return await session.get(LedgerEntry, entry_id)


async def resolve(session: AsyncSession, entry: LedgerEntry, outcome: str, actor_id: int, note: str, now: datetime,
                  *, one_by_one: bool = True) -> LedgerEntry:
    """Post or void a pending award or penalty, once; over-cap awards only one by one, never in bulk."""
    if entry.kind not in PENDING_KINDS:
        raise Conflict("只有待审核的积分可以审核", details={"entry_id": entry.id})
    if outcome == "post" and entry.needs_review and not one_by_one:
        raise Conflict("该积分超过每日上限，须逐条审核", details={"entry_id": entry.id})
    made = await append(session, entry.point_account_id, NewEntry(
        kind=outcome, points=entry.points if outcome == "post" else 0, source_key=f"resolve:{entry.id}",
        rule_version=entry.rule_version, area_id=entry.area_id, order_id=entry.order_id, resolves_id=entry.id,
        actor_id=actor_id, note=note), now, resolved_points=entry.points)
    if made is None:
        raise Conflict("该积分已审核过", details={"entry_id": entry.id})
    return made


async def reverse(session: AsyncSession, entry: LedgerEntry, actor_id: int, reason: str,
                  now: datetime) -> LedgerEntry:
    """A correcting entry that takes back a posted one, once; a pending entry is voided instead."""
    if entry.kind in PENDING_KINDS:
        posted = await session.scalar(select(LedgerEntry).where(LedgerEntry.resolves_id == entry.id,
                                                                LedgerEntry.kind == "post"))
        if posted is None:
            raise Conflict("只有已入账的积分可以冲正；待审核的请作废", details={"entry_id": entry.id})
        entry = posted
    elif entry.kind != "post":
        raise Conflict("只有已入账的积分可以冲正", details={"entry_id": entry.id})
    if not reason.strip():
        raise InvalidInput("请填写冲正原因", field="reason")
    made = await append(session, entry.point_account_id, NewEntry(
        kind="reversal", points=-entry.points, source_key=f"reverse:{entry.id}", rule_version=entry.rule_version,
        area_id=entry.area_id, order_id=entry.order_id, reverses_id=entry.id, actor_id=actor_id,
        note=reason.strip()), now)
    if made is None:
        raise Conflict("该积分已冲正过", details={"entry_id": entry.id})
    return made
