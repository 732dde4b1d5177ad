"""Admin pages for accounts (账号与授权): the list, a new staff account with its first grant, grants and revoking."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.accounts import service as accounts
from market.accounts.service import GrantCreate, StaffCreate
from market.dependencies import Actors, AppClock, AppDatabase, Caller, DbSession
from market.errors import Conflict, InvalidInput, MarketError, NotFound
from market.models import Area, RoleGrant, Unit
from market.pages.auditor_forms import ADMIN, Form, areas_of, whole
from market.pages.rendering import form_values, render
from market.vocab import AreaLevel, Role

PAGE_SIZE = 50
STAFF_ROLES = (Role.DISPATCHER, Role.AUDITOR, Role.UNIT_ADMIN, Role.ADMIN)
STAFF_LABELS = {"username": "用户名", "display_name": "姓名", "password": "初始密码"}
GRANT_FIELDS = ("role", "area_id", "unit_id")
FORM_ERRORS = (InvalidInput, Conflict)


@get("/admin/accounts", opt=ADMIN, include_in_schema=False)
async def accounts_page(request: Request, session: DbSession, actor: Caller) -> Template:
    return await _list(request, session, actor, {}, {})


@post("/admin/accounts", opt=ADMIN, include_in_schema=False)
async def create_staff(request: Request, data: Form, database: AppDatabase, actor: Caller,
                       clock: AppClock) -> Response:
    """A staff account, and its first grant when a role is chosen: both or neither."""
    values = form_values(data, *STAFF_LABELS, *GRANT_FIELDS)
    try:
        for name, label in STAFF_LABELS.items():
            if name not in values:
                raise InvalidInput(f"请填写{label}", field=name)
        grant = _grant_of(values) if values.get("role") else None
        async with database.transaction() as session:
            made = await accounts.create_staff(session, StaffCreate(values["username"], values["display_name"],
                                                                    values["password"]), clock.now())
            if grant is not None:
                await accounts.grant_role(session, actor, made.id, grant, clock.now())
    except FORM_ERRORS as error:
        values.pop("password", None)
        async with database.transaction(write=False) as session:
            return await _list(request, session, actor, values, {error.field or "form": error.message}, error.status)
    return Redirect(f"/admin/accounts/{made.id}?ok=admin_staff_created")


@get("/admin/accounts/{account_id:int}", opt=ADMIN, include_in_schema=False)
async def account_page(request: Request, account_id: FromPath[int], session: DbSession, actor: Caller) -> Template:
    return await _account(request, session, actor, account_id, {}, {})


@post("/admin/accounts/{account_id:int}/grants", opt=ADMIN, include_in_schema=False)
async def grant(request: Request, account_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                actors: Actors, clock: AppClock) -> Response:
    values = form_values(data, *GRANT_FIELDS)
    try:
        wanted = _grant_of(values)
        async with database.transaction() as session:
            await accounts.grant_role(session, actor, account_id, wanted, clock.now())
    except FORM_ERRORS as error:
        return await _account_again(request, database, actor, account_id, values, error)
    actors.forget_account(account_id)
    return Redirect(f"/admin/accounts/{account_id}?ok=admin_role_granted")


@post("/admin/grants/{grant_id:int}/revoke", opt=ADMIN, include_in_schema=False)
async def revoke(grant_id: FromPath[int], database: AppDatabase, actor: Caller, actors: Actors) -> Response:
    async with database.transaction() as session:
        held = await session.get(RoleGrant, grant_id)
        if held is None:
            raise NotFound("授权不存在")
        account_id = held.account_id
        await accounts.revoke_grant(session, actor, grant_id)
    actors.forget_account(account_id)  # the account's next request already goes without the role
    return Redirect(f"/admin/accounts/{account_id}?ok=admin_grant_revoked")


@post("/admin/accounts/{account_id:int}/deactivate", opt=ADMIN, include_in_schema=False)
async def deactivate(account_id: FromPath[int], database: AppDatabase, actors: Actors, clock: AppClock) -> Response:
    async with database.transaction() as session:
        await accounts.deactivate(session, account_id, clock.now())
    actors.forget_account(account_id)
    return Redirect(f"/admin/accounts/{account_id}?ok=admin_account_deactivated")


def _grant_of(values: dict[str, str]) -> GrantCreate:
    """The grant a form asks for; each missing or unknown choice names its field."""
    if values.get("role") not in {r.value for r in STAFF_ROLES}:
        raise InvalidInput("请选择列表中的角色", field="role")
    area_id = whole(values.get("area_id"))
    if area_id is None:
        raise InvalidInput("请选择授权的区域", field="area_id")
    unit_id = whole(values.get("unit_id")) if values["role"] == Role.UNIT_ADMIN else None
    if values["role"] == Role.UNIT_ADMIN and unit_id is None:
        raise InvalidInput("单位管理员须选择所管理的单位", field="unit_id")
    return GrantCreate(values["role"], area_id, unit_id)


async def _choices(session: AsyncSession, actor: Actor) -> dict[str, object]:
    units = (await session.execute(select(Unit.id, Unit.name).order_by(Unit.name))).all()
    return {"roles": [(r.value, r.label) for r in STAFF_ROLES], "units": [(str(i), n) for i, n in units],
            "grant_areas": await areas_of(session, actor, Role.ADMIN, levels=tuple(AreaLevel))}


async def _list(request: Request, session: AsyncSession, actor: Actor, values: dict[str, str],
                errors: dict[str, str], status_code: int = 200) -> Template:
    params = request.query_params
    role = params.get("role", "") if params.get("role", "") in {r.value for r in Role} else ""
    page = max(whole(params.get("page")) or 1, 1)
    found = await accounts.list_accounts(session, role or None, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    return render(request, "admin/accounts.html", status_code=status_code, accounts=found[:PAGE_SIZE],
                  more=len(found) > PAGE_SIZE, page=page, role=role, all_roles=[(r.value, r.label) for r in Role],
                  role_names={r.value: r.label for r in Role}, values=values, errors=errors,
                  **await _choices(session, actor))


async def _account_again(request: Request, database: AppDatabase, actor: Actor, account_id: int,
                         values: dict[str, str], error: MarketError) -> Template:
    async with database.transaction(write=False) as session:
        return await _account(request, session, actor, account_id, values, {error.field or "form": error.message},
                              error.status)


async def _account(request: Request, session: AsyncSession, actor: Actor, account_id: int, values: dict[str, str],
                   errors: dict[str, str], status_code: int = 200) -> Template:
    account = await accounts.read_account(session, account_id)
    rows = (await session.execute(
        select(RoleGrant, Area.name, Area.path, Area.level, Unit.name).join(Area, Area.id == RoleGrant.area_id)
        .outerjoin(Unit, Unit.id == RoleGrant.unit_id).where(RoleGrant.account_id == account_id)
        .order_by(RoleGrant.id))).all()
    grants = [{"id": g.id, "role": Role(g.role).label, "area": f"{name}（{AreaLevel(level).label}）", "unit": unit,
               "mine": actor.covers(path, Role.ADMIN),
               # An admin never takes away their own admin grant here: another admin does, so nobody locks all out.
               "own_admin": account_id == actor.account_id and g.role == Role.ADMIN}
              for g, name, path, level, unit in rows]
    return render(request, "admin/account.html", status_code=status_code, account=account, grants=grants,
                  role_names={r.value: r.label for r in Role}, values=values, errors=errors,
                  **await _choices(session, actor))


HANDLERS = [accounts_page, create_staff, account_page, grant, revoke, deactivate]
