"""HTTP routes of points (积分): the rules, balances and histories, and the auditors' queue and actions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, QueryParameter

from market.access import EVERYONE, policy
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.points import audit, queries, rules, service
from market.points.queries import AUDITORS
from market.points.rules import RulesCreateBody, RulesVersion
from market.points.schemas import (
    AuditNoteBody,
    BulkApproveBody,
    BulkResult,
    EntryFilter,
    EntryPage,
    EntryRead,
    EntryStatus,
    HolderPage,
    HolderPoints,
    ReverseBody,
    VoidBody,
)
from market.vocab import Role

Limit = Annotated[int, QueryParameter(ge=1, le=100)]
Offset = Annotated[int, QueryParameter(ge=0)]
Sample = Annotated[int | None, QueryParameter(ge=1, le=200)]


class PointRulesController(Controller):
    path = "/api/points/rules"
    tags = ["积分"]

    @get("/", opt=policy(*EVERYONE), summary="现行积分规则")
    async def current(self, session: DbSession, clock: AppClock) -> RulesVersion:
        return await rules.current_rules(session, clock.now())

    @get("/versions", opt=policy(*AUDITORS), summary="积分规则的全部版本")
    async def versions(self, session: DbSession, clock: AppClock) -> list[RulesVersion]:
        await rules.current_rules(session, clock.now())
        return await rules.list_versions(session)

    @post("/", opt=policy(Role.ADMIN), summary="发布新版积分规则（旧版本保留，已记积分不变）")
    async def add_version(self, data: RulesCreateBody, session: DbSession, actor: Caller, clock: AppClock) -> RulesVersion:
        return await rules.add_version(session, data, actor.account_id, clock.now())


class PointsController(Controller):
    path = "/api/points"
    tags = ["积分"]

    @get("/me", opt=policy(Role.MEMBER), summary="我的积分：余额与明细")
    async def mine(self, session: DbSession, actor: Caller, limit: Limit = 20, offset: Offset = 0) -> HolderPoints:
        return await service.my_points(session, actor, limit, offset)

    @get("/accounts", opt=policy(*AUDITORS), summary="辖区积分账户（按余额）")
    async def holders(self, session: DbSession, actor: Caller, area_id: FromQuery[int | None] = None,
                      limit: Limit = 20, offset: Offset = 0) -> HolderPage:
        path = await queries.area_path_of(session, actor, area_id)
        items, total = await queries.area_holders(session, actor, path, limit, offset)
        return HolderPage(items, total, limit, offset)

    @get("/accounts/{point_account_id:int}", opt=policy(*AUDITORS), summary="一个积分账户的余额与明细")
    async def holder(self, point_account_id: FromPath[int], session: DbSession, actor: Caller, limit: Limit = 20,
                     offset: Offset = 0) -> HolderPoints:
        return await service.account_points(session, actor, point_account_id, limit, offset)

    @get("/entries", opt=policy(*AUDITORS), summary="积分审核队列（可筛选；sample=N 随机抽查）")
    async def entries(self, session: DbSession, actor: Caller, settings: AppSettings,
                      area_id: FromQuery[int | None] = None, status: FromQuery[EntryStatus | None] = "pending",
                      kind: FromQuery[Literal["award", "penalty"] | None] = None, needs_review: FromQuery[bool | None] = None,
                      member_id: FromQuery[int | None] = None, unit_id: FromQuery[int | None] = None,
                      order_id: FromQuery[int | None] = None, date_from: FromQuery[date | None] = None,
                      date_to: FromQuery[date | None] = None, sample: Sample = None, limit: Limit = 20,
                      offset: Offset = 0) -> EntryPage:
        wanted = EntryFilter(area_id, status, kind, needs_review, member_id, unit_id, order_id, date_from,
                             date_to)
        path = await queries.area_path_of(session, actor, area_id)
        return await queries.audit_page(session, queries.audit_query(actor, wanted, path, settings.tz), limit,
                                        offset, sample)

    @post("/entries/{entry_id:int}/post", opt=policy(*AUDITORS), status_code=200, summary="审核通过，入账")
    async def post_entry(self, entry_id: FromPath[int], session: DbSession, actor: Caller, clock: AppClock,
                         data: AuditNoteBody = None) -> EntryRead:
        return await audit.post_entry(session, actor, entry_id, data.note if data else "", clock.now())

    @post("/entries/{entry_id:int}/void", opt=policy(*AUDITORS), status_code=200, summary="审核不通过，作废")
    async def void_entry(self, entry_id: FromPath[int], data: VoidBody, session: DbSession, actor: Caller,
                         clock: AppClock) -> EntryRead:
        return await audit.void_entry(session, actor, entry_id, data.note, clock.now())

    @post("/entries/{entry_id:int}/reverse", opt=policy(*AUDITORS), status_code=200, summary="冲正已入账的积分")
    async def reverse_entry(self, entry_id: FromPath[int], data: ReverseBody, session: DbSession, actor: Caller,
                            clock: AppClock) -> EntryRead:
        return await audit.reverse_entry(session, actor, entry_id, data.reason, clock.now())

    @post("/approve", opt=policy(*AUDITORS), status_code=200, summary="按条件批量审核通过（超上限的须逐条审核）")
    async def approve(self, data: BulkApproveBody, session: DbSession, actor: Caller, settings: AppSettings,
                      clock: AppClock) -> BulkResult:
        return await audit.approve_in_bulk(session, actor, data, settings.tz, clock.now())


@get("/api/units/{unit_id:int}/points", opt=policy(Role.UNIT_ADMIN, *AUDITORS), tags=["积分"],
     summary="单位积分：余额与明细")
async def unit_points(unit_id: FromPath[int], session: DbSession, actor: Caller, limit: Limit = 20,
                      offset: Offset = 0) -> HolderPoints:
    return await service.unit_points(session, actor, unit_id, limit, offset)

