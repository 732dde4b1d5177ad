"""The admin's pages (系统管理): the overview and the area tree here; ADMIN_PAGES lists every admin page.

Accounts and grants are in admin_accounts.py, categories and the SLA policy in admin_catalog.py, the point
rules in admin_rules.py.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.areas import service as areas
from market.areas.service import AreaCreate
from market.dependencies import AppClock, AppDatabase, Caller, DbSession
from market.errors import Conflict, InvalidInput
from market.models import Account, Area, Category, RoleGrant
from market.pages import admin_accounts, admin_catalog, admin_rules
from market.pages.auditor_forms import ADMIN, Form, areas_of
from market.pages.rendering import form_values, parse_form, render
from market.points.rules import current_rules
from market.vocab import AreaLevel, Role

AREA_LABELS = {"parent_id": "上级区域", "code": "区域编码", "name": "区域名称", "latitude": "纬度", "longitude": "经度"}
PARENT_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


@get("/admin", opt=ADMIN, include_in_schema=False)
async def overview(request: Request, session: DbSession, actor: Caller, clock: AppClock) -> Template:
    """Each part of the admin's work with a figure that says where it stands."""
    scope = actor.in_scope(Area.path, Role.ADMIN)
    staff = select(RoleGrant.account_id).where(RoleGrant.role.not_in((Role.RESIDENT, Role.MEMBER)))
    figures = {
        "areas": await session.scalar(select(func.count()).select_from(Area).where(scope)) or 0,
        "staff": await session.scalar(select(func.count()).select_from(Account).where(Account.id.in_(staff))) or 0,
        "categories": await session.scalar(select(func.count()).select_from(Category).where(Category.is_active)) or 0,
        "rules": (await current_rules(session, clock.now())).version,
    }
    return render(request, "admin/index.html", figures=figures)


@get("/admin/areas", opt=ADMIN, include_in_schema=False)
async def areas_page(request: Request, session: DbSession, actor: Caller) -> Template:
    return await _areas(request, session, actor, {}, {})


@post("/admin/areas", opt=ADMIN, include_in_schema=False)
async def add_area(request: Request, data: Form, database: AppDatabase, actor: Caller) -> Response:
    values = form_values(data, *AREA_LABELS)
    try:
        for name in ("parent_id", "code", "name"):
            if name not in values:
                raise InvalidInput(f"请{'选择' if name == 'parent_id' else '填写'}{AREA_LABELS[name]}", field=name)
        wanted = parse_form(values, AreaCreate, AREA_LABELS)
        for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            place = getattr(wanted, name)
            if place is not None and not low <= place <= high:
                raise InvalidInput(f"{AREA_LABELS[name]}须在 {low} 到 {high} 之间", field=name)
        async with database.transaction() as session:
            made = await areas.create_area(session, actor, wanted)
    except (InvalidInput, Conflict) as error:
        async with database.transaction(write=False) as session:
            return await _areas(request, session, actor, values, {error.field or "form": error.message},
                                error.status)
    return Redirect(f"/admin/areas?ok=admin_area_created#area-{made.id}")


async def _areas(request: Request, session: AsyncSession, actor: Actor, values: dict[str, str],
                 errors: dict[str, str], status_code: int = 200) -> Template:
    """The tree under the admin's grants, top down, each area indented by its depth."""
    paths = actor.area_paths(Role.ADMIN)
    tree = (await session.scalars(select(Area).where(or_(*(Area.path.startswith(p) for p in paths)))
                                  .order_by(Area.path))).all() if paths else []
    top = min((len(a.lineage) for a in tree), default=0)
    rows = [(a, len(a.lineage) - top, AreaLevel(a.level).label) for a in tree]
    return render(request, "admin/areas.html", status_code=status_code, rows=rows, values=values, errors=errors,
                  parents=await areas_of(session, actor, Role.ADMIN, levels=PARENT_LEVELS))


ADMIN_PAGES = [
    overview, areas_page, add_area, *admin_accounts.HANDLERS, *admin_catalog.HANDLERS, *admin_rules.HANDLERS,
]
