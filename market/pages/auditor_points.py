"""The points audit queue (积分审核): filters, post or void each award, reverse a posted one, bulk approval, 抽查."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.database import Database
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller, DbSession
from market.errors import InvalidInput, MarketError, NotFound
from market.pages.auditor_forms import AUDIT, FORM_ERRORS, Form, areas_of, day_of, keep, query_values, whole
from market.pages.rendering import form_values, parse_form, render
from market.points import audit, queries
from market.points.schemas import KIND_NAMES, STATUS_NAMES, BulkApprove, EntryFilter, ReverseRequest, VoidRequest
from market.settings import Settings

PAGE_SIZE = 50
SAMPLE_MOST = 200
FILTERS = ("status", "kind", "needs_review", "area_id", "date_from", "date_to")
STATUSES = [(code, STATUS_NAMES[code]) for code in ("pending", "posted", "voided", "reversed")] + [("all", "全部状态")]
KINDS = [(code, KIND_NAMES[code]) for code in ("award", "penalty")]
REVIEW = [("true", "超过每日上限，须逐条审核"), ("false", "未超上限")]
BULK_LABELS = {"area_id": "区域", "kind": "类型", "date_from": "开始日期", "date_to": "结束日期",
               "max_points": "单条积分上限", "note": "审核意见"}


@get("/audit/points", opt=AUDIT, include_in_schema=False)
async def queue(request: Request, session: DbSession, actor: Caller, settings: AppSettings) -> Template:
    return await _queue(request, session, actor, settings)


@dataclass(frozen=True)
class _Decision:
    """One auditor decision on an entry: the form field it reads, the audit step, the notice after it."""

    field: str
    act: Callable[[AsyncSession, Actor, int, str, datetime], Awaitable[object]]
    done: str
    missing: str = ""  # when set, the field is required and this is the message without it
    body: type[VoidRequest] | type[ReverseRequest] | None = None
    label: str = ""


DECISIONS = {
    "post": _Decision("note", audit.post_entry, "audit_posted"),
    "void": _Decision("note", audit.void_entry, "audit_voided", "作废须填写原因（审核意见）", VoidRequest, "审核意见"),
    "reverse": _Decision("reason", audit.reverse_entry, "audit_reversed", "请填写冲正原因", ReverseRequest, "冲正原因"),
}


@post("/audit/points/{entry_id:int}/{decision:str}", opt=AUDIT, include_in_schema=False)
async def decide(request: Request, entry_id: FromPath[int], decision: FromPath[str], data: Form,
                 database: AppDatabase, actor: Caller, settings: AppSettings, clock: AppClock) -> Response:
    """通过 (post), 作废 (void, with a note) or 冲正 (reverse a posted one, with a reason)."""
    if decision not in DECISIONS:
        raise NotFound("没有这种审核操作")
    chosen = DECISIONS[decision]
    values = form_values(data, chosen.field)
    try:
        text = values.get(chosen.field, "")
        if chosen.body:
            if not text:
                raise InvalidInput(chosen.missing, field=chosen.field)
            text = getattr(parse_form(values, chosen.body, {chosen.field: chosen.label}), chosen.field)
        async with database.transaction() as session:
            await chosen.act(session, actor, entry_id, text, clock.now())
    except FORM_ERRORS as error:
        return await _again(request, database, actor, settings, entry_id, values, error)
    return _back(request, chosen.done)


@post("/audit/points/approve", opt=AUDIT, include_in_schema=False)
async def approve_in_bulk(request: Request, data: Form, database: AppDatabase, actor: Caller, settings: AppSettings,
                          clock: AppClock) -> Response:
    values = form_values(data, *BULK_LABELS)
    try:
        if "area_id" not in values:
            raise InvalidInput("请选择区域", field="area_id")
        wanted = parse_form(values, BulkApprove, BULK_LABELS)
        if wanted.date_from and wanted.date_to and wanted.date_from > wanted.date_to:
            raise InvalidInput("结束日期不能早于开始日期", field="date_to")
        async with database.transaction() as session:
            try:
                done = await audit.approve_in_bulk(session, actor, wanted, settings.tz, clock.now())
            except NotFound:
                raise InvalidInput("请选择您负责的区域", field="area_id") from None
    except FORM_ERRORS as error:
        return await _again(request, database, actor, settings, "bulk", values, error)
    shown = {k: values.get(k, "") for k in ("area_id", "kind", "date_from", "date_to")}
    back = keep(shown, status="pending", ok="audit_bulk_approved", posted=done.posted, review=done.left_for_review,
                more=int(done.more))
    return Redirect(f"/audit/points?{back}")


def _back(request: Request, code: str) -> Redirect:
    """To the queue as it was filtered when the form was sent (the form's action carries the filters)."""
    return Redirect(f"/audit/points?{keep(query_values(request.query_params, *FILTERS, 'page'), ok=code)}")


async def _again(request: Request, database: Database, actor: Actor, settings: Settings, failed: int | str,
                 values: dict[str, str], error: MarketError) -> Template:
    """The queue again, with the refused form's entry kept and its field marked."""
    async with database.transaction(write=False) as session:
        return await _queue(request, session, actor, settings, error.status, failed, values,
                            {error.field or "form": error.message})


async def _queue(request: Request, session: AsyncSession, actor: Actor, settings: Settings, status_code: int = 200,
                 failed: int | str | None = None, values: dict[str, str] | None = None,
                 errors: dict[str, str] | None = None) -> Template:
    """The entries the filters keep (pending by default), a page in id order or a random sample."""
    params = request.query_params
    shown = query_values(params, *FILTERS, "page", "sample")
    shown["status"] = shown["status"] or "pending"  # "all" asks for every status
    problems: dict[str, str] = {}
    wanted, path = await _filter(session, actor, shown, problems)
    page = max(whole(shown["page"]) or 1, 1)
    sample = min(whole(shown["sample"]) or 0, SAMPLE_MOST) or None
    found = await queries.audit_page(session, queries.audit_query(actor, wanted, path, settings.tz), PAGE_SIZE,
                                     (page - 1) * PAGE_SIZE, sample)
    bulk = {name: whole(params.get(name)) for name in ("posted", "review", "more")} \
        if params.get("ok") == "audit_bulk_approved" else None
    filters = {k: shown[k] for k in FILTERS}
    return render(request, "audit/points.html", status_code=400 if problems and status_code == 200 else status_code,
                  entries=found.items, total=found.total, page=page, sample=sample,
                  pages=max((found.total + PAGE_SIZE - 1) // PAGE_SIZE, 1), filters=filters,
                  listed=keep(filters), back=keep(filters, page=page if page > 1 else None), problems=problems,
                  bulk=bulk,
                  areas=await areas_of(session, actor), statuses=STATUSES, kinds=KINDS, reviews=REVIEW,
                  failed=failed, values=values or {}, errors=errors or {})


async def _filter(session: AsyncSession, actor: Actor, shown: dict[str, str],
                  problems: dict[str, str]) -> tuple[EntryFilter, str | None]:
    """The filter the query asks for, and its area's path; each bad part is left out and noted in `problems`."""
    if shown["status"] and shown["status"] not in dict(STATUSES):
        problems["status"] = "请选择列表中的状态"
    if shown["kind"] and shown["kind"] not in dict(KINDS):
        problems["kind"] = "请选择服务积分或超时扣分"
    if shown["needs_review"] and shown["needs_review"] not in ("true", "false"):
        problems["needs_review"] = "请选择列表中的一项"
    area_id, path = whole(shown["area_id"]), None
    if shown["area_id"]:
        try:
            path = await queries.area_path_of(session, actor, area_id if area_id is not None else -1)
        except NotFound:
            problems["area_id"] = "请选择您负责的区域"
    date_from = day_of(shown, "date_from", "开始日期", problems)
    date_to = day_of(shown, "date_to", "结束日期", problems)
    if date_from and date_to and date_from > date_to:
        problems["date_to"] = "结束日期不能早于开始日期"
        date_to = None
    status = shown["status"] if "status" not in problems and shown["status"] != "all" else ""
    kind = shown["kind"] if "kind" not in problems else ""
    wanted = EntryFilter(area_id=area_id if path else None, status=status or None, kind=kind or None,  # type: ignore[arg-type]
                         needs_review={"true": True, "false": False}.get(shown["needs_review"]),
                         date_from=date_from, date_to=date_to)
    return wanted, path


HANDLERS = [queue, decide, approve_in_bulk]
