"""Creating units, registering them to communities (报到), and listing them without contact data."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Conflict, InvalidInput, NotFound
from market.examples import example_body
from market.models import Area, RoleGrant, Unit, UnitCommunity
from market.vocab import AreaLevel, RegistrationStatus, Role, UnitKind


class UnitCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    kind: str
    area_id: int
    admin_account_id: int | None = None


class UnitRead(msgspec.Struct):
    id: int
    name: str
    kind: str
    kind_name: str
    area_id: int
    community_ids: list[int]


async def create_unit(session: AsyncSession, actor: Actor, data: UnitCreate, now: datetime) -> UnitRead:
    if data.kind not in {k.value for k in UnitKind}:
        raise InvalidInput("单位类型须为职能部门、企业商户或社会组织", field="kind")
    if not data.name.strip() or len(data.name) > 80:
        raise InvalidInput("请填写单位名称（80 字以内）", field="name")
    area = await session.get(Area, data.area_id)
    if area is None or not actor.covers(area.path, Role.ADMIN):
        raise InvalidInput("请选择您管理范围内的区域", field="area_id")
    unit = Unit(name=data.name.strip(), kind=data.kind, area_id=area.id, created_at=now)
    try:
        async with session.begin_nested():
            session.add(unit)
            await session.flush()
    except IntegrityError:
        raise Conflict("已有同名单位", field="name") from None
    if data.admin_account_id is not None:
        session.add(RoleGrant(account_id=data.admin_account_id, role=Role.UNIT_ADMIN, area_id=area.id,
                              unit_id=unit.id, granted_by_id=actor.account_id, created_at=now))
        await session.flush()
    return await read_unit(session, unit.id)


async def register_to_community(session: AsyncSession, actor: Actor, unit_id: int, community_id: int,
                                now: datetime) -> UnitRead:
    if unit_id not in actor.unit_ids():
        raise NotFound("单位不存在")
    community = await session.get(Area, community_id)
    if community is None or community.level != AreaLevel.COMMUNITY:
        raise InvalidInput("请选择社区", field="community_id")
    exists = await session.scalar(select(UnitCommunity).where(UnitCommunity.unit_id == unit_id,
                                                              UnitCommunity.community_id == community_id))
    if exists is None:
        session.add(UnitCommunity(unit_id=unit_id, community_id=community_id, status=RegistrationStatus.CONFIRMED,
                                  registered_at=now))
        await session.flush()
    return await read_unit(session, unit_id)


async def list_units(session: AsyncSession) -> list[UnitRead]:
    ids = (await session.scalars(select(Unit.id).order_by(Unit.name))).all()
    return [await read_unit(session, unit_id) for unit_id in ids]


async def read_unit(session: AsyncSession, unit_id: int) -> UnitRead:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("单位不存在")
    communities = (await session.scalars(select(UnitCommunity.community_id).where(
        UnitCommunity.unit_id == unit_id, UnitCommunity.status == RegistrationStatus.CONFIRMED)
        .order_by(UnitCommunity.community_id))).all()
    return UnitRead(unit.id, unit.name, unit.kind, UnitKind(unit.kind).label, unit.area_id, list(communities))


UnitCreateBody = example_body(UnitCreate, {'name': '邻里便利超市', 'kind': 'business', 'area_id': 2, 'admin_account_id': 15})
