"""The one place that turns rows into an optimiser problem: an area's open orders, its members and units."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.areas.tree import level_above
from market.models import Account, Area, MemberProfile, Offer, Order, Unit, UnitCommunity
from market.units.dispatch_profile import live_orders
from market.vocab import (
    EXCLUDING_OFFER_STATUSES,
    LIVE_OFFER_STATUSES,
    AreaLevel,
    OfferStatus,
    OrderStatus,
    RegistrationStatus,
)
from matching.problem import WEEK_MIN, Candidate, Problem, Weights
from matching.problem import Order as ProblemOrder

METRES_PER_DEGREE_LATITUDE = 110_540.0
METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111_320.0


@dataclass(frozen=True)
class Plane:
    """Latitude and longitude projected to metres around a centre: exact enough within a city."""

    latitude: float
    longitude: float

    def metres(self, latitude: float, longitude: float) -> tuple[float, float]:
        east = (longitude - self.longitude) * METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(
            math.radians(self.latitude))
        return round(east, 1), round((latitude - self.latitude) * METRES_PER_DEGREE_LATITUDE, 1)


@dataclass(frozen=True)
class RoundInput:
    problem: Problem
    order_ids: dict[str, int]  # problem id → order id
    member_ids: dict[str, int]  # problem id → member account id
    unit_ids: dict[str, int]  # problem id → unit id
    # Orders left out because their time window is over, with their free slots: the dispatcher must decide.
    window_passed: list[tuple[int, int]]


async def collect(session: AsyncSession, area: Area, weights: Weights, now: datetime, zone: ZoneInfo) -> RoundInput:
    subtree = {a.id: a for a in (await session.scalars(select(Area).where(Area.path.startswith(area.path)))).all()}
    above = {a.id: a for a in (await session.scalars(select(Area).where(Area.id.in_(area.lineage)))).all()}
    areas = {**above, **subtree}
    plane = Plane(*_centre(area, subtree))
    passed: list[tuple[int, int]] = []
    orders = await _problem_orders(session, subtree, areas, plane, now, passed)
    # Members report to communities; a round for a grid draws on its community's members.
    communities = [a.id for a in subtree.values() if a.level == AreaLevel.COMMUNITY] or [
        a.id for a in above.values() if a.level == AreaLevel.COMMUNITY]
    members = await _problem_members(session, communities, areas, plane, now, zone)
    units, registered = await _problem_units(session, communities, areas, plane, now, zone)
    problem = Problem(weights=weights, orders=_outside_units(orders, registered),
                      candidates=[c for c, _ in members] + [c for c, _ in units])
    return RoundInput(problem, {o.id: order_id for o, order_id in orders},
                      {c.id: member_id for c, member_id in members}, {c.id: unit_id for c, unit_id in units}, passed)


async def _problem_orders(session: AsyncSession, subtree: dict[int, Area], areas: dict[int, Area], plane: Plane,
                          now: datetime, passed: list[tuple[int, int]]) -> list[tuple[ProblemOrder, int]]:
    rows = (await session.scalars(select(Order).where(
        Order.area_id.in_(subtree), Order.status.in_([OrderStatus.OPEN, OrderStatus.OFFERED])).order_by(Order.id))).all()
    live: dict[int, int] = {}
    excluded: dict[int, set[str]] = {}
    for order_id, member_id, unit_id, status in (await session.execute(
            select(Offer.order_id, Offer.member_id, Offer.unit_id, Offer.status)
            .where(Offer.order_id.in_([row.id for row in rows] or [-1]),
                   Offer.status.in_(EXCLUDING_OFFER_STATUSES)))).all():
        live[order_id] = live.get(order_id, 0) + (status in LIVE_OFFER_STATUSES)
        # A unit that named its member holds the order as the unit and as that member.
        excluded.setdefault(order_id, set()).update(
            ([f"m-{member_id}"] if member_id else []) + ([f"u-{unit_id}"] if unit_id else []))
    found = []
    for row in rows:
        free = row.headcount - live.get(row.id, 0)
        start = _minutes_from(now, row.window_start, 0)
        end = _minutes_from(now, row.window_end, WEEK_MIN)
        if free < 1:
            continue
        if end <= max(start, 0):
            passed.append((row.id, free))
            continue
        x, y = plane.metres(*_where(row.latitude, row.longitude, areas.get(row.area_id), areas))
        not_them = excluded.get(row.id, set()) | ({f"m-{row.requester_id}"} if row.requester_id else set())
        found.append((ProblemOrder(
            id=f"o-{row.id}", category=row.category_code, x_m=x, y_m=y, skills=sorted(row.skills), headcount=free,
            # A fresh order of several people is staffed whole or not at all; a partly offered one takes what it can.
            team=free == row.headcount > 1, urgency=row.urgency,
            waiting_hours=max(0, int((now - row.created_at).total_seconds() // 3600)),
            community=_community_of(row.area_id, areas), start_min=max(start, 0), end_min=min(end, WEEK_MIN),
            exclude=sorted(not_them, key=_by_kind_and_number)), row.id))
    return found


def _by_kind_and_number(candidate_id: str) -> tuple[str, int]:
    kind, number = candidate_id.split("-")
    return kind, int(number)


def _outside_units(orders: list[tuple[ProblemOrder, int]], registered: dict[str, set[str]]) -> list[ProblemOrder]:
    """A unit serves only the communities it registered to (报到): the others' orders exclude it."""
    found: list[ProblemOrder] = []
    strangers_of: dict[str, set[str]] = {}
    for order, _ in orders:
        if order.community not in strangers_of:
            strangers_of[order.community] = {unit for unit, communities in registered.items()
                                             if order.community not in communities}
        strangers = strangers_of[order.community]
        if strangers - set(order.exclude):
            order = msgspec.structs.replace(order, exclude=sorted(set(order.exclude) | strangers,
                                                                  key=_by_kind_and_number))
        found.append(order)
    return found


