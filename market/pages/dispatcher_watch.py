"""What a dispatcher watches: 督办 and escalation, summons (吹哨) of their areas, and 六访 visit coverage by month."""

from __future__ import annotations

from datetime import date, datetime

from litestar import Request, get
from litestar.response import Template

from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.pages.dispatcher_forms import STAFF, chosen_area, my_areas, number
from market.pages.rendering import render
from market.summons import service as summons
from market.supervision.queries import list_supervisions
from market.visits import service as visits
from market.vocab import AreaLevel

SUPERVISIONS_SHOWN = 100


@get("/staff/supervision", opt=STAFF, include_in_schema=False)
async def supervision(request: Request, session: DbSession, actor: Caller) -> Template:
    """The community's own 督办 notices, and those that went up to the street or district (逐级上报)."""
    query = request.query_params
    areas = await my_areas(session, actor)
    area_id = chosen_area(areas, number(query.get("area_id")))
    everything = query.get("all") == "1"
    found = await list_supervisions(session, actor, area_id, not everything, SUPERVISIONS_SHOWN, 0) \
        if area_id is not None else None
    items = found.items if found else []
    return render(request, "staff/supervision.html", areas=areas, area_id=area_id, everything=everything,
                  total=found.total if found else 0,
                  notices=[s for s in items if s.level == AreaLevel.COMMUNITY],
                  escalations=[s for s in items if s.level != AreaLevel.COMMUNITY])


@get("/staff/summons", opt=STAFF, include_in_schema=False)
async def summons_list(request: Request, session: DbSession, actor: Caller) -> Template:
    """Summons of orders in the caller's areas: acknowledged in time? reported back? late?"""
    open_only = request.query_params.get("open") == "1"
    return render(request, "staff/summons.html", items=await summons.list_summons(session, actor, open_only),
                  open_only=open_only)


@get("/staff/visits", opt=STAFF, include_in_schema=False)
async def visit_coverage(request: Request, session: DbSession, actor: Caller, settings: AppSettings,
                         clock: AppClock) -> Template:
    """Visits due and made in a month, per community and grid."""
    query = request.query_params
    areas = await my_areas(session, actor)
    area_id = chosen_area(areas, number(query.get("area_id")))
    this_month = clock.now().astimezone(settings.tz).date().replace(day=1)
    raw = query.get("month", "").strip()
    month, errors = this_month, {}
    if raw:
        try:
            month = datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            errors["month"] = "月份格式应为 2026-11（年-月）"
    coverage = await visits.coverage(session, actor, area_id, month, settings.tz) if area_id is not None else None
    return render(request, "staff/visits.html", status_code=400 if errors else 200, areas=areas, area_id=area_id,
                  coverage=coverage, values={"month": raw or _month(month)}, errors=errors,
                  levels={level.value: level.label for level in AreaLevel})


def _month(day: date) -> str:
    return day.strftime("%Y-%m")



HANDLERS = [supervision, summons_list, visit_coverage]
