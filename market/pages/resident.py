"""Residents' pages: post a wish or a need in a few taps, follow one's orders, rate, cancel."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select

from market.access import page_policy
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.errors import InvalidInput, MarketError
from market.models import Category, ResidentProfile
from market.orders import queries, review
from market.orders.intake import Intake
from market.orders.queries import OrderFilter
from market.orders.schemas import OrderCreate, RateRequest
from market.pages.rendering import form_values, parse_form, render
from market.vocab import Role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
ORDER_LABELS = {"kind": "类型", "category": "服务类别", "title": "简要标题", "description": "具体说明",
                "urgency": "紧急程度", "address": "服务地点", "window_start": "希望开始时间",
                "window_end": "希望结束时间", "budget_yuan": "预算"}
URGENCY = [(1, "不急"), (2, "一般"), (3, "较急"), (4, "很急"), (5, "非常紧急")]
RESIDENT = page_policy(Role.RESIDENT)


@get("/orders", opt=RESIDENT, include_in_schema=False)
async def my_orders(request: Request, session: DbSession, actor: Caller, settings: AppSettings) -> Template:
    page = await queries.list_orders(session, actor, OrderFilter(limit=50), settings.tz)
    return render(request, "resident/orders.html", orders=page.items)


@get("/orders/new", opt=RESIDENT, include_in_schema=False)
async def new_order_page(request: Request, session: DbSession, actor: Caller) -> Template:
    home = await session.get(ResidentProfile, actor.account_id)
    values = {"kind": "service", "urgency": "2", "address": home.address if home else "", "form_key": uuid.uuid4().hex}
    return render(request, "resident/new.html", **await _order_form(session), values=values, errors={})


@post("/orders/new", opt=RESIDENT, include_in_schema=False)
async def post_order(request: Request, data: Form, actor: Caller, settings: AppSettings) -> Response:
    values = form_values(data, *ORDER_LABELS, "form_key")
    intake: Intake = request.app.state.intake
    try:
        draft = parse_form(_as_order(values, settings), OrderCreate, ORDER_LABELS)
        answer = await intake.submit(actor.account_id, draft, values.get("form_key") or None)
    except MarketError as error:
        async with intake.database.transaction(write=False) as session:
            choices = await _order_form(session)
        return render(request, "resident/new.html", status_code=error.status, **choices, values=values,
                      errors={error.field or "form": error.message})
    return Redirect(f"/orders/{answer.order_id}?ok=posted")


@get("/orders/{order_id:int}", opt=RESIDENT, include_in_schema=False)
async def order_page(request: Request, order_id: FromPath[int], session: DbSession, actor: Caller) -> Template:
    order = await queries.read_order(session, actor, order_id)
    return render(request, "resident/order.html", order=order, errors={}, values={})


@post("/orders/{order_id:int}/rate", opt=RESIDENT, include_in_schema=False)
async def rate(request: Request, order_id: FromPath[int], data: Form, session: DbSession, actor: Caller,
               clock: AppClock) -> Response:
    values = form_values(data, "stars", "comment")
    try:
        await review.rate(session, actor, order_id, parse_form(values, RateRequest, {"stars": "星级"}), clock.now())
    except InvalidInput as error:
        order = await queries.read_order(session, actor, order_id)
        return render(request, "resident/order.html", status_code=400, order=order, values=values,
                      errors={error.field or "stars": "请选择 1 到 5 颗星" if error.field == "stars" else error.message})
    return Redirect(f"/orders/{order_id}?ok=rated")


@post("/orders/{order_id:int}/cancel", opt=RESIDENT, include_in_schema=False)
async def cancel(request: Request, order_id: FromPath[int], data: Form, session: DbSession, actor: Caller,
                 clock: AppClock) -> Response:
    reason = form_values(data, "reason").get("reason", "")
    if not reason:
        order = await queries.read_order(session, actor, order_id)
        return render(request, "resident/order.html", status_code=400, order=order, values={},
                      errors={"reason": "请说明撤销的原因"})
    await review.cancel(session, actor, order_id, reason, clock.now())
    return Redirect(f"/orders/{order_id}?ok=cancelled")


async def _order_form(session: DbSession) -> dict[str, Any]:
    categories = (await session.scalars(select(Category).where(Category.is_active.is_(True))
                                        .order_by(Category.sort_order))).all()
    return {"categories": categories, "urgency_levels": URGENCY}


def _as_order(values: dict[str, str], settings: AppSettings) -> dict[str, Any]:
    """The form's strings as the API's order: local date-times get the community's zone."""
    order: dict[str, Any] = {k: v for k, v in values.items() if k in ORDER_LABELS}
    for name in ("window_start", "window_end"):
        if name in order:
            try:
                order[name] = datetime.fromisoformat(order[name]).replace(tzinfo=settings.tz).isoformat()
            except ValueError:
                raise InvalidInput(f"{ORDER_LABELS[name]}填写不正确", field=name) from None
    if order.get("kind") != "wish":
        order.pop("budget_yuan", None)
    return order
