"""Walking the area tree in memory: from an area up to the one of a given level above it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.models import Area
from market.vocab import AreaLevel


async def areas_by_id(session: AsyncSession) -> dict[int, Area]:
    """Every area (a city has thousands at most), for walking up from many rows at once."""
    return {a.id: a for a in (await session.scalars(select(Area))).all()}


def level_above(areas: dict[int, Area], area_id: int, level: AreaLevel) -> int | None:
    """The area of `level` at or above `area_id`, if there is one."""
    area = areas.get(area_id)
    while area is not None and area.level != level:
        area = areas.get(area.parent_id) if area.parent_id else None
    return area.id if area else None
