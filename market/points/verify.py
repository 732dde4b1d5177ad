"""`market ledger verify`: every holder's hash chain recomputed, and every stored total against its entries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.models import LedgerEntry, PointAccount
from market.points.ledger import BALANCE_KINDS, GENESIS, PENDING_KINDS, NewEntry, entry_hash

ENTRY_FIELDS = [name for name in NewEntry.__dataclass_fields__]


@dataclass
class Chain:
    """What a holder's entries add up to, walked in seq order."""

    head: str = GENESIS
    count: int = 0
    balance: int = 0
    pending: int = 0
    unresolved: dict[int, int] = field(default_factory=dict)


async def verify_ledger(session: AsyncSession) -> tuple[int, list[str]]:
    """The number of entries checked, and a line for each problem found (none: the ledger is sound)."""
    problems: list[str] = []
    chains: dict[int, Chain] = {}
    checked = 0
    entries = await session.stream_scalars(select(LedgerEntry).order_by(LedgerEntry.point_account_id,
                                                                      LedgerEntry.seq))
    async for entry in entries:
        chain = chains.setdefault(entry.point_account_id, Chain())
        problems += _check_entry(entry, chain)
        checked += 1
    for account in await session.scalars(select(PointAccount).order_by(PointAccount.id)):
        chain = chains.get(account.id, Chain())
        for name, stored, derived in (("条数", account.entry_count, chain.count), ("链头", account.head_hash, chain.head),
                                      ("余额", account.balance, chain.balance), ("待审核", account.pending, chain.pending)):
            if stored != derived:
                problems.append(f"积分账户 {account.id}：{name}记为 {stored}，按明细应为 {derived}")
    return checked, problems


def _check_entry(entry: LedgerEntry, chain: Chain) -> list[str]:
    problems = []
    where = f"积分账户 {entry.point_account_id} 第 {entry.seq} 条（id {entry.id}）"
    if entry.seq != chain.count + 1:
        problems.append(f"{where}：序号不连续，应为 {chain.count + 1}")
    if entry.prev_hash != chain.head:
        problems.append(f"{where}：前一条的哈希对不上")
    recomputed = entry_hash(entry.prev_hash, entry.point_account_id, entry.seq,
                            NewEntry(**{name: getattr(entry, name) for name in ENTRY_FIELDS}), entry.created_at)
    if recomputed != entry.entry_hash:
        problems.append(f"{where}：内容与哈希不符（被改动过）")
    if entry.kind in PENDING_KINDS:
        chain.unresolved[entry.id] = entry.points
        chain.pending += entry.points
    elif entry.resolves_id is not None:
        chain.pending -= chain.unresolved.pop(entry.resolves_id, 0)
    if entry.kind in BALANCE_KINDS:
        chain.balance += entry.points
    chain.head, chain.count = entry.entry_hash, entry.seq
    return problems
