"""六访: plans for key residents, a visit order per period, dispatched like any order, and coverage per area."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from market.database import Database
from market.models import Order, Visit
from market.visits.jobs import make_due_visits
from market.visits.periods import next_period_start, period_start
from market.vocab import VisitFrequency
from tests.market.flows import Flows, signed_in
from tests.market.world import START, World

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _flows(client: AsyncTestClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, *[world.resident, world.dispatcher, world.other_dispatcher, world.member, world.auditor])


async def _plan(flows: Flows, frequency: str = "monthly", tag: str = "living_alone") -> dict:
    return await flows.call("POST", "/api/visit-plans", flows.world.dispatcher, json={
        "resident_id": flows.world.resident, "tag": tag, "frequency": frequency, "note": "独居，注意防跌倒",
        "category": "daily_help"})  # what the world's members serve


async def _visit_orders(database: Database) -> list[Order]:
    async with database.transaction(write=False) as session:
        return list((await session.scalars(select(Order).where(Order.kind == "visit").order_by(Order.id))).all())


def test_periods_start_at_local_midnight_of_the_week_month_and_quarter() -> None:
    moment = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # Thursday 01:00 on the 26th in Shanghai
    local = [period_start(moment, f, SHANGHAI).astimezone(SHANGHAI) for f in VisitFrequency]
    assert [(d.month, d.day, d.hour) for d in local] == [(11, 23, 0), (11, 1, 0), (10, 1, 0)]
    following = [next_period_start(period_start(moment, f, SHANGHAI), f, SHANGHAI).astimezone(SHANGHAI)
                 for f in VisitFrequency]
    assert [(d.year, d.month, d.day) for d in following] == [(2026, 11, 30), (2026, 12, 1), (2027, 1, 1)]


async def test_a_plan_makes_one_open_visit_order_per_period_and_none_twice(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    plan = await _plan(flows)
    assert (plan["tag_name"], plan["frequency_name"]) == ("独居老人", "每月")
    assert await make_due_visits(database, START, SHANGHAI) == {"visits": 1}
    assert await make_due_visits(database, START + timedelta(days=3), SHANGHAI) == {"visits": 0}
    [visit] = await _visit_orders(database)
    assert (visit.status, visit.requester_id, visit.area_id, visit.source) == ("open", world.resident, world.grid,
                                                                               "visit_plan")
    assert "独居老人" in visit.title and visit.due_at is not None
    # It is dispatched like any order.
    run = await flows.call("POST", f"/api/areas/{world.community}/rounds", world.dispatcher, json={})
    assert [a["order_id"] for a in run["assignments"]] == [visit.id]

    december = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 1 December, local midnight
    assert await make_due_visits(database, december - timedelta(seconds=1), SHANGHAI) == {"visits": 0}
    assert await make_due_visits(database, december, SHANGHAI) == {"visits": 1}
    # Months away, one visit for the month we are in, not one for each month missed.
    assert await make_due_visits(database, december + timedelta(days=100), SHANGHAI) == {"visits": 1}


async def test_a_paused_plan_makes_no_visit_and_two_sweeps_at_once_make_one(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    paused, running = await _plan(flows), await _plan(flows, "weekly", tag="hardship")
    await flows.call("POST", f"/api/visit-plans/{paused['id']}/pause", world.dispatcher)
    second = Database(database.url)
    try:
        results = await asyncio.gather(make_due_visits(database, START, SHANGHAI), make_due_visits(second, START,
                                                                                                   SHANGHAI))
    finally:
        await second.dispose()
    assert sum(r["visits"] for r in results) == 1
    async with database.transaction(write=False) as session:
        plans = (await session.scalars(select(Visit.plan_id))).all()
        assert plans == [running["id"]] and await session.scalar(select(func.count()).select_from(Visit)) == 1


async def test_coverage_counts_visits_due_and_done_per_grid_and_community(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await _plan(flows)
    await _plan(flows, "weekly", tag="hardship")
    await make_due_visits(database, START, SHANGHAI)
    [first, _] = await _visit_orders(database)
    offered = await flows.call("POST", f"/api/orders/{first.id}/offers", world.dispatcher,
                               json={"member_id": world.member})
    offer_id = offered["assignees"][0]["offer_id"]
    await flows.call("POST", f"/api/offers/{offer_id}/accept", world.member)
    await flows.call("POST", f"/api/orders/{first.id}/start", world.member)
    await flows.call("POST", f"/api/orders/{first.id}/complete", world.member, data={"note": "已走访"},
                     files={"photos": ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")})

    report = await flows.call("GET", f"/api/areas/{world.community}/visit-coverage", world.auditor,
                              params={"month": "2026-11"})
    rows = {row["area_id"]: (row["due"], row["visited"], row["rate"]) for row in report["areas"]}
    assert rows[world.community] == (2, 1, 0.5) and rows[world.grid] == (2, 1, 0.5)
    assert world.other_grid not in rows  # another community's grid lies outside the area asked for
    empty = await flows.call("GET", f"/api/areas/{world.community}/visit-coverage", world.auditor,
                             params={"month": "2026-10"})
    assert all(row["due"] == 0 for row in empty["areas"])
    bad = await client.get(f"/api/areas/{world.community}/visit-coverage", params={"month": "十一月"},
                           headers=flows.headers[world.auditor])
    assert bad.status_code == 400 and bad.json()["field"] == "month"


async def test_a_plan_is_made_for_a_resident_of_ones_own_area_with_known_words(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    for body, field in (({"resident_id": world.resident, "tag": "rich"}, "tag"),
                        ({"resident_id": world.resident, "tag": "living_alone", "frequency": "daily"}, "frequency"),
                        ({"resident_id": world.resident, "tag": "living_alone", "category": "nope"}, "category")):
        refused = await client.post("/api/visit-plans", json=body, headers=flows.headers[world.dispatcher])
        assert refused.status_code == 400 and refused.json()["field"] == field, refused.text
    outsider = await client.post("/api/visit-plans", json={"resident_id": world.resident, "tag": "living_alone"},
                                 headers=flows.headers[world.other_dispatcher])
    assert outsider.status_code == 400 and outsider.json()["field"] == "resident_id"
    assert await flows.call("GET", f"/api/areas/{world.community}/visit-plans", world.dispatcher) == []
    await _plan(flows)
    twice = await client.post("/api/visit-plans", json={"resident_id": world.resident, "tag": "living_alone"},
                              headers=flows.headers[world.dispatcher])
    assert twice.status_code == 409 and twice.json()["field"] == "resident_id"
    this_month = await flows.call("GET", f"/api/areas/{world.community}/visit-coverage", world.dispatcher,
                                  params={"month": ""})
    assert this_month["month"] == "2026-11"