async def _problem_members(session: AsyncSession, communities: list[int], areas: dict[int, Area], plane: Plane,
                           now: datetime, zone: ZoneInfo) -> list[tuple[Candidate, int]]:
    rows = (await session.scalars(select(MemberProfile).join(Account, Account.id == MemberProfile.account_id).where(
        MemberProfile.community_id.in_(communities or [-1]), Account.is_active,
        MemberProfile.live_orders < MemberProfile.capacity).order_by(MemberProfile.account_id))).all()
    served = await served_this_month(session, [r.account_id for r in rows], now, zone)
    found = []
    for row in rows:
        x, y = plane.metres(*_where(row.latitude, row.longitude, areas.get(row.community_id), areas))
        found.append((Candidate(
            id=f"m-{row.account_id}", categories=sorted(row.categories), x_m=x, y_m=y,
            capacity=row.capacity - row.live_orders, skills=sorted(row.skills), radius_m=float(row.radius_m),
            load=served.get(row.account_id, 0), community=str(row.community_id),
            available=_week_windows(row.availability, now, zone)), row.account_id))
    return found


async def _problem_units(session: AsyncSession, communities: list[int], areas: dict[int, Area], plane: Plane,
                         now: datetime, zone: ZoneInfo) -> tuple[list[tuple[Candidate, int]], dict[str, set[str]]]:
    """Units registered to the round's communities with room in their round capacity, and where each serves."""
    registrations = (await session.execute(select(Unit, UnitCommunity.community_id).join(
        UnitCommunity, UnitCommunity.unit_id == Unit.id).where(
        UnitCommunity.community_id.in_(communities or [-1]), UnitCommunity.status == RegistrationStatus.CONFIRMED,
        Unit.round_capacity > 0).order_by(Unit.id, UnitCommunity.community_id))).all()
    units = {unit.id: unit for unit, _ in registrations}
    registered_to: dict[int, set[str]] = {}
    for unit, community_id in registrations:
        registered_to.setdefault(unit.id, set()).add(str(community_id))
    live = await live_orders(session, list(units))
    served = await served_this_month(session, list(units), now, zone, by_unit=True)
    found: list[tuple[Candidate, int]] = []
    registered: dict[str, set[str]] = {}
    for unit in units.values():
        room = unit.round_capacity - live.get(unit.id, 0)
        if room < 1:
            continue
        x, y = plane.metres(*_where(unit.latitude, unit.longitude, areas.get(unit.area_id), areas))
        # No community of its own: a same-community member comes first, then the unit.
        found.append((Candidate(
            id=f"u-{unit.id}", categories=sorted(unit.categories), x_m=x, y_m=y, capacity=room,
            skills=sorted(unit.skills), radius_m=float(unit.radius_m), load=served.get(unit.id, 0),
            community=f"u-{unit.id}"), unit.id))
        registered[f"u-{unit.id}"] = registered_to[unit.id]
    return found, registered


