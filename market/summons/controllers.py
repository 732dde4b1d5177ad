"""HTTP routes of 吹哨报到: summon a department to an order, its acknowledgement and report, and the list."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from market.access import DISPATCHERS, policy
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.summons import service
from market.summons.service import SummonsCreateBody, SummonsRead, SummonsReportBody
from market.vocab import Role


@post("/api/orders/{order_id:int}/summons", opt=policy(*DISPATCHERS), tags=["吹哨报到"],
      summary="吹哨：请职能部门到此订单报到协助办理")
async def summon(order_id: FromPath[int], data: SummonsCreateBody, session: DbSession, actor: Caller,
                 settings: AppSettings, clock: AppClock) -> SummonsRead:
    return await service.summon(session, actor, order_id, data, settings.summons_ack_minutes, clock.now())


class SummonsController(Controller):
    path = "/api/summons"
    tags = ["吹哨报到"]

    @get("/", opt=policy(Role.UNIT_ADMIN, *DISPATCHERS), summary="吹哨记录：本单位被召集的，或本辖区发出的")
    async def list_summons(self, session: DbSession, actor: Caller,
                           open_only: FromQuery[bool] = False) -> list[SummonsRead]:
        return await service.list_summons(session, actor, open_only)

    @post("/{summons_id:int}/acknowledge", opt=policy(Role.UNIT_ADMIN), status_code=200, summary="报到（确认接到吹哨）")
    async def acknowledge(self, summons_id: FromPath[int], session: DbSession, actor: Caller,
                          clock: AppClock) -> SummonsRead:
        return await service.acknowledge(session, actor, summons_id, clock.now())

    @post("/{summons_id:int}/report", opt=policy(Role.UNIT_ADMIN), status_code=200, summary="反馈办理情况")
    async def report(self, summons_id: FromPath[int], data: SummonsReportBody, session: DbSession, actor: Caller,
                     clock: AppClock) -> SummonsRead:
        return await service.report_back(session, actor, summons_id, data, clock.now())
