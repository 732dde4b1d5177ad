"""Points for tests: settle closed orders with the clock given, and read a holder's figures."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from market.database import Database
from market.models import LedgerEntry, PointAccount
from market.points.settlement import settle_points

ZONE = ZoneInfo("Asia/Shanghai")


async def settle(database: Database, now: datetime) -> dict[str, int]:
    return await settle_points(database, now, ZONE)


async def entries_of(database: Database, *, member_id: int | None = None,
                     unit_id: int | None = None) -> list[LedgerEntry]:
    where = PointAccount.account_id == member_id if member_id is not None else PointAccount.unit_id == unit_id
    async with database.transaction(write=False) as session:
        return list((await session.scalars(select(LedgerEntry).join(PointAccount).where(where)
                                           .order_by(LedgerEntry.seq))).all())


async def totals_of(database: Database, member_id: int) -> tuple[int, int]:
    """(balance, pending) as stored on the member's points account, (0, 0) before any entry."""
    async with database.transaction(write=False) as session:
        account = await session.scalar(select(PointAccount).where(PointAccount.account_id == member_id))
        return (account.balance, account.pending) if account else (0, 0)
