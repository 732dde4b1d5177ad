"""HTTP routes of 双报到: report in, own profile, who reported to a community, a unit's members, yearly targets."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery

from market.access import EVERYONE, policy
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.members import obligation, service
from market.members.obligation import ObligationRead
from market.members.schemas import MemberProfileBody, MemberRead, MemberReportBody
from market.vocab import Role


class MemberController(Controller):
    path = "/api/members"
    tags = ["双报到"]

    @post("/report", opt=policy(*EVERYONE), summary="党员到居住地社区报到（双报到）")
    async def report(self, data: MemberReportBody, session: DbSession, actor: Caller,
                     clock: AppClock) -> MemberRead:
        return await service.report(session, actor, data, clock.now())

    @get("/me", opt=policy(Role.MEMBER), summary="我的党员资料")
    async def read_own(self, session: DbSession, actor: Caller) -> MemberRead:
        return await service.read_member(session, actor.account_id)

    @get("/me/obligation", opt=policy(Role.MEMBER), summary="我的双报到年度服务目标与完成进度")
    async def own_obligation(self, session: DbSession, actor: Caller, settings: AppSettings, clock: AppClock,
                             year: FromQuery[int | None] = None) -> ObligationRead:
        chosen = obligation.year_of(year, clock.now().astimezone(settings.tz).date())
        [mine] = await obligation.obligations(session, obligation.own(actor), chosen, settings.tz)
        return mine

    @put("/me", opt=policy(Role.MEMBER), summary="更新技能、服务类别、服务时间、接单上限")
    async def update_own(self, data: MemberProfileBody, session: DbSession, actor: Caller) -> MemberRead:
        return await service.update_profile(session, actor, data)


@get("/api/communities/{community_id:int}/members", opt=policy(Role.DISPATCHER, Role.AUDITOR, Role.ADMIN),
     tags=["双报到"], summary="已到本社区报到的党员")
async def community_members(community_id: FromPath[int], session: DbSession, actor: Caller) -> list[MemberRead]:
    return await service.community_members(session, actor, community_id)


@get("/api/units/{unit_id:int}/members", opt=policy(Role.UNIT_ADMIN), tags=["单位"], summary="本单位党员")
async def unit_members(unit_id: FromPath[int], session: DbSession, actor: Caller) -> list[MemberRead]:
    return await service.unit_members(session, actor, unit_id)


@post("/api/units/{unit_id:int}/members/{member_id:int}/confirm", opt=policy(Role.UNIT_ADMIN), status_code=200,
      tags=["单位"], summary="单位确认党员身份")
async def confirm_member(unit_id: FromPath[int], member_id: FromPath[int], session: DbSession, actor: Caller,
                         clock: AppClock) -> MemberRead:
    return await service.confirm_membership(session, actor, unit_id, member_id, clock.now())


@get("/api/units/{unit_id:int}/obligations", opt=policy(Role.UNIT_ADMIN, *obligation.STAFF), tags=["双报到"],
     summary="本单位党员的双报到年度目标与进度")
async def unit_obligations(unit_id: FromPath[int], session: DbSession, actor: Caller, settings: AppSettings,
                           clock: AppClock, year: FromQuery[int | None] = None) -> list[ObligationRead]:
    chosen = obligation.year_of(year, clock.now().astimezone(settings.tz).date())
    return await obligation.obligations(session, await obligation.of_unit(session, actor, unit_id), chosen, settings.tz)


@get("/api/areas/{area_id:int}/obligations", opt=policy(*obligation.STAFF), tags=["双报到"],
     summary="辖区党员的双报到年度目标与进度")
async def area_obligations(area_id: FromPath[int], session: DbSession, actor: Caller, settings: AppSettings,
                           clock: AppClock, year: FromQuery[int | None] = None) -> list[ObligationRead]:
    chosen = obligation.year_of(year, clock.now().astimezone(settings.tz).date())
    return await obligation.obligations(session, await obligation.of_area(session, actor, area_id), chosen, settings.tz)
