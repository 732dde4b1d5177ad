"""双报到 obligation: a member's yearly target and the orders and hours served towards it, for those who may see."""

from __future__ import annotations

from datetime import timedelta

from litestar.testing import AsyncTestClient
from sqlalchemy import update

from market.clock import ManualClock
from market.database import Database
from market.models import MemberProfile
from tests.market.flows import move_clock, signed_in
from tests.market.world import START, World


async def test_orders_served_this_year_count_towards_the_target(client: AsyncTestClient, world: World,
                                                                 database: Database) -> None:
    flows = await signed_in(client, world, database, world.resident, world.dispatcher, world.member)
    for _ in range(3):
        await flows.order_in("completed")
    await flows.order_in("in_progress")
    mine = await flows.call("GET", "/api/members/me/obligation", world.member)
    assert (mine["year"], mine["target"], mine["target_unit_name"]) == (2026, 12, "次")
    assert (mine["served_orders"], mine["progress"], mine["percent"], mine["met"]) == (3, 3, 3 * 100 // 12, False)
    last_year = await flows.call("GET", "/api/members/me/obligation?year=2025", world.member)
    assert last_year["served_orders"] == 0
    bad = await client.get("/api/members/me/obligation?year=1900", headers=flows.headers[world.member])
    assert (bad.status_code, bad.json()["field"]) == (400, "year")


async def test_an_hours_target_counts_the_time_from_start_to_completion(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    async with database.transaction() as session:
        await session.execute(update(MemberProfile).where(MemberProfile.account_id == world.member)
                              .values(yearly_target_unit="hours", yearly_target=4))
    flows = await signed_in(client, world, database, world.resident, world.dispatcher, world.member)
    made = await flows.order_in("in_progress")
    await move_clock(START + timedelta(hours=2, minutes=30), flows, database, clock)
    await flows._step(made, "completed", claimable=False, reopened=False)
    overnight = await flows.order_in("in_progress")
    await move_clock(START + timedelta(days=1), flows, database, clock)
    await flows._step(overnight, "completed", claimable=False, reopened=False)
    mine = await flows.call("GET", "/api/members/me/obligation", world.member)
    assert (mine["served_orders"], mine["served_hours"]) == (2, 2.5 + 8)  # an order counts at most 8 hours
    assert (mine["target_unit_name"], mine["progress"], mine["percent"], mine["met"]) == ("小时", 10.5, 100, True)


async def test_a_unit_and_a_community_see_their_own_members_only(client: AsyncTestClient, world: World,
                                                                 database: Database) -> None:
    flows = await signed_in(client, world, database, world.unit_admin, world.dispatcher, world.other_dispatcher,
                            world.member, world.auditor)
    unit = await flows.call("GET", f"/api/units/{world.unit}/obligations", world.unit_admin)
    assert [m["member_id"] for m in unit] == [world.unit_member]
    community = await flows.call("GET", f"/api/areas/{world.community}/obligations", world.dispatcher)
    assert {m["member_id"] for m in community} == {world.member, world.second_member, world.unit_member}
    street = await flows.call("GET", f"/api/areas/{world.street}/obligations", world.auditor)
    assert len(street) == 4
    hidden = await client.get(f"/api/areas/{world.community}/obligations", headers=flows.headers[world.other_dispatcher])
    assert hidden.status_code == 404
    member = await client.get(f"/api/units/{world.unit}/obligations", headers=flows.headers[world.member])
    assert member.status_code == 403


async def test_a_member_sets_a_target_in_hours_and_no_target_below_one(client: AsyncTestClient, world: World,
                                                                        database: Database) -> None:
    flows = await signed_in(client, world, database, world.member)
    profile = {"skills": ["electrician"], "categories": ["repair", "daily_help"], "capacity": 5}
    updated = await flows.call("PUT", "/api/members/me", world.member,
                               json={**profile, "yearly_target": 20, "yearly_target_unit": "hours"})
    assert (updated["yearly_target"], updated["yearly_target_unit"]) == (20, "hours")
    mine = await flows.call("GET", "/api/members/me/obligation", world.member)
    assert (mine["target"], mine["target_unit_name"]) == (20, "小时")
    zero = await client.put("/api/members/me", json={**profile, "yearly_target": 0},
                            headers=flows.headers[world.member])
    assert (zero.status_code, zero.json()["field"]) == (400, "yearly_target")
