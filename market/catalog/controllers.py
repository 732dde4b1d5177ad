"""HTTP routes of the service categories for admins: all of them (in use or not), and changing one."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.params import FromPath

from market.access import policy
from market.catalog import service
from market.catalog.service import CategoryRead, CategoryUpdateBody
from market.dependencies import DbSession
from market.vocab import Role


class CategoryController(Controller):
    path = "/api/categories"
    tags = ["服务类别"]

    @get("/", opt=policy(Role.ADMIN), summary="全部服务类别（含停用的）")
    async def list_categories(self, session: DbSession) -> list[CategoryRead]:
        return await service.list_categories(session)

    @put("/{code:str}", opt=policy(Role.ADMIN), summary="修改服务类别的名称、图标、说明，或停用、启用")
    async def update(self, code: FromPath[str], data: CategoryUpdateBody, session: DbSession) -> CategoryRead:
        return await service.update_category(session, code, data)
