"""Dispatchers' pages (社区/网格): the review queue and the orders of their areas; DISPATCHER_PAGES lists them all."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.database import Database
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller, DbSession
from market.errors import Conflict, InvalidInput
from market.orders import queries, review
from market.orders.queries import OrderFilter
from market.orders.schemas import ApproveRequest, ReasonRequest
from market.pages import dispatcher_board, dispatcher_order, dispatcher_watch
from market.pages.dispatcher_forms import FORM_ERRORS, STAFF, Form, my_areas
from market.pages.rendering import form_values, parse_form, render
from market.settings import Settings
from market.vocab import OrderStatus, SlaLevel, Triage

APPROVE_LABELS = {"triage": "处置分类", "claimable": "放入抢单大厅", "note": "审核意见"}
REJECT_LABELS = {"reason": "驳回原因"}
PAGE_SIZE = 50


@get("/staff/review", opt=STAFF, include_in_schema=False)
async def review_queue(request: Request, session: DbSession, actor: Caller, settings: AppSettings) -> Template:
    return await _review_page(request, session, actor, settings)


@post("/staff/review/{order_id:int}/approve", opt=STAFF, include_in_schema=False)
async def approve(request: Request, order_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                  settings: AppSettings, clock: AppClock) -> Response:
    values = form_values(data, "triage", "claimable", "note")
    try:
        if "triage" not in values:
            raise InvalidInput("请选择处置分类", field="triage")
        approval = parse_form(values, ApproveRequest, APPROVE_LABELS)
        async with database.transaction() as session:
            await review.approve(session, actor, order_id, approval, clock.now())
    except FORM_ERRORS as error:
        return await _review_again(request, database, actor, settings, order_id, values, error)
    return Redirect("/staff/review?ok=order_approved")


@post("/staff/review/{order_id:int}/reject", opt=STAFF, include_in_schema=False)
async def reject(request: Request, order_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                 settings: AppSettings, clock: AppClock) -> Response:
    values = form_values(data, "reason")
    try:
        reason = parse_form(values, ReasonRequest, REJECT_LABELS).reason
        async with database.transaction() as session:
            await review.reject(session, actor, order_id, reason, clock.now())
    except FORM_ERRORS as error:
        return await _review_again(request, database, actor, settings, order_id, values, error)
    return Redirect("/staff/review?ok=order_rejected")


async def _review_again(request: Request, database: Database, actor: Actor, settings: Settings, order_id: int,
                        values: dict[str, str], error: InvalidInput | Conflict) -> Template:
    async with database.transaction(write=False) as session:
        return await _review_page(request, session, actor, settings, error.status, order_id, values,
                                  {error.field or "form": error.message})


async def _review_page(request: Request, session: AsyncSession, actor: Actor, settings: Settings,
                       status_code: int = 200, failed: int | None = None, values: dict[str, str] | None = None,
                       errors: dict[str, str] | None = None) -> Template:
    """Submitted orders of the caller's areas, the oldest first; a refused form comes back on its order."""
    page = await queries.list_orders(session, actor, OrderFilter(status=[OrderStatus.SUBMITTED], sort="created_at",
                                                                 limit=PAGE_SIZE), settings.tz)
    shown = failed in {o.id for o in page.items}
    return render(request, "staff/review.html", status_code=status_code, orders=page.items, total=page.total,
                  triages=[(t.value, t.label) for t in Triage], failed=failed, values=values or {},
                  errors=errors or {}, lost=(errors or {}).get("form") if not shown else None)


@get("/staff/orders", opt=STAFF, include_in_schema=False)
async def orders(request: Request, session: DbSession, actor: Caller, settings: AppSettings) -> Template:
    """Orders of the caller's areas by state, area and red/yellow/green mark, the newest first."""
    query = request.query_params
    values = {name: query.get(name, "").strip() for name in ("status", "sla_level", "area_id", "page")}
    errors: dict[str, str] = {}
    if values["status"] and values["status"] not in {s.value for s in OrderStatus}:
        errors["status"] = "请选择列表中的状态"
    if values["sla_level"] and values["sla_level"] not in {s.value for s in SlaLevel}:
        errors["sla_level"] = "请选择红、黄或绿"
    areas = await my_areas(session, actor)
    area_id = int(values["area_id"]) if values["area_id"].isdigit() else None
    if values["area_id"] and (area_id is None or values["area_id"] not in {a.value for a in areas}):
        errors["area_id"] = "请选择您管辖的区域"
        area_id = None
    page_number = max(int(values["page"]), 1) if values["page"].isdigit() else 1
    wanted = OrderFilter(status=[values["status"]] if values["status"] and not errors.get("status") else [],
                         sla_level=values["sla_level"] if not errors.get("sla_level") else None,
                         area_id=area_id, sort="-created_at",
                         limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    found = await queries.list_orders(session, actor, wanted, settings.tz)
    return render(request, "staff/orders.html", status_code=400 if errors else 200, orders=found.items,
                  total=found.total, page=page_number, pages=max((found.total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
                  statuses=[(s.value, s.label) for s in OrderStatus], levels=[(s.value, s.label) for s in SlaLevel],
                  areas=areas, values=values, errors=errors)


DISPATCHER_PAGES = [
    review_queue, approve, reject, orders,
    *dispatcher_order.HANDLERS, *dispatcher_board.HANDLERS, *dispatcher_watch.HANDLERS,
]
