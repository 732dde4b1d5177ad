"""HTTP routes of the area tree."""

from __future__ import annotations

from litestar import get, post

from market.access import PUBLIC, policy
from market.areas import service
from market.areas.service import AreaCreateBody, AreaRead
from market.dependencies import Caller, DbSession
from market.vocab import Role


@get("/api/areas", opt=PUBLIC, tags=["区域"], summary="区域树（市/区/街道/社区/网格）")
async def list_areas(session: DbSession) -> list[AreaRead]:
    return await service.list_areas(session)


@post("/api/areas", opt=policy(Role.ADMIN), tags=["区域"], summary="新增下级区域")
async def create_area(data: AreaCreateBody, session: DbSession, actor: Caller) -> AreaRead:
    return await service.create_area(session, actor, data)
