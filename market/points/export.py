"""The points ledger (积分台账): every entry written in an area subtree over a date range, in id order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from market.access import Actor
from market.exports.registry import Column, ExportFilters, Report, RowPages, keyset_pages
from market.models import Account, Area, LedgerEntry, PointAccount
from market.points.queries import AUDITORS, entries_query
from market.points.schemas import KIND_NAMES, STATUS_NAMES

COLUMNS = (
    Column("编号", 8), Column("记账时间", 17), Column("持有方", 8), Column("名称", 14), Column("记录类型", 10),
    Column("积分", 8), Column("审核状态", 10), Column("需逐条审核", 10), Column("订单编号", 9), Column("订单标题", 24),
    Column("说明", 40), Column("操作人", 10), Column("规则版本", 9), Column("链序号", 8), Column("来源", 28),
    Column("哈希", 20),
)


async def entry_rows(session: AsyncSession, actor: Actor, filters: ExportFilters) -> RowPages:
    operator = aliased(Account, name="operator")
    entry_area = select(Area.path).where(Area.id == LedgerEntry.area_id).scalar_subquery()
    query = (entries_query().add_columns(operator.display_name, PointAccount.account_id.is_not(None))
             .outerjoin(operator, operator.id == LedgerEntry.actor_id)
             .where(entry_area.startswith(filters.area_path), LedgerEntry.created_at >= filters.starts_at,
                    LedgerEntry.created_at < filters.ends_before))
    async for rows in keyset_pages(session, query, LedgerEntry.id, lambda row: row[0].id):
        yield [_row(*row) for row in rows]

def _row(entry: LedgerEntry, status: str, _resolved_at: object, holder: str, title: str | None,
         operator: str | None, is_member: bool) -> tuple:
    return (entry.id, entry.created_at, "党员" if is_member else "单位", holder, KIND_NAMES[entry.kind], entry.points,
            STATUS_NAMES[status] if status != "recorded" else "", "是" if entry.needs_review else "",
            entry.order_id, title, entry.note, operator or "系统", entry.rule_version, entry.seq, entry.source_key,
            entry.entry_hash[:16])


POINTS_LEDGER = Report(
    code="points", title="积分台账", columns=COLUMNS, rows=entry_rows, readers=AUDITORS,
    summary="区域内（含下级）在日期范围内记下的每一条积分：服务积分、超时扣分、审核入账、作废与冲正，及其审核状态和哈希",
)
