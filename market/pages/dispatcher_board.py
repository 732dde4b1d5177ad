"""The dispatch board (派单): preview a round for a community, read why each assignment, override one, commit."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller, DbSession
from market.dispatch import overrides, queries, rounds
from market.dispatch.schemas import CommitBody, OverrideBody
from market.errors import InvalidInput, MarketError
from market.models import Order
from market.orders import queries as order_queries
from market.orders.queries import OrderFilter
from market.pages.dispatcher_forms import (
    FORM_ERRORS,
    STAFF,
    Choice,
    Form,
    chosen_area,
    community_path_of,
    my_areas,
    number,
    picked,
    servers_under,
)
from market.pages.rendering import form_values, parse_form, render
from market.settings import Settings
from market.vocab import OrderStatus, RoundStatus

ACCEPT_WITHIN = [("120", "2 小时内"), ("480", "8 小时内"), ("1440", "1 天内"), ("4320", "3 天内")]
RECENT_ROUNDS = 10


@get("/staff/dispatch", opt=STAFF, include_in_schema=False)
async def board(request: Request, session: DbSession, actor: Caller, settings: AppSettings) -> Template:
    query = request.query_params
    area_id, round_id = number(query.get("area_id")), number(query.get("round_id"))
    return await _board_page(request, session, actor, settings, area_id, round_id)


@post("/staff/dispatch/preview", opt=STAFF, include_in_schema=False)
async def preview(request: Request, data: Form, database: AppDatabase, actor: Caller, settings: AppSettings,
                  clock: AppClock) -> Redirect:
    """A dry run: the optimiser proposes; nothing is offered until the dispatcher commits."""
    area_id = number(form_values(data, "area_id").get("area_id"))
    if area_id is None:
        raise InvalidInput("请选择社区", field="area_id")
    run_id = await rounds.start_round(database, request.app.state.solver, settings, actor, area_id, True,
                                      CommitBody().accept_within_minutes, clock)
    return Redirect(f"/staff/dispatch?round_id={run_id}&ok=round_previewed")


@post("/staff/dispatch/rounds/{run_id:int}/override", opt=STAFF, include_in_schema=False)
async def override(request: Request, run_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                   settings: AppSettings, clock: AppClock) -> Response:
    values = form_values(data, "assignment_id", "choice")
    assignment_id = number(values.get("assignment_id"))
    try:
        if assignment_id is None:
            raise InvalidInput("请选择要调整的派单建议", field="assignment_id")
        choice = values.get("choice", "")
        if not choice:
            raise InvalidInput("请选择一位党员或一个单位，或选择移出本轮", field="choice")
        member_id, unit_id = (None, None) if choice == "remove" else picked(choice, "choice")
        async with database.transaction() as session:
            await overrides.override(session, actor, run_id, assignment_id,
                                     OverrideBody(member_id=member_id, unit_id=unit_id), clock.now(), settings.tz)
    except FORM_ERRORS as error:
        return await _board_again(request, database, actor, settings, run_id, error, assignment_id, values)
    return Redirect(f"/staff/dispatch?round_id={run_id}&ok=round_overridden")


@post("/staff/dispatch/rounds/{run_id:int}/commit", opt=STAFF, include_in_schema=False)
async def commit(request: Request, run_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                 settings: AppSettings, clock: AppClock) -> Response:
    values = form_values(data, "accept_within")
    try:
        within = parse_form({"accept_within_minutes": values.get("accept_within", "1440")}, CommitBody,
                            {"accept_within_minutes": "接单时限"})
        async with database.transaction() as session:
            await rounds.commit_round(session, actor, run_id, within.accept_within_minutes, clock.now())
    except FORM_ERRORS as error:
        return await _board_again(request, database, actor, settings, run_id, error, None, values)
    return Redirect(f"/staff/dispatch?round_id={run_id}&ok=round_committed")


async def _board_again(request: Request, database: AppDatabase, actor: Actor, settings: Settings, run_id: int,
                       error: MarketError, assignment_id: int | None, values: dict[str, str]) -> Template:
    field = "choice" if error.field in ("choice", "member_id", "unit_id") else "form"
    async with database.transaction(write=False) as session:
        return await _board_page(request, session, actor, settings, None, run_id, error.status, assignment_id,
                                 values, {field: error.message})


async def _board_page(request: Request, session: AsyncSession, actor: Actor, settings: Settings,
                      area_id: int | None, round_id: int | None, status_code: int = 200, failed: int | None = None,
                      values: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> Template:
    """The community's board: what waits, the round asked for (or the latest if still a preview), recent rounds."""
    areas = await my_areas(session, actor, communities_only=True)
    shown = await queries.read_round(session, actor, round_id) if round_id is not None else None
    area_id = shown.area_id if shown else chosen_area(areas, area_id)
    if area_id is None:
        return render(request, "staff/dispatch.html", status_code=status_code, areas=[], area_id=None)
    recent, _ = await queries.list_rounds(session, actor, area_id, RECENT_ROUNDS, 0)
    if shown is None and recent and recent[0].status == RoundStatus.PREVIEW:
        shown = await queries.read_round(session, actor, recent[0].id)
    waiting = await order_queries.list_orders(session, actor, OrderFilter(status=[OrderStatus.OPEN], area_id=area_id,
                                                                          limit=1), settings.tz)
    titles: dict[int, str] = {}
    pickers: dict[int, list[Choice]] = {}
    if shown is not None:
        ids = {a.order_id for a in shown.assignments} | {u.order_id for u in shown.unserved}
        rows = (await session.execute(select(Order.id, Order.title, Order.category_code)
                                      .where(Order.id.in_(ids or {-1})))).all()
        titles = {order_id: title for order_id, title, _ in rows}
        if shown.status == RoundStatus.PREVIEW:
            pickers = await _pickers(session, shown.area_id, {order_id: category for order_id, _, category in rows})
    return render(request, "staff/dispatch.html", status_code=status_code, areas=areas, area_id=area_id,
                  waiting=waiting.total, round=shown, recent=recent, titles=titles, pickers=pickers,
                  accept_within=ACCEPT_WITHIN, failed=failed, values=values or {"accept_within": "1440"},
                  errors=errors or {})


async def _pickers(session: AsyncSession, area_id: int, categories: dict[int, str]) -> dict[int, list[Choice]]:
    """For each order of the round, who else of the community serves its category."""
    path = await community_path_of(session, area_id)
    by_category = {category: await servers_under(session, path, category) for category in set(categories.values())}
    return {order_id: by_category[category] for order_id, category in categories.items()}



HANDLERS = [board, preview, override, commit]
