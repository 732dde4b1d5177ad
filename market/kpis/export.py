"""The KPI report as a 台账 (考核指标): one row for the area, one per child area, each KPI with its two counts."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.exports.registry import Column, ExportFilters, Report, RowPages
from market.kpis.definitions import KPIS, PER_MILLE
from market.kpis.schemas import Kpi
from market.kpis.service import area_report

COLUMNS = (
    Column("区域", 14), Column("层级", 8), Column("订单数", 9),
    # Each KPI's value, then its numerator and denominator named after it, so that no two headers are alike.
    *(column for kpi in KPIS for column in (Column(f"{kpi.name}（{'%' if kpi.unit == PER_MILLE else kpi.unit}）", 12),
                                            Column(f"{kpi.name}·{kpi.numerator_name}", 14),
                                            Column(f"{kpi.name}·{kpi.denominator_name}", 14))),
)


async def kpi_rows(session: AsyncSession, actor: Actor, filters: ExportFilters) -> RowPages:
    report = await area_report(session, actor, filters.area_id, filters.date_from, filters.date_to, filters.tz)
    rows = [(report.name, f"{report.level_name}（合计）", report.orders, *_cells(report.kpis))]
    rows += [(child.name, child.level_name, child.orders, *_cells(child.kpis)) for child in report.children]
    if report.direct.orders:
        rows.append((f"{report.name}（本级直接）", report.level_name, report.direct.orders, *_cells(report.direct.kpis)))
    yield rows


def _cells(kpis: list[Kpi]) -> list[object]:
    """Rates as percent with one decimal (the API's per mille / 10), means as they are; empty with nothing to divide."""
    cells: list[object] = []
    for kpi in kpis:
        shown = kpi.value / 10 if kpi.value is not None and kpi.unit == PER_MILLE else kpi.value
        cells += [shown, kpi.numerator, kpi.denominator]
    return cells


KPI_REPORT = Report(
    code="kpis", title="考核指标", columns=COLUMNS, rows=kpi_rows,
    summary="区域及其每个下级区域在日期范围内的考核指标：接单率、及时接单率、办结率、按时办结率、满意率、好评率、平均响应与办结时长、走访覆盖率、督办上报率、吹哨及时报到率，各附分子分母",
)
