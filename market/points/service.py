"""Whose points a caller may read: a member their own, a unit admin their unit's, auditors their areas'."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import NotFound
from market.models import Area, MemberProfile, PointAccount, Unit
from market.points.queries import AUDITORS, find_holder, holder_entries
from market.points.schemas import EntryPage, HolderPoints, HolderRead


async def my_points(session: AsyncSession, actor: Actor, limit: int, offset: int) -> HolderPoints:
    found = await find_holder(session, member_id=actor.account_id)
    if found is None:
        community = await session.scalar(select(MemberProfile.community_id)
                                         .where(MemberProfile.account_id == actor.account_id))
        if community is None:
            raise NotFound("尚未完成双报到，没有积分账户")
        found = HolderRead(None, "member", actor.account_id, actor.display_name, community, 0, 0, 0)
    return await _with_entries(session, found, limit, offset)


async def unit_points(session: AsyncSession, actor: Actor, unit_id: int, limit: int, offset: int) -> HolderPoints:
    unit = await session.get(Unit, unit_id)
    path = await session.scalar(select(Area.path).where(Area.id == unit.area_id)) if unit else None
    if unit is None or path is None or not (unit_id in actor.unit_ids() or actor.covers(path, *AUDITORS)):
        raise NotFound("单位不存在")
    found = await find_holder(session, unit_id=unit_id) or HolderRead(None, "unit", unit.id, unit.name,
                                                                        unit.area_id, 0, 0, 0)
    return await _with_entries(session, found, limit, offset)


async def account_points(session: AsyncSession, actor: Actor, point_account_id: int, limit: int,
                         offset: int) -> HolderPoints:
    account = await session.get(PointAccount, point_account_id)
    path = await session.scalar(select(Area.path).where(Area.id == account.area_id)) if account else None
    if account is None or path is None or not actor.covers(path, *AUDITORS):
        raise NotFound("积分账户不存在")
    found = await find_holder(session, member_id=account.account_id) if account.account_id is not None \
        else await find_holder(session, unit_id=account.unit_id)
    assert found is not None
    return await _with_entries(session, found, limit, offset)


async def _with_entries(session: AsyncSession, found: HolderRead, limit: int, offset: int) -> HolderPoints:
    if found.point_account_id is None:
        return HolderPoints(found, EntryPage([], 0, limit, offset))
    return HolderPoints(found, await holder_entries(session, found.point_account_id, limit, offset))

