"""A dispatcher's page of one order: detail, timeline, offer by hand, rework, close (销号), 吹哨, reveal a contact."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.database import Database
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller, DbSession
from market.errors import InvalidInput, MarketError, NotFound
from market.models import Summons
from market.orders import offers, queries, reveal, review
from market.orders.lifecycle import Party, rule
from market.orders.parties import visible_order
from market.orders.schemas import CloseRequest, NoteRequest, OfferCreate, RevealRead, RevealRequest
from market.pages.dispatcher_forms import (
    FORM_ERRORS,
    STAFF,
    Form,
    community_path_of,
    departments,
    picked,
    servers_under,
)
from market.pages.rendering import form_values, parse_form, render
from market.summons import service as summons
from market.summons.service import SUMMONABLE, SummonsCreate
from market.vocab import OrderSource, Triage

# Each form's fields on the page (one page holds several forms) by the service's name for them.
OFFER_FIELDS = {"member_id": "offer_to", "unit_id": "offer_to", "accept_within_minutes": "offer_within"}
REWORK_FIELDS = {"note": "rework_note"}
CLOSE_FIELDS = {"note": "close_note", "award_points": "award_points"}
SUMMON_FIELDS = {"unit_id": "summon_unit", "note": "summon_note", "report_within_hours": "summon_hours"}
REVEAL_FIELDS = {"field": "reveal_field", "reason": "reveal_reason"}
LABELS = {"offer_within": "接单时限", "rework_note": "返工要求", "close_note": "销号说明",
          "award_points": "是否仍给积分", "summon_unit": "职能部门", "summon_note": "需要协助的事项",
          "summon_hours": "反馈时限", "reveal_field": "查看内容", "reveal_reason": "查看原因"}
ACCEPT_WITHIN = [("120", "2 小时内"), ("480", "8 小时内"), ("1440", "1 天内"), ("4320", "3 天内")]
REPORT_WITHIN = [("4", "4 小时内"), ("24", "1 天内"), ("72", "3 天内"), ("168", "7 天内")]
Work = Callable[[AsyncSession], Awaitable[object]]


@get("/staff/orders/{order_id:int}", opt=STAFF, include_in_schema=False)
async def order_page(request: Request, order_id: FromPath[int], session: DbSession, actor: Caller) -> Template:
    return await _order_page(request, session, actor, order_id)


@post("/staff/orders/{order_id:int}/offer", opt=STAFF, include_in_schema=False)
async def offer(request: Request, order_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                clock: AppClock) -> Response:
    values = form_values(data, "offer_to", "offer_within")

    async def work(session: AsyncSession) -> object:
        member_id, unit_id = picked(values.get("offer_to", ""), "member_id")
        minutes = values.get("offer_within")
        choice = parse_form({"member_id": member_id, "unit_id": unit_id, "accept_within_minutes": minutes},
                            OfferCreate, {"accept_within_minutes": LABELS["offer_within"]})
        return await offers.offer_by_hand(session, actor, order_id, choice, clock.now())

    return await _act(request, database, actor, order_id, values, "offer", OFFER_FIELDS, work, "order_offered")


@post("/staff/orders/{order_id:int}/rework", opt=STAFF, include_in_schema=False)
async def rework(request: Request, order_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                 clock: AppClock) -> Response:
    values = form_values(data, "rework_note")

    async def work(session: AsyncSession) -> object:
        note = parse_form(_named(values, REWORK_FIELDS), NoteRequest, {"note": LABELS["rework_note"]}).note
        return await review.rework(session, actor, order_id, note, clock.now())

    return await _act(request, database, actor, order_id, values, "rework", REWORK_FIELDS, work, "order_reworked")


@post("/staff/orders/{order_id:int}/close", opt=STAFF, include_in_schema=False)
async def close(request: Request, order_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                clock: AppClock) -> Response:
    values = form_values(data, "close_note", "award_points")

    async def work(session: AsyncSession) -> object:
        closing = parse_form(_named(values, CLOSE_FIELDS), CloseRequest,
                             {"note": LABELS["close_note"], "award_points": LABELS["award_points"]})
        return await review.close(session, actor, order_id, closing, clock.now())

    return await _act(request, database, actor, order_id, values, "close", CLOSE_FIELDS, work, "order_closed")


@post("/staff/orders/{order_id:int}/summon", opt=STAFF, include_in_schema=False)
async def summon(request: Request, order_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                 settings: AppSettings, clock: AppClock) -> Response:
    values = form_values(data, "summon_unit", "summon_note", "summon_hours")

    async def work(session: AsyncSession) -> object:
        if "summon_unit" not in values:
            raise InvalidInput("请选择要吹哨的职能部门", field="unit_id")
        calling = parse_form({"note": "", **_named(values, SUMMON_FIELDS)}, SummonsCreate,
                             {"unit_id": LABELS["summon_unit"], "report_within_hours": LABELS["summon_hours"]})
        return await summons.summon(session, actor, order_id, calling, settings.summons_ack_minutes, clock.now())

    return await _act(request, database, actor, order_id, values, "summon", SUMMON_FIELDS, work, "order_summoned")


@post("/staff/orders/{order_id:int}/reveal", opt=STAFF, include_in_schema=False)
async def reveal_contact(request: Request, order_id: FromPath[int], data: Form, database: AppDatabase,
                         actor: Caller, clock: AppClock) -> Response:
    """The full phone or address, shown once on the answer to this form (never in a link); the service logs it."""
    values = form_values(data, "reveal_field", "reveal_reason")
    try:
        asked = parse_form(_named(values, REVEAL_FIELDS), RevealRequest,
                           {"field": LABELS["reveal_field"], "reason": LABELS["reveal_reason"]})
        async with database.transaction() as session:
            shown = await reveal.reveal_contact(session, actor, order_id, asked, clock.now())
    except FORM_ERRORS as error:
        return await _again(request, database, actor, order_id, values, "reveal", REVEAL_FIELDS, error)
    async with database.transaction(write=False) as session:
        page = await _order_page(request, session, actor, order_id, revealed=shown)
    page.headers["Cache-Control"] = "no-store"
    return page


async def _act(request: Request, database: Database, actor: Actor, order_id: int, values: dict[str, str],
               form: str, fields: dict[str, str], work: Work, done: str) -> Response:
    """One form's action in its own transaction: back to the order with a notice, or the form again with why not."""
    try:
        async with database.transaction() as session:
            await work(session)
    except FORM_ERRORS as error:
        return await _again(request, database, actor, order_id, values, form, fields, error)
    return Redirect(f"/staff/orders/{order_id}?ok={done}")


