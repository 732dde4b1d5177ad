"""Star ratings (星级评定) pages: runs of the auditor's areas, a run's rows, draft → 公示 → objections → final."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.database import Database
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller, DbSession
from market.errors import InvalidInput, MarketError, NotFound
from market.pages.auditor_forms import AUDIT, FORM_ERRORS, Form, areas_of
from market.pages.rendering import form_values, parse_form, render
from market.ratings import objections, service
from market.ratings.schemas import DecisionRequest, RunCreate

RUN_LABELS = {"area_id": "区域", "period": "评定周期"}
DECISIONS = {"uphold": (True, "audit_objection_upheld"), "dismiss": (False, "audit_objection_dismissed")}


@get("/audit/ratings", opt=AUDIT, include_in_schema=False)
async def runs_page(request: Request, session: DbSession, actor: Caller) -> Template:
    return await _runs(request, session, actor)


@post("/audit/ratings", opt=AUDIT, include_in_schema=False)
async def create_run(request: Request, data: Form, database: AppDatabase, actor: Caller, settings: AppSettings,
                     clock: AppClock) -> Response:
    values = form_values(data, *RUN_LABELS)
    try:
        for name in RUN_LABELS:
            if name not in values:
                raise InvalidInput("请选择区域" if name == "area_id" else "请填写评定周期，如 2026Q4", field=name)
        values["period"] = values["period"].upper()
        wanted = parse_form(values, RunCreate, RUN_LABELS)
        async with database.transaction() as session:
            try:
                made = await service.create_run(session, actor, wanted, settings.tz, clock.now())
            except NotFound:
                raise InvalidInput("请选择您负责的区域", field="area_id") from None
    except FORM_ERRORS as error:
        async with database.transaction(write=False) as session:
            return await _runs(request, session, actor, error.status, values, {error.field or "form": error.message})
    return Redirect(f"/audit/ratings/{made.run.id}?ok=audit_run_created")


@get("/audit/ratings/{run_id:int}", opt=AUDIT, include_in_schema=False)
async def run_page(request: Request, run_id: FromPath[int], session: DbSession, actor: Caller) -> Template:
    return await _run(request, session, actor, run_id)


@post("/audit/ratings/{run_id:int}/recompute", opt=AUDIT, include_in_schema=False)
async def recompute(request: Request, run_id: FromPath[int], database: AppDatabase, actor: Caller,
                    settings: AppSettings, clock: AppClock) -> Response:
    return await _step(request, database, actor, run_id, "audit_run_recomputed",
                       lambda session: service.recompute_run(session, actor, run_id, settings.tz, clock.now()))


@post("/audit/ratings/{run_id:int}/publish", opt=AUDIT, include_in_schema=False)
async def publish(request: Request, run_id: FromPath[int], database: AppDatabase, actor: Caller,
                  settings: AppSettings, clock: AppClock) -> Response:
    return await _step(request, database, actor, run_id, "audit_run_published",
                       lambda session: service.publish(session, actor, run_id, settings.tz, clock.now()))


@post("/audit/ratings/{run_id:int}/finalize", opt=AUDIT, include_in_schema=False)
async def finalize(request: Request, run_id: FromPath[int], database: AppDatabase, actor: Caller,
                   clock: AppClock) -> Response:
    """定级: refused, with the service's Chinese reason, while the notice runs or an objection is open."""
    return await _step(request, database, actor, run_id, "audit_run_finalized",
                       lambda session: service.finalize(session, actor, run_id, clock.now()))


async def _step(request: Request, database: Database, actor: Actor, run_id: int, done: str,
                act: Callable[[AsyncSession], Awaitable[object]]) -> Response:
    """One step of a run in its own transaction: back to the run with a notice, or the run with the refusal."""
    try:
        async with database.transaction() as session:
            await act(session)
    except FORM_ERRORS as error:
        return await _run_again(request, database, actor, run_id, error)
    return Redirect(f"/audit/ratings/{run_id}?ok={done}")


@post("/audit/ratings/{run_id:int}/objections/{objection_id:int}", opt=AUDIT, include_in_schema=False)
async def decide(request: Request, run_id: FromPath[int], objection_id: FromPath[int], data: Form,
                 database: AppDatabase, actor: Caller, settings: AppSettings, clock: AppClock) -> Response:
    """Uphold (the row is computed again) or dismiss an objection; a note is required either way."""
    values = form_values(data, "decision", "note")
    try:
        if values.get("decision") not in DECISIONS:
            raise InvalidInput("请选择异议成立或不成立", field="decision")
        if not values.get("note"):
            raise InvalidInput("请填写处理意见", field="note")
        note = parse_form({"note": values["note"]}, DecisionRequest, {"note": "处理意见"}).note
        upheld, code = DECISIONS[values["decision"]]
        async with database.transaction() as session:
            await _objection_of_run(session, actor, run_id, objection_id)
            await objections.decide(session, actor, objection_id, upheld, note, settings.tz, clock.now())
    except FORM_ERRORS as error:
        return await _run_again(request, database, actor, run_id, error, objection_id, values)
    return Redirect(f"/audit/ratings/{run_id}?ok={code}#objections")


async def _objection_of_run(session: AsyncSession, actor: Actor, run_id: int, objection_id: int) -> None:
    """404 unless the objection is one of this run's (the form's address names both)."""
    if objection_id not in {o.id for o in await objections.run_objections(session, actor, run_id)}:
        raise NotFound("异议不存在")


async def _runs(request: Request, session: AsyncSession, actor: Actor, status_code: int = 200,
                values: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> Template:
    return render(request, "audit/ratings.html", status_code=status_code,
                  runs=await service.list_runs(session, actor, None), areas=await areas_of(session, actor),
                  values=values or {}, errors=errors or {})


async def _run_again(request: Request, database: Database, actor: Actor, run_id: int, error: MarketError,
                     objection_id: int | None = None, values: dict[str, str] | None = None) -> Template:
    async with database.transaction(write=False) as session:
        return await _run(request, session, actor, run_id, error.status, objection_id, values,
                          {error.field or "form": error.message})


async def _run(request: Request, session: AsyncSession, actor: Actor, run_id: int, status_code: int = 200,
               failed: int | None = None, values: dict[str, str] | None = None,
               errors: dict[str, str] | None = None) -> Template:
    detail = await service.read_run(session, actor, run_id)
    found = await objections.run_objections(session, actor, run_id)
    return render(request, "audit/run.html", status_code=status_code, run=detail.run, rows=detail.rows,
                  objections=found, failed=failed, values=values or {}, errors=errors or {},
                  open_count=sum(1 for o in found if o.status == "open"))


HANDLERS = [runs_page, create_run, run_page, recompute, publish, finalize, decide]
