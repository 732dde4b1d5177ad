"""Pages to sign in, register as a resident and sign out; the front door sends each role to its first page."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select

from market.access import EVERYONE, PUBLIC_PAGE, Actor, page_policy
from market.accounts.profiles import read_me
from market.auth import service as auth_service
from market.auth.requests import SESSION_COOKIE, client_address
from market.auth.schemas import ResidentRegister
from market.auth.tokens import REFRESH_TTL
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller, DbSession
from market.errors import MarketError
from market.models import Area
from market.pages.rendering import form_values, home_of, parse_form, render
from market.settings import Settings
from market.vocab import AreaLevel

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
REGISTER_LABELS = {"phone": "手机号", "password": "密码", "display_name": "称呼", "grid_id": "所在网格",
                   "address": "家庭住址"}


@get("/", opt=PUBLIC_PAGE, include_in_schema=False)
async def front_door(request: Request) -> Redirect:
    try:
        actor: Actor | None = await request.app.state.authenticate_page(request)
    except MarketError:
        actor = None
    return Redirect(home_of(actor) if actor else "/login")


@get("/login", opt=PUBLIC_PAGE, include_in_schema=False)
async def login_page(request: Request, next: FromQuery[str] = "") -> Template:  # noqa: A002 - the query name
    return render(request, "login.html", values={"next": next}, errors={})


@post("/login", opt=PUBLIC_PAGE, include_in_schema=False)
async def login(request: Request, data: Form, database: AppDatabase, settings: AppSettings,
                clock: AppClock) -> Response:
    values = form_values(data, "login", "password", "next")
    try:
        pair = await auth_service.login(database, values.get("login", ""), values.get("password", ""),
                                        client_address(request, settings.trusted_proxies), settings.secret_key,
                                        clock.now())
    except MarketError as error:
        kept = {"login": values.get("login", ""), "next": values.get("next", "")}
        return render(request, "login.html", status_code=error.status, values=kept,
                      errors={"password": error.message})
    return _signed_in(request, settings, pair.refresh_token, _safe(values.get("next", "")) or "/")


@post("/logout", opt=page_policy(*EVERYONE), include_in_schema=False)
async def logout(request: Request, session: DbSession, actor: Caller, clock: AppClock) -> Redirect:
    await auth_service.logout(session, actor, clock.now())
    request.app.state.actors.forget_session(actor.session_id)
    response = Redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/register", opt=PUBLIC_PAGE, include_in_schema=False)
async def register_page(request: Request, session: DbSession) -> Template:
    return render(request, "register.html", grids=await _grids(session), values={}, errors={})


@post("/register", opt=PUBLIC_PAGE, include_in_schema=False)
async def register(request: Request, data: Form, database: AppDatabase, settings: AppSettings,
                   clock: AppClock) -> Response:
    values = form_values(data, *REGISTER_LABELS)
    try:
        registration = parse_form(values, ResidentRegister, REGISTER_LABELS)
        async with database.transaction() as session:
            await auth_service.register_resident(session, registration, clock.now())
        pair = await auth_service.login(database, registration.phone, registration.password,
                                        client_address(request, settings.trusted_proxies), settings.secret_key,
                                        clock.now())
    except MarketError as error:
        async with database.transaction(write=False) as session:
            grids = await _grids(session)
        values.pop("password", None)
        return render(request, "register.html", status_code=error.status, grids=grids, values=values,
                      errors={error.field or "form": error.message})
    return _signed_in(request, settings, pair.refresh_token, "/orders/new?ok=registered")


@get("/me", opt=page_policy(*EVERYONE), include_in_schema=False)
async def me_page(request: Request, session: DbSession, actor: Caller) -> Template:
    return render(request, "me.html", me=await read_me(session, actor.account_id))


def _signed_in(request: Request, settings: Settings, refresh_token: str, to: str) -> Redirect:
    response = Redirect(to)
    response.set_cookie(SESSION_COOKIE, refresh_token, path="/", httponly=True, samesite="lax",
                        secure=settings.cookie_secure or request.url.scheme == "https",
                        max_age=int(REFRESH_TTL.total_seconds()))
    return response


def _safe(path: str) -> str:
    """Only a path of this site: never another host (`//evil.example`, `https://…`)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else ""


async def _grids(session: DbSession) -> list[tuple[int, str]]:
    rows = await session.execute(select(Area.id, Area.name, Area.path).where(Area.level == AreaLevel.GRID)
                                 .order_by(Area.path))
    parents = dict((await session.execute(select(Area.id, Area.name))).all())
    return [(grid_id, f"{parents.get(int(path.strip('/').split('/')[-2]), '')} · {name}")
            for grid_id, name, path in rows.all()]