async def _again(request: Request, database: Database, actor: Actor, order_id: int, values: dict[str, str],
                 form: str, fields: dict[str, str], error: MarketError) -> Template:
    """The order's page again, with the form's entry kept and the service's reason beside the field (or the form)."""
    async with database.transaction(write=False) as session:
        return await _order_page(request, session, actor, order_id, error.status, values,
                                 {fields.get(error.field or "", form): error.message})


def _named(values: dict[str, str], fields: dict[str, str]) -> dict[str, str]:
    """A form's values under the service's names for them."""
    return {name: values[field] for name, field in fields.items() if field in values}


async def _order_page(request: Request, session: AsyncSession, actor: Actor, order_id: int, status_code: int = 200,
                      values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                      revealed: RevealRead | None = None) -> Template:
    """The order as its dispatcher sees it; 404 for an order outside the caller's areas, as in the API."""
    _, standing = await visible_order(session, actor, order_id)
    if Party.DISPATCHER not in standing.parties:
        raise NotFound("订单不存在")
    order = await queries.read_order(session, actor, order_id)
    can = {action: order.status in rule(action).sources for action in ("offer", "rework", "close")}
    can["summon"] = order.status in SUMMONABLE
    servers = await servers_under(session, await community_path_of(session, order.area_id)) if can["offer"] else []
    return render(request, "staff/order.html", status_code=status_code, order=order, can=can, servers=servers,
                  departments=await departments(session) if can["summon"] else [],
                  summons=[await summons.read_summons(session, summons_id) for summons_id in await session.scalars(
                      select(Summons.id).where(Summons.order_id == order_id).order_by(Summons.id))],
                  accept_within=ACCEPT_WITHIN, report_within=REPORT_WITHIN, revealed=revealed,
                  sources={s.value: s.label for s in OrderSource}, triages={t.value: t.label for t in Triage},
                  values=values or {"offer_within": "1440", "summon_hours": "24"}, errors=errors or {})


HANDLERS = [order_page, offer, rework, close, summon, reveal_contact]
