"""The star ratings (星级评定台账): every rating row of the runs in an area subtree whose period starts in the range."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.exports.registry import Column, ExportFilters, Report, RowPages, keyset_pages
from market.models import Account, Area, Objection, StarRating, StarRatingRun, Unit
from market.ratings.schemas import RUN_STATUS_NAMES
from market.ratings.service import READERS

COLUMNS = (
    Column("评定周期", 9), Column("区域", 12), Column("评定状态", 9), Column("持有方", 8), Column("名称", 14),
    Column("积分", 8), Column("接单数", 8), Column("办结数", 8), Column("按时办结数", 10), Column("评价数", 8),
    Column("满意数（≥4星）", 13), Column("得分", 8), Column("星级", 6), Column("异议", 6), Column("规则版本", 9),
)


async def rating_rows(session: AsyncSession, actor: Actor, filters: ExportFilters) -> RowPages:
    objections = select(func.count()).where(Objection.rating_id == StarRating.id).scalar_subquery()
    query = (select(StarRating, StarRatingRun, Area.name, func.coalesce(Account.display_name, Unit.name), objections)
             .join(StarRatingRun, StarRatingRun.id == StarRating.run_id)
             .join(Area, Area.id == StarRatingRun.area_id)
             .outerjoin(Account, Account.id == StarRating.account_id)
             .outerjoin(Unit, Unit.id == StarRating.unit_id)
             .where(Area.path.startswith(filters.area_path), StarRatingRun.period_start >= filters.date_from,
                    StarRatingRun.period_start <= filters.date_to))
    async for rows in keyset_pages(session, query, StarRating.id, lambda row: row[0].id):
        yield [_row(*row) for row in rows]

def _row(row: StarRating, run: StarRatingRun, area: str, name: str, objections: int) -> tuple:
    return (run.period, area, RUN_STATUS_NAMES[run.status], "党员" if row.account_id is not None else "单位", name,
            row.points, row.taken, row.completed, row.on_time, row.rated, row.satisfied, row.score / 10,
            "★" * row.stars or "未评星", objections, run.rule_version)


STAR_RATINGS = Report(
    code="star_ratings", title="星级评定台账", columns=COLUMNS, rows=rating_rows, readers=READERS,
    summary="区域内（含下级）周期起始日在日期范围内的星级评定：每个党员、单位的积分、办结、按时、满意、得分与星级",
)
