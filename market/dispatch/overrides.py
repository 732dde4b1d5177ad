"""A dispatcher's hand on a preview round: put another member or unit in an assignment, or take it out."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import DISPATCHERS, Actor
from market.dispatch.problem import pair_place, served_this_month
from market.dispatch.rounds import staff_run
from market.dispatch.schemas import OverrideBody
from market.errors import Conflict, InvalidInput, NotFound
from market.models import Area, MatchAssignment, MatchRun, MemberProfile, Offer, Order, Unit
from market.orders.offers import check_member_may_serve, check_unit_serves
from market.units.dispatch_profile import live_orders
from market.vocab import EXCLUDING_OFFER_STATUSES, RoundStatus, UnservedReason


async def override(session: AsyncSession, actor: Actor, run_id: int, assignment_id: int, choice: OverrideBody,
                   now: datetime, zone: ZoneInfo) -> None:
    if choice.member_id is not None and choice.unit_id is not None:
        raise InvalidInput("请只指定一位党员或一个单位", field="unit_id")
    run = await staff_run(session, actor, run_id)
    if run.status != RoundStatus.PREVIEW:
        raise Conflict("该轮次已派单，不能再调整", details={"current_state": run.status})
    assignment = await session.get(MatchAssignment, assignment_id)
    if assignment is None or assignment.run_id != run.id:
        raise NotFound("该派单建议不存在")
    order = await session.get(Order, assignment.order_id)
    assert order is not None
    if choice.member_id is not None:
        member = await _member_who_may_serve(session, actor, run, order, choice.member_id)
        place = await pair_place(session, order, member.latitude, member.longitude, member.community_id)
        load = (await served_this_month(session, [member.account_id], now, zone)).get(member.account_id, 0)
    elif choice.unit_id is not None:
        unit = await _unit_that_may_serve(session, run, order, choice.unit_id)
        place = (await pair_place(session, order, unit.latitude, unit.longitude, unit.area_id))[0], False
        load = (await served_this_month(session, [unit.id], now, zone, by_unit=True)).get(unit.id, 0)
    else:
        await _take_out(session, run, assignment)
        return
    distance_m, same_community = place
    weights = run.weights
    assignment.member_id, assignment.unit_id = choice.member_id, choice.unit_id
    assignment.overridden_by_id = actor.account_id
    assignment.distance_m, assignment.same_community = round(distance_m), same_community
    assignment.distance = weights["distance_per_100m"] * math.floor(distance_m / 100)
    assignment.outside = 0 if same_community else weights["outside_community"]
    assignment.fairness = weights["fairness_per_order"] * load
    await session.flush()


async def _take_out(session: AsyncSession, run: MatchRun, assignment: MatchAssignment) -> None:
    """The order's slot goes back among the round's unserved, so it is not lost from sight."""
    await session.delete(assignment)
    run.assigned_count -= 1
    run.unserved = [*(run.unserved or []), {"order_id": assignment.order_id, "slots": 1,
                                             "reason": UnservedReason.REMOVED}]
    await session.flush()


async def _member_who_may_serve(session: AsyncSession, actor: Actor, run: MatchRun, order: Order,
                                member_id: int) -> MemberProfile:
    """What every offer checks, and the hard rules a dispatcher cannot waive; distance and time are theirs to judge."""
    await check_member_may_serve(session, order, member_id)
    member = await session.get(MemberProfile, member_id)
    community = await session.get(Area, member.community_id) if member else None
    if member is None or community is None or not actor.covers(community.path, *DISPATCHERS):
        raise InvalidInput("请选择您管辖社区内已报到的党员", field="member_id")
    if order.category_code not in member.categories:
        raise InvalidInput("该党员没有登记这个服务类别", field="member_id")
    if member.live_orders >= member.capacity:
        raise InvalidInput("该党员手头的单已满", field="member_id")
    if await _already_in_round(session, run, order, MatchAssignment.member_id == member_id):
        raise InvalidInput("该党员已在本轮承接此单", field="member_id")
    return member


async def _unit_that_may_serve(session: AsyncSession, run: MatchRun, order: Order, unit_id: int) -> Unit:
    """A unit registered to the order's community, offering its category, with room left in its round capacity."""
    await check_unit_serves(session, order, unit_id)
    unit = await session.get(Unit, unit_id)
    assert unit is not None
    held = await session.scalar(select(Offer.id).where(Offer.order_id == order.id, Offer.unit_id == unit_id,
                                                       Offer.status.in_(EXCLUDING_OFFER_STATUSES)))
    if held is not None:
        raise Conflict("该单位已接过或婉拒过此单", field="unit_id")
    if order.category_code not in unit.categories:
        raise InvalidInput("该单位没有登记这个服务类别", field="unit_id")
    if (await live_orders(session, [unit_id])).get(unit_id, 0) >= unit.round_capacity:
        raise InvalidInput("该单位可承接的单已满", field="unit_id")
    if await _already_in_round(session, run, order, MatchAssignment.unit_id == unit_id):
        raise InvalidInput("该单位已在本轮承接此单", field="unit_id")
    return unit


async def _already_in_round(session: AsyncSession, run: MatchRun, order: Order, who: ColumnElement[bool]) -> bool:
    return await session.scalar(select(MatchAssignment.id).where(
        MatchAssignment.run_id == run.id, MatchAssignment.order_id == order.id, who)) is not None
