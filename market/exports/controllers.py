"""HTTP routes of 台账 exports: the reports on offer, one report as CSV or xlsx, and the export log."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Stream

from market.access import policy
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller, DbSession
from market.exports import service
from market.exports.registry import READERS
from market.exports.schemas import ExportLogPage, ExportRequest, FormatCode, ReportRead
from market.exports.service import LOG_READERS

Limit = Annotated[int, QueryParameter(ge=1, le=100)]
Offset = Annotated[int, QueryParameter(ge=0)]


class ExportController(Controller):
    path = "/api/exports"
    tags = ["台账导出"]

    @get("/", opt=policy(*READERS), summary="可导出的台账（报表编码、标题、列名、格式）")
    async def list_reports(self, actor: Caller) -> list[ReportRead]:
        return service.reports_for(actor)

    @get("/log", opt=policy(*LOG_READERS), summary="导出记录：谁在何时导出了哪个区域的哪份台账，是否显示完整联系方式")
    async def log(self, session: DbSession, actor: Caller, report: FromQuery[str | None] = None,
                  area_id: FromQuery[int | None] = None, limit: Limit = 20, offset: Offset = 0) -> ExportLogPage:
        return await service.export_log(session, actor, report, area_id, limit, offset)

    @get("/{report:str}", opt=policy(*READERS),
         summary="导出台账（format=xlsx 或 csv；区域含下级，日期为本地日期且含首尾两天；"
                 "联系方式默认打码，reveal=true 并填写 reason 才显示完整，且记入导出记录）")
    async def export(self, report: FromPath[str], session: DbSession, database: AppDatabase, actor: Caller,
                     clock: AppClock, settings: AppSettings, area_id: FromQuery[int], date_from: FromQuery[date],
                     # Named as in the query string, so that a bad value's error names `format`.
                     date_to: FromQuery[date], format: FromQuery[FormatCode] = "xlsx",
                     reveal: FromQuery[bool] = False, reason: FromQuery[str | None] = None) -> Stream:
        wanted = ExportRequest(report=report, file_format=format, area_id=area_id, date_from=date_from,
                               date_to=date_to, reveal=reveal, reason=reason)
        exported = await service.export(session, database, actor, wanted, settings.tz, clock.now())
        return Stream(exported.chunks(), media_type=exported.media_type, headers=exported.headers)

