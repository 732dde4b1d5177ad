"""HTTP routes for admins: staff accounts, role grants on areas, deactivation."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, QueryParameter

from market.access import policy
from market.accounts import service
from market.accounts.service import AccountRead, GrantCreateBody, StaffCreateBody
from market.dependencies import Actors, AppClock, Caller, DbSession
from market.vocab import Role

ADMIN = policy(Role.ADMIN)


class AccountController(Controller):
    path = "/api/accounts"
    tags = ["账号管理"]

    @post("/", opt=ADMIN, summary="新建工作人员账号")
    async def create_staff(self, data: StaffCreateBody, session: DbSession, clock: AppClock) -> AccountRead:
        return await service.create_staff(session, data, clock.now())

    @get("/", opt=ADMIN, summary="账号列表（手机号脱敏）")
    async def list_accounts(self, session: DbSession, role: FromQuery[str | None] = None,
                            limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
                            offset: Annotated[int, QueryParameter(ge=0)] = 0) -> list[AccountRead]:
        return await service.list_accounts(session, role, limit, offset)

    @post("/{account_id:int}/grants", opt=ADMIN, summary="在区域上授予角色")
    async def grant(self, account_id: FromPath[int], data: GrantCreateBody, session: DbSession, actor: Caller,
                    clock: AppClock) -> AccountRead:
        return await service.grant_role(session, actor, account_id, data, clock.now())

    @post("/{account_id:int}/deactivate", opt=ADMIN, status_code=200, summary="停用账号（立即失效所有登录）")
    async def deactivate(self, account_id: FromPath[int], session: DbSession, clock: AppClock,
                         actors: Actors) -> AccountRead:
        account = await service.deactivate(session, account_id, clock.now())
        actors.forget_account(account_id)
        return account


@delete("/api/grants/{grant_id:int}", opt=ADMIN, tags=["账号管理"], summary="收回授权")
async def revoke_grant(grant_id: FromPath[int], session: DbSession, actor: Caller) -> None:
    await service.revoke_grant(session, actor, grant_id)
