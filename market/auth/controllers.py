"""HTTP routes for registration, login, refresh, logout and the current account."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from market.access import EVERYONE, PUBLIC, policy
from market.accounts import profiles
from market.auth import service
from market.auth.requests import client_address
from market.auth.schemas import (
    LoginBody,
    MeRead,
    RefreshBody,
    ResidentRegisterBody,
    TokenPair,
)
from market.dependencies import (
    Actors,
    AppClock,
    AppDatabase,
    AppSettings,
    Caller,
    DbSession,
)


class AuthController(Controller):
    path = "/api/auth"
    tags = ["账号"]

    @post("/register", opt=PUBLIC, summary="居民注册")
    async def register(self, data: ResidentRegisterBody, session: DbSession, clock: AppClock) -> MeRead:
        account = await service.register_resident(session, data, clock.now())
        return await profiles.read_me(session, account.id)

    @post("/login", opt=PUBLIC, status_code=HTTP_200_OK, summary="登录（手机号或用户名）")
    async def login(self, data: LoginBody, request: Request, database: AppDatabase, settings: AppSettings,
                    clock: AppClock) -> TokenPair:
        client = client_address(request, settings.trusted_proxies)
        return await service.login(database, data.login, data.password, client, settings.secret_key, clock.now())

    @post("/refresh", opt=PUBLIC, status_code=HTTP_200_OK, summary="刷新登录凭证")
    async def refresh(self, data: RefreshBody, session: DbSession, settings: AppSettings,
                      clock: AppClock) -> TokenPair:
        return await service.refresh(session, data.refresh_token, settings.secret_key, clock.now())

    @post("/logout", opt=policy(*EVERYONE), status_code=HTTP_204_NO_CONTENT, summary="退出登录")
    async def logout(self, session: DbSession, actor: Caller, clock: AppClock, actors: Actors) -> None:
        await service.logout(session, actor, clock.now())
        actors.forget_session(actor.session_id)


@get("/api/me", opt=policy(*EVERYONE), tags=["账号"], summary="当前账号")
async def read_me(session: DbSession, actor: Caller) -> MeRead:
    return await profiles.read_me(session, actor.account_id)
