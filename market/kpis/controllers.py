"""HTTP routes of the KPIs: an area with its children, a unit, a member, over local dates (default: this month)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from market.access import policy
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.kpis import service
from market.kpis.schemas import AreaKpiReport, MemberKpiReport, UnitKpiReport
from market.kpis.service import STAFF
from market.vocab import Role

RANGE = "date_from、date_to 为本地日期（含首尾，形如 2026-11-01），默认本月1日至今天"


class KpiController(Controller):
    path = "/api/kpis"
    tags = ["考核指标"]

    @get("/areas/{area_id:int}", opt=policy(*STAFF), summary="区域考核指标，并按下一级区域分项（同口径）",
         description=RANGE)
    async def area(self, area_id: FromPath[int], session: DbSession, actor: Caller, settings: AppSettings,
                   clock: AppClock, date_from: FromQuery[date | None] = None,
                   date_to: FromQuery[date | None] = None) -> AreaKpiReport:
        start, end = service.date_range(date_from, date_to, clock.now().astimezone(settings.tz).date())
        return await service.area_report(session, actor, area_id, start, end, settings.tz)

    @get("/units/{unit_id:int}", opt=policy(Role.UNIT_ADMIN, *STAFF), summary="单位考核指标", description=RANGE)
    async def unit(self, unit_id: FromPath[int], session: DbSession, actor: Caller, settings: AppSettings,
                   clock: AppClock, date_from: FromQuery[date | None] = None,
                   date_to: FromQuery[date | None] = None) -> UnitKpiReport:
        start, end = service.date_range(date_from, date_to, clock.now().astimezone(settings.tz).date())
        return await service.unit_report(session, actor, unit_id, start, end, settings.tz)

    @get("/members/{account_id:int}", opt=policy(Role.MEMBER, Role.UNIT_ADMIN, *STAFF), summary="党员个人考核指标",
         description=RANGE)
    async def member(self, account_id: FromPath[int], session: DbSession, actor: Caller, settings: AppSettings,
                     clock: AppClock, date_from: FromQuery[date | None] = None,
                     date_to: FromQuery[date | None] = None) -> MemberKpiReport:
        start, end = service.date_range(date_from, date_to, clock.now().astimezone(settings.tz).date())
        return await service.member_report(session, actor, account_id, start, end, settings.tz)
