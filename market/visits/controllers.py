"""HTTP routes of 六访: plan visits, list and pause plans, and read coverage for an area."""

from __future__ import annotations

from datetime import date, datetime

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from market.access import DISPATCHERS, policy
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.errors import InvalidInput
from market.settings import Settings
from market.visits import service
from market.visits.service import READERS, Coverage, VisitPlanBody, VisitPlanRead


class VisitPlanController(Controller):
    path = "/api/visit-plans"
    tags = ["六访"]

    @post("/", opt=policy(*DISPATCHERS), summary="为重点居民制定走访计划（六访）")
    async def create(self, data: VisitPlanBody, session: DbSession, actor: Caller, clock: AppClock) -> VisitPlanRead:
        return await service.create_plan(session, actor, data, clock.now())

    @post("/{plan_id:int}/pause", opt=policy(*DISPATCHERS), status_code=200, summary="暂停走访计划")
    async def pause(self, plan_id: FromPath[int], session: DbSession, actor: Caller) -> VisitPlanRead:
        return await service.set_active(session, actor, plan_id, False)

    @post("/{plan_id:int}/resume", opt=policy(*DISPATCHERS), status_code=200, summary="恢复走访计划")
    async def resume(self, plan_id: FromPath[int], session: DbSession, actor: Caller) -> VisitPlanRead:
        return await service.set_active(session, actor, plan_id, True)


@get("/api/areas/{area_id:int}/visit-plans", opt=policy(*READERS), tags=["六访"], summary="本区域的走访计划")
async def area_visit_plans(area_id: FromPath[int], session: DbSession, actor: Caller) -> list[VisitPlanRead]:
    return await service.list_plans(session, actor, area_id)


@get("/api/areas/{area_id:int}/visit-coverage", opt=policy(*READERS), tags=["六访"],
     summary="走访覆盖率（应访/已访），按网格和社区汇总；month 形如 2026-11，默认本月")
async def area_visit_coverage(area_id: FromPath[int], session: DbSession, actor: Caller, settings: AppSettings,
                              clock: AppClock, month: FromQuery[str | None] = None) -> Coverage:
    return await service.coverage(session, actor, area_id, _month(month, clock.now(), settings), settings.tz)


def _month(raw: str | None, now: datetime, settings: Settings) -> date:
    if not raw:
        return now.astimezone(settings.tz).date().replace(day=1)
    try:
        return datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        raise InvalidInput("月份格式应为 2026-11", field="month") from None