async def served_this_month(session: AsyncSession, ids: Sequence[int], now: datetime, zone: ZoneInfo,
                            by_unit: bool = False) -> dict[int, int]:
    """Each member's (or unit's) load: offers accepted since the start of this month (local time)."""
    month_start = datetime.combine(now.astimezone(zone).date().replace(day=1), datetime.min.time(), zone)
    who = Offer.unit_id if by_unit else Offer.member_id
    return dict((await session.execute(select(who, func.count()).where(
        who.in_(ids or [-1]), Offer.status == OfferStatus.ACCEPTED,
        Offer.responded_at >= month_start).group_by(who))).all())


async def pair_place(session: AsyncSession, order: Order, latitude: float | None, longitude: float | None,
                     home_area_id: int) -> tuple[float, bool]:
    """Metres between an order and a member or unit (its own place, else its home area's), and whether the
    order lies in that home area's community (a member's 双报到 community)."""
    order_area = await session.get(Area, order.area_id)
    home_area = await session.get(Area, home_area_id)
    ids = set(order_area.lineage if order_area else []) | set(home_area.lineage if home_area else [])
    areas = {a.id: a for a in (await session.scalars(select(Area).where(Area.id.in_(ids or [-1])))).all()}
    here = _where(order.latitude, order.longitude, areas.get(order.area_id), areas)
    plane = Plane(*here)
    east, north = plane.metres(*_where(latitude, longitude, areas.get(home_area_id), areas))
    return math.hypot(east, north), _community_of(order.area_id, areas) == str(home_area_id)


def _week_windows(availability: list[list[int]], now: datetime, zone: ZoneInfo) -> list[tuple[int, int]]:
    """[[weekday, start minute, end minute], …] in local time → intervals in minutes from now, for a week."""
    if not availability:
        return [(0, WEEK_MIN)]
    local_midnight = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    windows = []
    for day in range(8):
        midnight = local_midnight + timedelta(days=day)
        for weekday, start, end in availability:
            if weekday == midnight.weekday():
                begin = _minutes_from(now, midnight + timedelta(minutes=start), 0)
                finish = _minutes_from(now, midnight + timedelta(minutes=end), 0)
                if finish > 0 and begin < WEEK_MIN:
                    windows.append((max(begin, 0), min(finish, WEEK_MIN)))
    return sorted(windows)


def _minutes_from(now: datetime, moment: datetime | None, default: int) -> int:
    return default if moment is None else int((moment - now).total_seconds() // 60)


def _community_of(area_id: int, areas: dict[int, Area]) -> str:
    return str(level_above(areas, area_id, AreaLevel.COMMUNITY) or "")


def _where(latitude: float | None, longitude: float | None, area: Area | None,
           areas: dict[int, Area]) -> tuple[float, float]:
    """The row's own place, else its area's, else the nearest area above it that has one."""
    while (latitude is None or longitude is None) and area is not None:
        latitude, longitude = area.latitude, area.longitude
        area = areas.get(area.parent_id) if area.parent_id else None
    return (latitude or 0.0, longitude or 0.0)


def _centre(area: Area, areas: dict[int, Area]) -> tuple[float, float]:
    if area.latitude is not None and area.longitude is not None:
        return area.latitude, area.longitude
    placed = [(a.latitude, a.longitude) for a in areas.values() if a.latitude is not None and a.longitude is not None]
    if placed:
        return sum(p[0] for p in placed) / len(placed), sum(p[1] for p in placed) / len(placed)
    return 0.0, 0.0
