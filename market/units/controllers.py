"""HTTP routes of units: create (admin), list, register to a community (unit admin), the dispatch profile."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromPath

from market.access import EVERYONE, policy
from market.dependencies import AppClock, Caller, DbSession
from market.examples import example_body
from market.units import dispatch_profile, service
from market.units.dispatch_profile import UnitDispatchBody, UnitDispatchRead
from market.units.service import UnitCreateBody, UnitRead
from market.vocab import Role


class CommunityChoice(msgspec.Struct, forbid_unknown_fields=True):
    community_id: int


CommunityChoiceBody = example_body(CommunityChoice, {"community_id": 3})


class UnitController(Controller):
    path = "/api/units"
    tags = ["单位"]

    @post("/", opt=policy(Role.ADMIN), summary="新建单位")
    async def create(self, data: UnitCreateBody, session: DbSession, actor: Caller, clock: AppClock) -> UnitRead:
        return await service.create_unit(session, actor, data, clock.now())

    @get("/", opt=policy(*EVERYONE), summary="单位列表（不含联系方式）")
    async def list_units(self, session: DbSession) -> list[UnitRead]:
        return await service.list_units(session)

    @post("/{unit_id:int}/communities", opt=policy(Role.UNIT_ADMIN), summary="单位到社区报到")
    async def register(self, unit_id: FromPath[int], data: CommunityChoiceBody, session: DbSession,
                       actor: Caller, clock: AppClock) -> UnitRead:
        return await service.register_to_community(session, actor, unit_id, data.community_id, clock.now())

    @get("/{unit_id:int}/dispatch-profile", opt=policy(Role.UNIT_ADMIN, Role.DISPATCHER, Role.ADMIN),
         summary="单位的派单资料")
    async def read_dispatch_profile(self, unit_id: FromPath[int], session: DbSession,
                                    actor: Caller) -> UnitDispatchRead:
        return await dispatch_profile.read_profile(session, actor, unit_id)

    @put("/{unit_id:int}/dispatch-profile", opt=policy(Role.UNIT_ADMIN, Role.ADMIN),
         summary="设置单位的派单资料（服务类别、位置、可同时承接的单数）")
    async def set_dispatch_profile(self, unit_id: FromPath[int], data: UnitDispatchBody, session: DbSession,
                                   actor: Caller) -> UnitDispatchRead:
        return await dispatch_profile.set_profile(session, actor, unit_id, data)
