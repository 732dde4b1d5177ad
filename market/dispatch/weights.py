"""Weights of an area's rounds: set by its staff within bounds, inherited from the nearest area above."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.dispatch.schemas import WeightsBody, WeightsRead
from market.errors import InvalidInput
from market.models import Area, DispatchWeights
from matching.problem import Weights

# Staff tune the balance between distance, fairness and leaving orders unserved; these bounds keep
# any one of them from silencing the others (an unserved order must always cost more than a trip).
BOUNDS: dict[str, tuple[int, int]] = {
    "distance_per_100m": (0, 100),
    "fairness_per_order": (0, 1_000),
    "outside_community": (0, 10_000),
    "unserved_per_urgency": (1_000, 1_000_000),
    "unserved_per_waiting_hour": (0, 10_000),
}


async def weights_for(session: AsyncSession, area: Area) -> tuple[Weights, int | None]:
    """The weights in force for `area`, and the area they were set on (None: the defaults)."""
    rows = {row.area_id: row for row in (await session.scalars(
        select(DispatchWeights).where(DispatchWeights.area_id.in_(area.lineage)))).all()}
    for area_id in reversed(area.lineage):
        if area_id in rows:
            row = rows[area_id]
            return Weights(**{name: getattr(row, name) for name in BOUNDS}), area_id
    return Weights(), None


async def set_weights(session: AsyncSession, actor: Actor, area: Area, data: WeightsBody,
                      now: datetime) -> WeightsRead:
    for name, (low, high) in BOUNDS.items():
        value = getattr(data, name)
        if not low <= value <= high:
            raise InvalidInput(f"{name} 须在 {low}–{high} 之间", field=name)
    row = await session.get(DispatchWeights, area.id)
    if row is None:
        row = DispatchWeights(area_id=area.id, updated_by_id=actor.account_id, updated_at=now,
                              **msgspec.structs.asdict(data))
        session.add(row)
    else:
        for name in BOUNDS:
            setattr(row, name, getattr(data, name))
        row.updated_by_id, row.updated_at = actor.account_id, now
    await session.flush()
    return await read_weights(session, area)


async def clear_weights(session: AsyncSession, area: Area) -> WeightsRead:
    """The area's own weights removed: it follows the nearest area above again."""
    row = await session.get(DispatchWeights, area.id)
    if row is not None:
        await session.delete(row)
        await session.flush()
    return await read_weights(session, area)


async def read_weights(session: AsyncSession, area: Area) -> WeightsRead:
    weights, set_on = await weights_for(session, area)
    return WeightsRead(area_id=area.id, set_on_area_id=set_on, **msgspec.structs.asdict(weights))
