"""Listing the area tree and adding to it (admins, within their own subtree)."""

from __future__ import annotations

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Conflict, InvalidInput
from market.examples import example_body
from market.models import Area
from market.vocab import AreaLevel, Role


class AreaCreate(msgspec.Struct, forbid_unknown_fields=True):
    parent_id: int
    code: str
    name: str
    latitude: float | None = None
    longitude: float | None = None


class AreaRead(msgspec.Struct):
    id: int
    parent_id: int | None
    level: str
    level_name: str
    code: str
    name: str


async def list_areas(session: AsyncSession) -> list[AreaRead]:
    areas = (await session.scalars(select(Area).order_by(Area.path))).all()
    return [_read(area) for area in areas]


async def create_area(session: AsyncSession, actor: Actor, data: AreaCreate) -> AreaRead:
    parent = await session.get(Area, data.parent_id)
    if parent is None or not actor.covers(parent.path, Role.ADMIN):
        raise InvalidInput("请选择您管理范围内的上级区域", field="parent_id")
    levels = list(AreaLevel)
    if parent.level == AreaLevel.GRID:
        raise InvalidInput("网格下不能再分区域", field="parent_id")
    if not data.code.strip() or not data.name.strip():
        raise InvalidInput("请填写区域编码和名称", field="name" if data.code.strip() else "code")
    area = Area(parent_id=parent.id, level=levels[levels.index(AreaLevel(parent.level)) + 1], code=data.code.strip(),
                name=data.name.strip(), path="", latitude=data.latitude, longitude=data.longitude)
    try:
        async with session.begin_nested():
            session.add(area)
            await session.flush()
    except IntegrityError:
        raise Conflict("区域编码已存在", field="code") from None
    area.path = f"{parent.path}{area.id}/"
    await session.flush()
    return _read(area)


def _read(area: Area) -> AreaRead:
    return AreaRead(area.id, area.parent_id, area.level, AreaLevel(area.level).label, area.code, area.name)


AreaCreateBody = example_body(AreaCreate, {'parent_id': 4, 'code': 'c-7-g5', 'name': '春晖社区第5网格', 'latitude': 30.25, 'longitude': 120.16})
