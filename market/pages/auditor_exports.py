"""台账 exports from a page: choose the report, area, dates and format, and download the file the API would give.

The file is made by the export service (the same checks, writers and export log as GET /api/exports/{code});
contacts in it stay masked: this page never asks to reveal them.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.response import Stream, Template
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller, DbSession
from market.errors import Forbidden, InvalidInput, MarketError, NotFound
from market.exports import service
from market.exports.schemas import ExportRequest
from market.exports.service import LOG_READERS
from market.exports.writers import FORMATS
from market.pages.auditor_forms import AUDIT, Form, areas_of, day_of, whole
from market.pages.rendering import form_values, render

FIELDS = ("report", "area_id", "date_from", "date_to", "format")
FORMAT_NAMES = {"xlsx": "Excel 表格（.xlsx）", "csv": "CSV 文本（.csv，Excel 可打开）"}
# Every refusal of the export service is about something on this form, so it is shown beside it.
REFUSALS = (InvalidInput, Forbidden, NotFound)
LOG_SHOWN = 10


@get("/audit/exports", opt=AUDIT, include_in_schema=False)
async def exports_page(request: Request, session: DbSession, actor: Caller, settings: AppSettings,
                       clock: AppClock) -> Template:
    today = clock.now().astimezone(settings.tz).date()
    values = {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat(), "format": "xlsx"}
    return await _page(request, session, actor, values, {})


@post("/audit/exports", opt=AUDIT, status_code=200, include_in_schema=False)
async def download(request: Request, data: Form, database: AppDatabase, actor: Caller, settings: AppSettings,
                   clock: AppClock) -> Response:
    values = form_values(data, *FIELDS)
    async with database.transaction(write=False) as session:
        try:
            wanted = _request_of(values)
            exported = await service.export(session, database, actor, wanted, settings.tz, clock.now())
        except REFUSALS as error:
            return await _page(request, session, actor, values, _placed(error), error.status)
    return Stream(exported.chunks(), media_type=exported.media_type, headers=exported.headers)


def _request_of(values: dict[str, str]) -> ExportRequest:
    errors: dict[str, str] = {}
    if not values.get("report"):
        raise InvalidInput("请选择要导出的台账", field="report")
    area_id = whole(values.get("area_id"))
    if area_id is None:
        raise InvalidInput("请选择区域", field="area_id")
    date_from = day_of(values, "date_from", "开始日期", errors)
    date_to = day_of(values, "date_to", "结束日期", errors)
    for name, label in (("date_from", "开始日期"), ("date_to", "结束日期")):
        if name in errors or not values.get(name):
            raise InvalidInput(errors.get(name, f"请填写{label}"), field=name)
    if values.get("format", "xlsx") not in FORMATS:
        raise InvalidInput("请选择 Excel 或 CSV 格式", field="format")
    assert date_from is not None and date_to is not None
    return ExportRequest(report=values["report"], file_format=values.get("format", "xlsx"),  # type: ignore[arg-type]
                         area_id=area_id, date_from=date_from, date_to=date_to)


def _placed(error: MarketError) -> dict[str, str]:
    """A refusal beside the field it is about: the field the service named, else the one its message means."""
    if error.field:
        return {{"file_format": "format"}.get(error.field, error.field): error.message}
    if isinstance(error, NotFound) and error.message == "区域不存在":
        return {"area_id": "请选择您负责的区域"}
    if error.message in ("报表不存在", "没有权限导出该报表"):
        return {"report": "请选择列表中的台账"}
    return {"form": error.message}


async def _page(request: Request, session: AsyncSession, actor: Actor, values: dict[str, str],
                errors: dict[str, str], status_code: int = 200) -> Template:
    log = await service.export_log(session, actor, None, None, LOG_SHOWN, 0) if actor.has(*LOG_READERS) else None
    return render(request, "audit/exports.html", status_code=status_code, reports=service.reports_for(actor),
                  areas=await areas_of(session, actor), formats=list(FORMAT_NAMES.items()), values=values,
                  errors=errors, log=log.items if log else [])


HANDLERS = [exports_page, download]
