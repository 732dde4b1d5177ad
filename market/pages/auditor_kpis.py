"""The KPI dashboard (考核指标): an area's KPIs over local dates, its child areas compared, a trend by week or month.

Every figure comes from the KPI service (`area_report`), called once for the range and once per step of the
trend; the charts are drawn here as SVG, each with a table of the same figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.errors import InvalidInput
from market.kpis import service as kpis
from market.kpis.definitions import KPIS, PER_MILLE
from market.kpis.schemas import AreaKpiReport, HasKpis
from market.models import Area
from market.pages.auditor_charts import Bar, Point, bar_chart, line_chart
from market.pages.auditor_forms import AUDIT, AUDITORS, areas_of, day_of, query_values, whole
from market.pages.rendering import render

ORDERS = "orders"
METRICS = [(ORDERS, "订单数")] + [(k.code, k.name) for k in KPIS]
STEPS = [("auto", "自动（三个月内按周，更长按月）"), ("week", "按周"), ("month", "按月")]
MOST_WEEKS = 53
AUTO_WEEKS_UP_TO_DAYS = 92


@get("/audit/kpis", opt=AUDIT, include_in_schema=False)
async def dashboard(request: Request, session: DbSession, actor: Caller, settings: AppSettings,
                    clock: AppClock) -> Template:
    values = query_values(request.query_params, "area_id", "date_from", "date_to", "metric", "step")
    areas = await areas_of(session, actor)
    if not areas:
        return render(request, "audit/kpis.html", areas=[], values=values, errors={}, report=None)
    today = clock.now().astimezone(settings.tz).date()
    errors: dict[str, str] = {}
    values["area_id"] = values["area_id"] if whole(values["area_id"]) else areas[0][0]
    values["metric"] = values["metric"] if values["metric"] in dict(METRICS) else "completion_rate"
    values["step"] = values["step"] if values["step"] in dict(STEPS) else "auto"
    try:
        start, end = kpis.date_range(day_of(values, "date_from", "开始日期", errors),
                                     day_of(values, "date_to", "结束日期", errors), today)
        steps = buckets(start, end, values["step"])
    except InvalidInput as error:
        errors[error.field or "date_from"] = error.message
    if errors:
        return render(request, "audit/kpis.html", status_code=400, areas=areas, values=values, errors=errors,
                      report=None, metrics=METRICS, steps=STEPS)
    values["date_from"], values["date_to"] = start.isoformat(), end.isoformat()
    area_id = int(values["area_id"])
    report = await kpis.area_report(session, actor, area_id, start, end, settings.tz)
    trend = [(label, await kpis.area_report(session, actor, area_id, first, last, settings.tz))
             for label, first, last in steps]
    metric, name = values["metric"], dict(METRICS)[values["metric"]]
    link = {k: values[k] for k in ("date_from", "date_to", "metric", "step")}
    bars = [Bar(child.name, measure(child, metric), words(child, metric), _drill(link, child.area_id))
            for child in report.children]
    points = [Point(label, measure(step, metric), words(step, metric)) for label, step in trend]
    top = 100.0 if _is_rate(metric) else None
    return render(request, "audit/kpis.html", areas=_with_current(areas, report), values=values,
                  errors={}, report=report, metrics=METRICS, steps=STEPS, metric_name=name, link=urlencode(link),
                  definitions={k.code: k for k in KPIS}, trend=trend, metric=metric,
                  lineage=await _lineage(session, actor, area_id),
                  comparison=bar_chart("compare", f"{report.name}各下级区域的{name}", bars, top) if bars else None,
                  trend_chart=line_chart("trend", f"{report.name}{name}的变化", points, top, "%" if top else ""))


def buckets(start: date, end: date, step: str) -> list[tuple[str, date, date]]:
    """The range cut into weeks (from Monday) or calendar months, the first and last cut to the range."""
    weekly = step == "week" or (step == "auto" and (end - start).days + 1 <= AUTO_WEEKS_UP_TO_DAYS)
    cuts: list[tuple[str, date, date]] = []
    first = start
    while first <= end:
        if weekly:
            last = min(first + timedelta(days=6 - first.weekday()), end)
            label = f"{first:%m-%d}"
        else:
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            last = min(following - timedelta(days=1), end)
            label = f"{first:%Y-%m}"
        cuts.append((label, first, last))
        first = last + timedelta(days=1)
    if weekly and len(cuts) > MOST_WEEKS:
        raise InvalidInput(f"按周最多显示 {MOST_WEEKS} 周，请改为按月或缩短日期范围", field="step")
    return cuts


def measure(report: HasKpis, metric: str) -> float | None:
    """The chart's value: orders counted, a rate in percent, or a mean in its unit; None when nothing counted."""
    if metric == ORDERS:
        return float(report.orders)  # type: ignore[attr-defined]
    kpi = report.kpi(metric)
    if kpi.value is None:
        return None
    return kpi.value / 10 if kpi.unit == PER_MILLE else float(kpi.value)


def words(report: HasKpis, metric: str) -> str:
    """The value as the page writes it: 85.0%, 12.5 分钟, 7 单, or 无数据."""
    if metric == ORDERS:
        return f"{report.orders} 单"  # type: ignore[attr-defined]
    kpi = report.kpi(metric)
    if kpi.value is None:
        return "无数据"
    return f"{kpi.value / 10:.1f}%" if kpi.unit == PER_MILLE else f"{kpi.value} {kpi.unit}"


def _drill(link: dict[str, str], area_id: int) -> str:
    return f"/audit/kpis?{urlencode({**link, 'area_id': area_id})}"


def _is_rate(metric: str) -> bool:
    return metric != ORDERS and next(k for k in KPIS if k.code == metric).unit == PER_MILLE


def _with_current(areas: list[tuple[str, str]], report: AreaKpiReport) -> list[tuple[str, str]]:
    """The picker's areas, with the one shown added when it was reached by drilling down below the picker."""
    if str(report.area_id) in dict(areas):
        return areas
    return [*areas, (str(report.area_id), f"{report.name}（{report.level_name}）")]


async def _lineage(session: AsyncSession, actor: Actor, area_id: int) -> list[tuple[int, str, bool]]:
    """The areas from the top down to this one: (id, name, whether the caller may open it)."""
    area = await session.get(Area, area_id)
    if area is None:
        return []
    above = {a.id: a for a in await session.scalars(select(Area).where(Area.id.in_(area.lineage)))}
    return [(i, above[i].name, actor.covers(above[i].path, *AUDITORS)) for i in area.lineage if i in above]


HANDLERS = [dashboard]
