"""双报到 and member profiles: report in, update, confirm by the unit, list who reported to a community."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Conflict, InvalidInput, NotFound
from market.members.schemas import MemberProfileUpdate, MemberRead, MemberReport
from market.models import Account, Area, Category, MemberProfile, RoleGrant, Skill, Unit
from market.vocab import AreaLevel, Role

MINUTES_PER_DAY = 24 * 60


async def report(session: AsyncSession, actor: Actor, data: MemberReport, now: datetime) -> MemberRead:
    if await session.get(MemberProfile, actor.account_id) is not None:
        raise Conflict("您已报到，如需修改请更新个人资料", field="community_id")
    community = await session.get(Area, data.community_id)
    if community is None or community.level != AreaLevel.COMMUNITY:
        raise InvalidInput("请选择居住地社区", field="community_id")
    if data.work_unit_id is not None and await session.get(Unit, data.work_unit_id) is None:
        raise InvalidInput("单位不存在", field="work_unit_id")
    await _check_profile(session, data)
    profile = MemberProfile(account_id=actor.account_id, community_id=community.id, work_unit_id=data.work_unit_id,
                            reported_at=now, live_orders=0)
    _apply(profile, data)
    session.add(profile)
    session.add(RoleGrant(account_id=actor.account_id, role=Role.MEMBER, area_id=community.id, created_at=now))
    await session.flush()
    return await read_member(session, actor.account_id)


async def update_profile(session: AsyncSession, actor: Actor, data: MemberProfileUpdate) -> MemberRead:
    profile = await session.get(MemberProfile, actor.account_id)
    if profile is None:
        raise NotFound("您还没有报到")
    await _check_profile(session, data)
    _apply(profile, data)
    await session.flush()
    return await read_member(session, actor.account_id)


async def confirm_membership(session: AsyncSession, actor: Actor, unit_id: int, member_id: int,
                             now: datetime) -> MemberRead:
    if unit_id not in actor.unit_ids():
        raise NotFound("单位不存在")
    profile = await session.get(MemberProfile, member_id)
    if profile is None or profile.work_unit_id != unit_id:
        raise NotFound("该党员未登记在本单位")
    profile.unit_confirmed_at = profile.unit_confirmed_at or now
    await session.flush()
    return await read_member(session, member_id)


async def community_members(session: AsyncSession, actor: Actor, community_id: int) -> list[MemberRead]:
    community = await session.get(Area, community_id)
    if community is None or not actor.covers(community.path, Role.DISPATCHER, Role.AUDITOR, Role.ADMIN):
        raise NotFound("社区不存在")
    ids = (await session.scalars(select(MemberProfile.account_id).where(MemberProfile.community_id == community_id)
                                 .order_by(MemberProfile.account_id))).all()
    return [await read_member(session, member_id) for member_id in ids]


async def unit_members(session: AsyncSession, actor: Actor, unit_id: int) -> list[MemberRead]:
    if unit_id not in actor.unit_ids():
        raise NotFound("单位不存在")
    ids = (await session.scalars(select(MemberProfile.account_id).where(MemberProfile.work_unit_id == unit_id)
                                 .order_by(MemberProfile.account_id))).all()
    return [await read_member(session, member_id) for member_id in ids]


async def read_member(session: AsyncSession, member_id: int) -> MemberRead:
    row = (await session.execute(
        select(MemberProfile, Account.display_name, Unit.name).join(Account, Account.id == MemberProfile.account_id)
        .outerjoin(Unit, Unit.id == MemberProfile.work_unit_id).where(MemberProfile.account_id == member_id))).one_or_none()
    if row is None:
        raise NotFound("党员不存在")
    profile, name, unit_name = row
    return MemberRead(account_id=profile.account_id, display_name=name, community_id=profile.community_id,
                      work_unit_id=profile.work_unit_id, work_unit_name=unit_name,
                      unit_confirmed=profile.unit_confirmed_at is not None, skills=list(profile.skills),
                      categories=list(profile.categories), availability=[list(a) for a in profile.availability],
                      capacity=profile.capacity, live_orders=profile.live_orders, radius_m=profile.radius_m,
                      yearly_target=profile.yearly_target, yearly_target_unit=profile.yearly_target_unit,
                      reported_at=profile.reported_at)


def _apply(profile: MemberProfile, data: MemberProfileUpdate) -> None:
    profile.skills = sorted(set(data.skills))
    profile.categories = sorted(set(data.categories))
    profile.availability = sorted(data.availability)
    profile.capacity, profile.radius_m, profile.yearly_target = data.capacity, data.radius_m, data.yearly_target
    profile.yearly_target_unit = data.yearly_target_unit
    profile.latitude, profile.longitude = data.latitude, data.longitude


async def _check_profile(session: AsyncSession, data: MemberProfileUpdate) -> None:
    await check_codes(session, data.categories, data.skills)
    for weekday, start, end in data.availability:
        if not (0 <= weekday <= 6 and 0 <= start < end <= MINUTES_PER_DAY):
            raise InvalidInput("服务时间须为 [星期0-6, 开始分钟, 结束分钟]，且开始早于结束", field="availability")
    if (data.latitude is None) != (data.longitude is None):
        raise InvalidInput("经纬度须同时填写", field="latitude")


async def check_codes(session: AsyncSession, categories: list[str], skills: list[str]) -> None:
    """Categories and skills must be codes of the catalog (inactive categories are refused)."""
    known_categories = set((await session.scalars(select(Category.code).where(Category.is_active))).all())
    if unknown := sorted(set(categories) - known_categories):
        raise InvalidInput(f"未知的服务类别：{'、'.join(unknown)}", field="categories")
    known_skills = set((await session.scalars(select(Skill.code))).all())
    if unknown := sorted(set(skills) - known_skills):
        raise InvalidInput(f"未知的技能：{'、'.join(unknown)}", field="skills")


