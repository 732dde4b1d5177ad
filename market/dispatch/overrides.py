"""A dispatcher's hand on a preview round: replace one proposed member, or take the assignment out."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import DISPATCHERS, Actor
from market.dispatch.problem import pair_place, served_this_month
from market.dispatch.rounds import staff_run
from market.errors import Conflict, InvalidInput, NotFound
from market.models import Area, MatchAssignment, MatchRun, MemberProfile, Order
from market.orders.offers import check_member_may_serve
from market.vocab import RoundStatus, UnservedReason


async def override(session: AsyncSession, actor: Actor, run_id: int, assignment_id: int, member_id: int | None,
                   now: datetime, zone: ZoneInfo) -> None:
    run = await staff_run(session, actor, run_id)
    if run.status != RoundStatus.PREVIEW:
        raise Conflict("该轮次已派单，不能再调整", details={"current_state": run.status})
    assignment = await session.get(MatchAssignment, assignment_id)
    if assignment is None or assignment.run_id != run.id:
        raise NotFound("该派单建议不存在")
    if member_id is None:
        await _take_out(session, run, assignment)
        return
    order = await session.get(Order, assignment.order_id)
    assert order is not None
    member = await _member_who_may_serve(session, actor, run, order, member_id)
    distance_m, same_community = await pair_place(session, order, member)
    load = (await served_this_month(session, [member_id], now, zone)).get(member_id, 0)
    weights = run.weights
    assignment.member_id, assignment.overridden_by_id = member_id, actor.account_id
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
    twice = await session.scalar(select(MatchAssignment.id).where(
        MatchAssignment.run_id == run.id, MatchAssignment.order_id == order.id, MatchAssignment.member_id == member_id))
    if twice is not None:
        raise InvalidInput("该党员已在本轮承接此单", field="member_id")
    return member
