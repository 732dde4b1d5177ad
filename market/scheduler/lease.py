"""The scheduler lease: one row that the active scheduler renews; a standby takes it once it lapses.

Taking or renewing is one conditional statement, so two processes can never both believe they hold it
for the same moment: `UPDATE … WHERE holder = :me OR expires_at <= :now`, or the first INSERT.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, update

from market.database import Database, insert_ignoring
from market.models import SchedulerLease

LEASE_NAME = "scheduler"


async def hold(database: Database, holder: str, now: datetime, seconds: int) -> bool:
    """Take or renew the lease for `seconds` from now; False while someone else holds it."""
    expires_at = now + timedelta(seconds=seconds)
    async with database.transaction() as session:
        renewed = await session.execute(
            update(SchedulerLease).where(SchedulerLease.name == LEASE_NAME,
                                         (SchedulerLease.holder == holder) | (SchedulerLease.expires_at <= now))
            .values(holder=holder, expires_at=expires_at, renewed_at=now,
                    acquired_at=_acquired_at(holder, now))
            .execution_options(synchronize_session=False))
        if renewed.rowcount == 1:
            return True
        inserted = await session.scalar(insert_ignoring(database.kind, SchedulerLease, ["name"]).values(
            name=LEASE_NAME, holder=holder, expires_at=expires_at, renewed_at=now, acquired_at=now)
            .returning(SchedulerLease.name))
        return inserted is not None


async def let_go(database: Database, holder: str, now: datetime) -> None:
    """On a clean stop: the lease lapses at once, so a standby need not wait for it."""
    async with database.transaction() as session:
        await session.execute(update(SchedulerLease).where(SchedulerLease.name == LEASE_NAME,
                                                           SchedulerLease.holder == holder)
                              .values(expires_at=now).execution_options(synchronize_session=False))


async def current(database: Database) -> SchedulerLease | None:
    async with database.transaction(write=False) as session:
        return await session.get(SchedulerLease, LEASE_NAME)


def _acquired_at(holder: str, now: datetime) -> ColumnElement[datetime]:
    """Kept while the same holder renews; reset when the lease changes hands."""
    return case((SchedulerLease.holder == holder, SchedulerLease.acquired_at), else_=now)
