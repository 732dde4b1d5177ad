"""A unit's dispatch profile: what rounds may offer it, where it serves from, and how many orders at once."""

from __future__ import annotations

from typing import Annotated

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import DISPATCHERS, Actor
from market.errors import Conflict, InvalidInput, NotFound
from market.examples import example_body
from market.members.service import check_codes
from market.models import Area, Offer, Order, Unit, UnitCommunity
from market.vocab import LIVE_OFFER_STATUSES, OrderStatus, RegistrationStatus, Role

# A unit's order is live from the offer until the work is completed (or the order is cancelled).
UNIT_BUSY_ORDER_STATUSES = (OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS,
                            OrderStatus.REOPENED)


class UnitDispatchUpdate(msgspec.Struct, forbid_unknown_fields=True):
    categories: list[str] = []
    skills: list[str] = []
    # Orders rounds may give the unit at once; 0 keeps it out of rounds (offers by hand still reach it).
    round_capacity: Annotated[int, msgspec.Meta(ge=0, le=200)] = 0
    radius_m: Annotated[int, msgspec.Meta(ge=100, le=50_000)] = 5000
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None


class UnitDispatchRead(msgspec.Struct):
    unit_id: int
    categories: list[str]
    skills: list[str]
    round_capacity: int
    live_orders: int
    radius_m: int
    latitude: float | None
    longitude: float | None


async def set_profile(session: AsyncSession, actor: Actor, unit_id: int, data: UnitDispatchUpdate) -> UnitDispatchRead:
    unit = await _unit_for(session, actor, unit_id, write=True)
    await check_codes(session, data.categories, data.skills)
    if data.round_capacity > 0 and not data.categories:
        raise InvalidInput("参与派单轮次的单位须至少登记一个服务类别", field="categories")
    if (data.latitude is None) != (data.longitude is None):
        raise InvalidInput("经纬度须同时填写", field="latitude")
    unit.categories, unit.skills = sorted(set(data.categories)), sorted(set(data.skills))
    unit.round_capacity, unit.radius_m = data.round_capacity, data.radius_m
    unit.latitude, unit.longitude = data.latitude, data.longitude
    await session.flush()
    return await read_profile(session, actor, unit_id)


async def read_profile(session: AsyncSession, actor: Actor, unit_id: int) -> UnitDispatchRead:
    unit = await _unit_for(session, actor, unit_id, write=False)
    live = (await live_orders(session, [unit.id])).get(unit.id, 0)
    return UnitDispatchRead(unit.id, list(unit.categories), list(unit.skills), unit.round_capacity, live,
                            unit.radius_m, unit.latitude, unit.longitude)


async def live_orders(session: AsyncSession, unit_ids: list[int]) -> dict[int, int]:
    """Orders each unit holds now: offered to it and not yet completed, cancelled or declined."""
    return dict((await session.execute(
        select(Offer.unit_id, func.count(func.distinct(Offer.order_id))).join(Order, Order.id == Offer.order_id)
        .where(Offer.unit_id.in_(unit_ids or [-1]), Offer.status.in_(LIVE_OFFER_STATUSES),
               Order.status.in_(UNIT_BUSY_ORDER_STATUSES)).group_by(Offer.unit_id))).all())


async def check_unit_has_room(session: AsyncSession, unit_id: int) -> None:
    """A round's offer to a unit keeps within its round capacity; the unit's row lock orders rival commits."""
    unit = await session.scalar(select(Unit).where(Unit.id == unit_id).with_for_update())
    if unit is None or (await live_orders(session, [unit_id])).get(unit_id, 0) >= unit.round_capacity:
        raise Conflict("该单位可承接的单已满", field="unit_id", details={"unit_id": unit_id})


async def _unit_for(session: AsyncSession, actor: Actor, unit_id: int, write: bool) -> Unit:
    """Its own admin and admins over its area may change it; dispatchers of its area or of a community it
    registered to may read it."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("单位不存在")
    if unit_id in actor.unit_ids():
        return unit
    paths = [await session.scalar(select(Area.path).where(Area.id == unit.area_id)) or ""]
    if not write:
        paths += (await session.scalars(select(Area.path).join(UnitCommunity, UnitCommunity.community_id == Area.id)
                                        .where(UnitCommunity.unit_id == unit_id,
                                               UnitCommunity.status == RegistrationStatus.CONFIRMED))).all()
    roles = (Role.ADMIN,) if write else DISPATCHERS
    if not any(actor.covers(path, *roles) for path in paths):
        raise NotFound("单位不存在")
    return unit


UnitDispatchBody = example_body(UnitDispatchUpdate, {
    "categories": ["repair", "daily_help"], "skills": ["electrician"], "round_capacity": 5, "radius_m": 5000,
    "latitude": 31.2304, "longitude": 121.4737})
