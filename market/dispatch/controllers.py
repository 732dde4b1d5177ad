"""HTTP routes of 社区派单: rounds for an area (preview or commit), their detail, overrides, and weights."""

from __future__ import annotations

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath

from market.access import DISPATCHERS, policy
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller, DbSession
from market.dispatch import overrides, queries, rounds, weights
from market.dispatch.queries import READERS
from market.dispatch.schemas import (
    CommitBody,
    OverrideBody,
    RoundCreate,
    RoundDetail,
    RoundPage,
    WeightsBody,
    WeightsRead,
)
from market.examples import example_body
from market.orders.controllers import Limit, Offset

RoundCreateBody = example_body(RoundCreate, {"dry_run": True, "accept_within_minutes": 1440}, optional=True)
CommitBodyExample = example_body(CommitBody, {"accept_within_minutes": 1440}, optional=True)
OverrideBodyExample = example_body(OverrideBody, {"member_id": 12})
WeightsBodyExample = example_body(WeightsBody, {"distance_per_100m": 1, "fairness_per_order": 5, "outside_community": 0,
                                                "unserved_per_urgency": 10000, "unserved_per_waiting_hour": 0})


class AreaDispatchController(Controller):
    path = "/api/areas/{area_id:int}"
    tags = ["派单轮次"]

    @post("/rounds", opt=policy(*DISPATCHERS), summary="为本区域运行一轮优化派单（dry_run 为预览，不派单）")
    async def start(self, area_id: FromPath[int], request: Request, database: AppDatabase, settings: AppSettings,
                    actor: Caller, clock: AppClock, data: RoundCreateBody = None) -> RoundDetail:
        data = data or RoundCreate()
        run_id = await rounds.start_round(database, request.app.state.solver, settings, actor, area_id, data.dry_run,
                                          data.accept_within_minutes, clock)
        async with database.transaction(write=False) as session:
            return await queries.read_round(session, actor, run_id)

    @get("/rounds", opt=policy(*READERS), summary="本区域的派单轮次")
    async def list_rounds(self, area_id: FromPath[int], session: DbSession, actor: Caller, limit: Limit = 20,
                          offset: Offset = 0) -> RoundPage:
        items, total = await queries.list_rounds(session, actor, area_id, limit, offset)
        return RoundPage(items, total, limit, offset)

    @get("/dispatch-weights", opt=policy(*READERS), summary="本区域派单权重（未设置时沿用上级或默认）")
    async def read_weights(self, area_id: FromPath[int], session: DbSession, actor: Caller) -> WeightsRead:
        return await weights.read_weights(session, await rounds.staff_area(session, actor, area_id, *READERS))

    @put("/dispatch-weights", opt=policy(*DISPATCHERS), summary="设置本区域派单权重（有上下限）")
    async def set_weights(self, area_id: FromPath[int], data: WeightsBodyExample, session: DbSession,
                          actor: Caller, clock: AppClock) -> WeightsRead:
        area = await rounds.staff_area(session, actor, area_id)
        return await weights.set_weights(session, actor, area, data, clock.now())


    @delete("/dispatch-weights", opt=policy(*DISPATCHERS), status_code=200,
            summary="取消本区域自己的派单权重（改为沿用上级或默认）")
    async def clear_weights(self, area_id: FromPath[int], session: DbSession, actor: Caller) -> WeightsRead:
        return await weights.clear_weights(session, await rounds.staff_area(session, actor, area_id))


class RoundController(Controller):
    path = "/api/rounds/{run_id:int}"
    tags = ["派单轮次"]

    @get("/", opt=policy(*READERS), summary="派单轮次详情：建议的派单及理由、未派出的订单及原因")
    async def read(self, run_id: FromPath[int], session: DbSession, actor: Caller) -> RoundDetail:
        return await queries.read_round(session, actor, run_id)

    @post("/commit", opt=policy(*DISPATCHERS), status_code=200, summary="按预览结果派单")
    async def commit(self, run_id: FromPath[int], session: DbSession, actor: Caller, clock: AppClock,
                     data: CommitBodyExample = None) -> RoundDetail:
        await rounds.commit_round(session, actor, run_id, (data or CommitBody()).accept_within_minutes, clock.now())
        return await queries.read_round(session, actor, run_id)

    @post("/assignments/{assignment_id:int}/override", opt=policy(*DISPATCHERS), status_code=200,
          summary="手工调整一条派单建议（换一位党员或一个单位；都不指定时移除）")
    async def override(self, run_id: FromPath[int], assignment_id: FromPath[int], data: OverrideBodyExample,
                       session: DbSession, actor: Caller, clock: AppClock, settings: AppSettings) -> RoundDetail:
        await overrides.override(session, actor, run_id, assignment_id, data, clock.now(), settings.tz)
        return await queries.read_round(session, actor, run_id)
