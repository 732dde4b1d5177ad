"""HTTP routes of the SLA policy for admins: the table, and one kind and triage type's minutes."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.params import FromPath

from market.access import policy
from market.dependencies import DbSession
from market.sla import service
from market.sla.service import SlaRead, SlaUpdateBody
from market.vocab import Role


class SlaController(Controller):
    path = "/api/sla-policies"
    tags = ["办理时限"]

    @get("/", opt=policy(Role.ADMIN), summary="办理时限：各类订单、各处置分类的接单与办结时限（分钟）")
    async def list_policies(self, session: DbSession) -> list[SlaRead]:
        return await service.list_policies(session)

    @put("/{kind:str}/{triage:str}", opt=policy(Role.ADMIN),
         summary="设置一类订单、一种处置分类的接单与办结时限（之后审核通过的订单生效）")
    async def set_policy(self, kind: FromPath[str], triage: FromPath[str], data: SlaUpdateBody,
                         session: DbSession) -> SlaRead:
        return await service.set_policy(session, kind, triage, data)
