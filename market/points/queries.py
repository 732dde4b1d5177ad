"""Reading the ledger: entries with their audit status, holders and balances, each within the caller's reach."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from market.access import Actor
from market.errors import InvalidInput, NotFound
from market.models import Account, Area, LedgerEntry, Order, PointAccount, Unit
from market.points.schemas import KIND_NAMES, STATUS_NAMES, EntryFilter, EntryPage, EntryRead, HolderRead
from market.visits.periods import local_midnight
from market.vocab import Role

AUDITORS = (Role.AUDITOR, Role.ADMIN)
Resolution = aliased(LedgerEntry, name="resolution")
Reversal = aliased(LedgerEntry, name="reversal")
STATUS = case(
    (LedgerEntry.kind.not_in(("award", "penalty")), "recorded"),
    (Resolution.id.is_(None), "pending"),
    (Resolution.kind == "void", "voided"),
    (Reversal.id.is_not(None), "reversed"),
    else_="posted",
)
HOLDER_NAME = func.coalesce(Account.display_name, Unit.name)


def entries_query() -> Select:
    return (select(LedgerEntry, STATUS.label("status"), Resolution.created_at, HOLDER_NAME, Order.title)
            .join(PointAccount, PointAccount.id == LedgerEntry.point_account_id)
            .outerjoin(Resolution, Resolution.resolves_id == LedgerEntry.id)
            .outerjoin(Reversal, Reversal.reverses_id == Resolution.id)
            .outerjoin(Account, Account.id == PointAccount.account_id)
            .outerjoin(Unit, Unit.id == PointAccount.unit_id)
            .outerjoin(Order, Order.id == LedgerEntry.order_id))


def _read(entry: LedgerEntry, status: str, resolved_at: datetime | None, holder: str, title: str | None) -> EntryRead:
    return EntryRead(entry.id, holder, entry.point_account_id, entry.seq, entry.kind, KIND_NAMES[entry.kind],
                     entry.points, status, STATUS_NAMES[status], entry.needs_review, entry.order_id, title,
                     entry.source_key, entry.rule_version, entry.note, entry.created_at, resolved_at,
                     entry.entry_hash)


async def read_entry(session: AsyncSession, entry_id: int) -> EntryRead:
    row = (await session.execute(entries_query().where(LedgerEntry.id == entry_id)
                                 .execution_options(populate_existing=True))).one()
    return _read(*row)


async def holder_entries(session: AsyncSession, point_account_id: int, limit: int, offset: int) -> EntryPage:
    """A holder's history, newest first: awards and penalties with their audit status, and reversals.

    The post and void entries of the audit are left out here: each shows as its award's status (the audit
    queue and the 积分台账 export list them).
    """
    where = and_(LedgerEntry.point_account_id == point_account_id, LedgerEntry.kind.not_in(("post", "void")))
    total = await session.scalar(select(func.count()).select_from(LedgerEntry).where(where)) or 0
    rows = (await session.execute(entries_query().where(where).order_by(LedgerEntry.seq.desc())
                                  .limit(limit).offset(offset))).all()
    return EntryPage([_read(*row) for row in rows], total, limit, offset)


def audit_query(actor: Actor, wanted: EntryFilter, area_path: str | None, zone: ZoneInfo) -> Select:
    """Awards and penalties in the actor's areas (or one area of theirs) that the filter keeps."""
    if wanted.date_from and wanted.date_to and wanted.date_from > wanted.date_to:
        raise InvalidInput("开始日期不能晚于结束日期", field="date_from")
    entry_area = select(Area.path).where(Area.id == LedgerEntry.area_id).scalar_subquery()
    query = entries_query().where(LedgerEntry.kind.in_(("award", "penalty")), actor.in_scope(entry_area, *AUDITORS))
    conditions = [
        entry_area.startswith(area_path) if area_path else None,
        STATUS == wanted.status if wanted.status else None,
        LedgerEntry.kind == wanted.kind if wanted.kind else None,
        LedgerEntry.needs_review == wanted.needs_review if wanted.needs_review is not None else None,
        PointAccount.account_id == wanted.member_id if wanted.member_id else None,
        PointAccount.unit_id == wanted.unit_id if wanted.unit_id else None,
        LedgerEntry.order_id == wanted.order_id if wanted.order_id else None,
        LedgerEntry.created_at >= local_midnight(wanted.date_from, zone) if wanted.date_from else None,
        LedgerEntry.created_at < local_midnight(wanted.date_to + timedelta(days=1), zone) if wanted.date_to else None,
        func.abs(LedgerEntry.points) <= wanted.max_points if wanted.max_points else None,
    ]
    return query.where(and_(true(), *(c for c in conditions if c is not None)))


async def audit_page(session: AsyncSession, query: Select, limit: int, offset: int, sample: int | None) -> EntryPage:
    """A page in id order, or a random sample of the filter's entries for a spot check (抽查)."""
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(func.random()).limit(sample) if sample else \
        query.order_by(LedgerEntry.id).limit(limit).offset(offset)
    rows = (await session.execute(ordered)).all()
    return EntryPage([_read(*row) for row in rows], total, sample or limit, 0 if sample else offset)


async def area_path_of(session: AsyncSession, actor: Actor, area_id: int | None) -> str | None:
    if area_id is None:
        return None
    path = await session.scalar(select(Area.path).where(Area.id == area_id))
    if path is None or not actor.covers(path, *AUDITORS):
        raise NotFound("区域不存在")
    return path


def _holders() -> Select:
    return (select(PointAccount, HOLDER_NAME).outerjoin(Account, Account.id == PointAccount.account_id)
            .outerjoin(Unit, Unit.id == PointAccount.unit_id))


def _holder(account: PointAccount, name: str) -> HolderRead:
    kind = "member" if account.account_id is not None else "unit"
    return HolderRead(account.id, kind, account.account_id or account.unit_id or 0, name, account.area_id,
                      account.balance, account.pending, account.entry_count)


async def find_holder(session: AsyncSession, *, member_id: int | None = None,
                      unit_id: int | None = None) -> HolderRead | None:
    where = PointAccount.account_id == member_id if member_id is not None else PointAccount.unit_id == unit_id
    row = (await session.execute(_holders().where(where))).one_or_none()
    return _holder(*row) if row else None


async def area_holders(session: AsyncSession, actor: Actor, area_path: str | None, limit: int,
                       offset: int) -> tuple[list[HolderRead], int]:
    """Holders in the actor's areas, highest balance first."""
    holder_area = select(Area.path).where(Area.id == PointAccount.area_id).scalar_subquery()
    query = _holders().where(actor.in_scope(holder_area, *AUDITORS),
                             holder_area.startswith(area_path) if area_path else or_(True))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = (await session.execute(query.order_by(PointAccount.balance.desc(), PointAccount.id)
                                  .limit(limit).offset(offset))).all()
    return [_holder(*row) for row in rows], total
