"""Admin pages for the service categories (服务类别) and the SLA policy (办理时限), through their services."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from market.catalog import service as catalog
from market.catalog.service import CategoryUpdate
from market.dependencies import AppDatabase, DbSession
from market.errors import Conflict, InvalidInput, MarketError, NotFound
from market.pages.auditor_forms import ADMIN, Form
from market.pages.rendering import form_values, render
from market.sla import service as sla
from market.sla.service import SlaUpdate
from market.vocab import OrderKind, Triage

FORM_ERRORS = (InvalidInput, Conflict)
CATEGORY_FIELDS = ("name", "icon", "description", "is_active")
SLA_FIELDS = {"accept_minutes": "accept", "complete_minutes": "complete"}


@get("/admin/categories", opt=ADMIN, include_in_schema=False)
async def categories_page(request: Request, session: DbSession) -> Template:
    return await _categories(request, session)


@post("/admin/categories/{code:str}", opt=ADMIN, include_in_schema=False)
async def save_category(request: Request, code: FromPath[str], data: Form, database: AppDatabase) -> Response:
    values = form_values(data, *CATEGORY_FIELDS)
    try:
        wanted = CategoryUpdate(values.get("name", ""), values.get("icon", ""), values.get("description", ""),
                                is_active=values.get("is_active") == "true")
        async with database.transaction() as session:
            await catalog.update_category(session, code, wanted)
    except FORM_ERRORS as error:
        async with database.transaction(write=False) as session:
            return await _categories(request, session, error, code, values)
    return Redirect(f"/admin/categories?ok=admin_category_saved#category-{code}")


@get("/admin/sla", opt=ADMIN, include_in_schema=False)
async def sla_page(request: Request, session: DbSession) -> Template:
    return await _sla(request, session)


@post("/admin/sla/{kind:str}", opt=ADMIN, include_in_schema=False)
async def save_sla(request: Request, kind: FromPath[str], data: Form, database: AppDatabase) -> Response:
    """One kind's minutes for every triage type, in one transaction: all saved, or none."""
    if kind not in {k.value for k in OrderKind}:
        raise NotFound("没有这种订单类型")
    names = [f"{t.value}.{short}" for t in Triage for short in SLA_FIELDS.values()]
    values = form_values(data, *names)
    try:
        async with database.transaction() as session:
            for triage in Triage:
                minutes = {field: _minutes(values, f"{triage.value}.{short}") for field, short in SLA_FIELDS.items()}
                try:
                    await sla.set_policy(session, kind, triage.value, SlaUpdate(**minutes))
                except InvalidInput as error:
                    short = SLA_FIELDS.get(error.field or "")
                    raise InvalidInput(error.message, field=f"{triage.value}.{short}" if short else error.field) \
                        from None
    except FORM_ERRORS as error:
        async with database.transaction(write=False) as session:
            return await _sla(request, session, error, kind, values)
    return Redirect(f"/admin/sla?ok=admin_sla_saved#sla-{kind}")


def _minutes(values: dict[str, str], name: str) -> int:
    raw = values.get(name, "")
    if not raw:
        raise InvalidInput("请填写分钟数", field=name)
    if not raw.isdigit():
        raise InvalidInput("请填写整数分钟", field=name)
    return int(raw)


async def _categories(request: Request, session: AsyncSession, error: MarketError | None = None,
                      failed: str | None = None, values: dict[str, str] | None = None) -> Template:
    return render(request, "admin/categories.html", status_code=error.status if error else 200,
                  categories=await catalog.list_categories(session), failed=failed, values=values or {},
                  errors={error.field or "form": error.message} if error else {})


async def _sla(request: Request, session: AsyncSession, error: MarketError | None = None, failed: str | None = None,
               values: dict[str, str] | None = None) -> Template:
    policies = await sla.list_policies(session)
    kinds = [(kind, [p for p in policies if p.kind == kind.value]) for kind in OrderKind]
    return render(request, "admin/sla.html", status_code=error.status if error else 200, kinds=kinds, failed=failed,
                  values=values or {}, errors={error.field or "form": error.message} if error else {})


HANDLERS = [categories_page, save_category, sla_page, save_sla]
