"""HTTP routes of star ratings (星级评定): runs through 公示 to final, objections, and one's own ratings."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from market.access import policy
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.ratings import objections, service
from market.ratings.schemas import (
    DecisionBody,
    MyRating,
    ObjectionBody,
    ObjectionRead,
    RunCreateBody,
    RunDetail,
    RunRead,
)
from market.ratings.service import RATERS, READERS
from market.vocab import Role


class StarRatingController(Controller):
    path = "/api/star-ratings"
    tags = ["星级评定"]

    @post("/", opt=policy(*RATERS), summary="计算一个区域一个周期（年或季度）的星级（草稿）")
    async def create(self, data: RunCreateBody, session: DbSession, actor: Caller, settings: AppSettings,
                     clock: AppClock) -> RunDetail:
        return await service.create_run(session, actor, data, settings.tz, clock.now())

    @get("/", opt=policy(*READERS), summary="辖区的星级评定")
    async def list_runs(self, session: DbSession, actor: Caller, area_id: FromQuery[int | None] = None
                        ) -> list[RunRead]:
        return await service.list_runs(session, actor, area_id)

    @get("/mine", opt=policy(Role.MEMBER, Role.UNIT_ADMIN), summary="我的（本单位的）星级：公示中和已定级的")
    async def mine(self, session: DbSession, actor: Caller) -> list[MyRating]:
        return await objections.my_ratings(session, actor)

    @get("/{run_id:int}", opt=policy(*READERS), summary="一次评定：每个党员、单位的得分与星级")
    async def read(self, run_id: FromPath[int], session: DbSession, actor: Caller) -> RunDetail:
        return await service.read_run(session, actor, run_id)

    @post("/{run_id:int}/recompute", opt=policy(*RATERS), status_code=200, summary="草稿按现有数据重新计算")
    async def recompute(self, run_id: FromPath[int], session: DbSession, actor: Caller, settings: AppSettings,
                        clock: AppClock) -> RunDetail:
        return await service.recompute_run(session, actor, run_id, settings.tz, clock.now())

    @post("/{run_id:int}/publish", opt=policy(*RATERS), status_code=200, summary="公示")
    async def publish(self, run_id: FromPath[int], session: DbSession, actor: Caller, settings: AppSettings,
                      clock: AppClock) -> RunDetail:
        return await service.publish(session, actor, run_id, settings.tz, clock.now())

    @post("/{run_id:int}/finalize", opt=policy(*RATERS), status_code=200, summary="公示期满、异议处理完后定级")
    async def finalize(self, run_id: FromPath[int], session: DbSession, actor: Caller, clock: AppClock) -> RunDetail:
        return await service.finalize(session, actor, run_id, clock.now())

    @get("/{run_id:int}/objections", opt=policy(*RATERS), summary="本次评定收到的异议")
    async def run_objections(self, run_id: FromPath[int], session: DbSession, actor: Caller) -> list[ObjectionRead]:
        return await objections.run_objections(session, actor, run_id)

    @post("/rows/{rating_id:int}/objections", opt=policy(Role.MEMBER, Role.UNIT_ADMIN),
          summary="对本人（本单位）的星级提出异议（公示期内）")
    async def object_to(self, rating_id: FromPath[int], data: ObjectionBody, session: DbSession, actor: Caller,
                        clock: AppClock) -> ObjectionRead:
        return await objections.file_objection(session, actor, rating_id, data.reason, clock.now())


class ObjectionController(Controller):
    path = "/api/objections"
    tags = ["星级评定"]

    @post("/{objection_id:int}/uphold", opt=policy(*RATERS), status_code=200, summary="异议成立：按现有数据重算该行")
    async def uphold(self, objection_id: FromPath[int], data: DecisionBody, session: DbSession, actor: Caller,
                     settings: AppSettings, clock: AppClock) -> ObjectionRead:
        return await objections.decide(session, actor, objection_id, True, data.note, settings.tz, clock.now())

    @post("/{objection_id:int}/dismiss", opt=policy(*RATERS), status_code=200, summary="异议不成立")
    async def dismiss(self, objection_id: FromPath[int], data: DecisionBody, session: DbSession, actor: Caller,
                      settings: AppSettings, clock: AppClock) -> ObjectionRead:
        return await objections.decide(session, actor, objection_id, False, data.note, settings.tz, clock.now())
