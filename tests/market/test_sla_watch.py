"""The SLA watch: red/yellow/green marks, 督办 at the community, and escalation up the area chain."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from market.database import Database
from market.models import Account, Area, Notification, Order, RoleGrant, Supervision
from market.supervision.jobs import watch_deadlines
from market.vocab import Role
from tests.market.flows import Flows, signed_in
from tests.market.world import START, World

GRACE = (24, 48, 72)
SECOND = timedelta(seconds=1)


async def _flows(client: AsyncTestClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, *[world.resident, world.dispatcher, world.member])


async def _watch(database: Database, now: datetime) -> dict[str, int]:
    return await watch_deadlines(database, now, stall_days=3, grace_hours=GRACE)


async def _order(database: Database, order_id: int) -> Order:
    async with database.transaction(write=False) as session:
        order = await session.get(Order, order_id)
        assert order is not None
        return order


async def _inbox(database: Database, account_id: int) -> list[tuple[str, int | None]]:
    async with database.transaction(write=False) as session:
        return [(n.kind, n.order_id) for n in (await session.scalars(
            select(Notification).where(Notification.recipient_id == account_id).order_by(Notification.id))).all()]


async def _staff_on(database: Database, area_id: int, name: str) -> int:
    async with database.transaction() as session:
        account = Account(username=name, display_name=name, password_hash="-", is_active=True, created_at=START)
        session.add(account)
        await session.flush()
        session.add(RoleGrant(account_id=account.id, role=Role.DISPATCHER, area_id=area_id, created_at=START))
        return account.id


async def test_an_order_past_its_completion_deadline_turns_red_and_its_community_is_told(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("accepted")
    due = (await _order(database, made.order_id)).due_at
    assert due is not None
    assert (await _watch(database, due - SECOND))["red"] == 0
    assert (await _watch(database, due + SECOND))["red"] == 1
    order = await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher)
    assert (order["sla_level"], order["sla_level_name"]) == ("red", "红（超时）")
    async with database.transaction(write=False) as session:
        [notice] = (await session.scalars(select(Supervision))).all()
    assert (notice.order_id, notice.area_id, notice.level) == (made.order_id, world.community, "community")
    assert await _inbox(database, world.dispatcher) == [("supervision", made.order_id)]
    assert await _inbox(database, world.member) == [("new_offer", made.order_id), ("supervision", made.order_id)]
    assert await _inbox(database, world.other_dispatcher) == []
    listed = await flows.call("GET", "/api/orders", world.dispatcher, params={"sla_level": "red"})
    assert [o["id"] for o in listed["items"]] == [made.order_id]
    notices = await flows.call("GET", f"/api/areas/{world.community}/supervisions", world.dispatcher)
    assert [(n["order_id"], n["level"], n["level_name"]) for n in notices["items"]] == [
        (made.order_id, "community", "社区")]


async def test_escalation_walks_the_chain_level_by_level_and_stops_when_resolved(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    street_staff = await _staff_on(database, world.street, "street-staff")
    async with database.transaction(write=False) as session:
        street = await session.get(Area, world.street)
    assert street is not None and street.parent_id is not None
    district_staff = await _staff_on(database, street.parent_id, "district-staff")
    late, settled = await flows.order_in("accepted"), await flows.order_in("in_progress")
    red_at = (await _order(database, late.order_id)).due_at + SECOND  # type: ignore[operator]
    assert (await _watch(database, red_at))["red"] == 2

    at_street = red_at + timedelta(hours=GRACE[0])
    assert (await _watch(database, at_street - 2 * SECOND))["escalated"] == 0
    await flows.call("POST", f"/api/orders/{settled.order_id}/complete", world.member, data={"note": "已修好"},
                     files={"photos": ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")})
    counts = await _watch(database, at_street)
    assert (counts["escalated"], counts["resolved"]) == (1, 1)
    assert await _inbox(database, street_staff) == [("escalation", late.order_id)]
    assert await _inbox(database, district_staff) == []

    at_district = at_street + timedelta(hours=GRACE[1])
    assert (await _watch(database, at_district - SECOND))["escalated"] == 0
    assert (await _watch(database, at_district))["escalated"] == 1
    assert await _inbox(database, district_staff) == [("escalation", late.order_id)]
    assert (await _watch(database, at_district + timedelta(days=30)))["escalated"] == 0  # the district is the top
    async with database.transaction(write=False) as session:
        levels = [(s.order_id, s.level, s.resolved_at is not None) for s in (await session.scalars(
            select(Supervision).order_by(Supervision.id))).all()]
    assert sorted(levels) == sorted([(late.order_id, "community", False), (late.order_id, "street", False),
                                     (late.order_id, "district", False), (settled.order_id, "community", True)])


async def test_yellow_for_late_acceptance_or_stalled_work_and_green_again_once_it_moves(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    waiting = await flows.order_in("open")
    working = await flows.order_in("accepted")
    accept_due = (await _order(database, waiting.order_id)).accept_due_at
    assert accept_due is not None
    await _watch(database, accept_due + SECOND)
    assert (await _order(database, waiting.order_id)).sla_level == "yellow"

    stalled = START + timedelta(days=2) + SECOND  # two days without progress, before the deadline
    due = (await _order(database, working.order_id)).due_at
    assert due is not None and due > stalled
    await watch_deadlines(database, stalled, stall_days=2, grace_hours=GRACE)
    assert (await _order(database, working.order_id)).sla_level == "yellow"
    await flows.call("POST", f"/api/orders/{working.order_id}/start", world.member)  # the clock stands at START
    async with database.transaction() as session:  # the start happened now, three days on
        order = await session.get(Order, working.order_id)
        assert order is not None
        order.updated_at = stalled
    counts = await watch_deadlines(database, stalled + SECOND, stall_days=2, grace_hours=GRACE)
    assert (await _order(database, working.order_id)).sla_level == "green" and counts["green"] >= 1


async def test_two_watches_at_once_supervise_each_order_once(world: World, database: Database,
                                                             client: AsyncTestClient) -> None:
    flows = await _flows(client, world, database)
    made = [await flows.order_in("accepted") for _ in range(20)]
    due = max([(await _order(database, m.order_id)).due_at for m in made])  # type: ignore[type-var]
    second = Database(database.url)
    try:
        results = await asyncio.gather(_watch(database, due + SECOND), watch_deadlines(second, due + SECOND, 3, GRACE))
    finally:
        await second.dispose()
    assert sum(r["red"] for r in results) == 20
    async with database.transaction(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Supervision)) == 20
        notes = (await session.scalars(select(Notification.kind).where(Notification.kind == "supervision"))).all()
        assert len(notes) == 40  # the dispatcher and the member of each order
