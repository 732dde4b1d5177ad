"""Units in 社区派单 rounds: their dispatch profile, capacity, registered communities, exclusions and overrides."""

from __future__ import annotations

import asyncio

from litestar.testing import AsyncTestClient
from sqlalchemy import update

from market.database import Database
from market.models import MemberProfile
from tests.market.flows import Flows, signed_in
from tests.market.world import WISH, World

UNIT_PLACE = {"latitude": 30.25, "longitude": 120.16}  # where the world's members live


async def _flows(client: AsyncTestClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, *[world.resident, world.other_resident, world.dispatcher, world.other_dispatcher, world.admin,
           world.member, world.second_member, world.unit_member, world.unit_admin])


async def _only_the_unit_serves_repairs(client: AsyncTestClient, world: World, database: Database,
                                       round_capacity: int) -> Flows:
    flows = await _flows(client, world, database)
    async with database.transaction() as session:
        await session.execute(update(MemberProfile).values(categories=["daily_help"]))
    await _unit_takes_repairs(flows, round_capacity)
    return flows


async def _unit_takes_repairs(flows: Flows, round_capacity: int) -> dict:
    return await flows.call("PUT", f"/api/units/{flows.world.unit}/dispatch-profile", flows.world.unit_admin,
                            json={"categories": ["repair"], "skills": ["electrician"],
                                  "round_capacity": round_capacity, **UNIT_PLACE})


async def _round(flows: Flows, dry_run: bool, area_id: int | None = None, by: int | None = None) -> dict:
    return await flows.call("POST", f"/api/areas/{area_id or flows.world.community}/rounds",
                            by or flows.world.dispatcher, json={"dry_run": dry_run})


async def test_a_unit_is_offered_what_no_member_can_serve_and_names_its_member(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _only_the_unit_serves_repairs(client, world, database, round_capacity=1)
    made = await flows.order_in("open")
    run = await _round(flows, dry_run=False)
    [assignment] = run["assignments"]
    assert assignment["unit"] == {"id": world.unit, "name": "测试单位"} and assignment["member"] is None
    assert assignment["same_community"] is False and assignment["offer_id"] is not None
    [offer] = await flows.call("GET", "/api/offers", world.unit_admin)
    assert offer["offer_id"] == assignment["offer_id"] and offer["why"]["same_community"] == 0
    accepted = await flows.call("POST", f"/api/offers/{offer['offer_id']}/accept-for-unit", world.unit_admin,
                                json={"member_id": world.unit_member})
    assert accepted["id"] == made.order_id and accepted["status"] == "accepted"


async def test_a_unit_is_never_offered_beyond_its_round_capacity(client: AsyncTestClient, world: World,
                                                                 database: Database) -> None:
    flows = await _only_the_unit_serves_repairs(client, world, database, round_capacity=2)
    orders = [(await flows.order_in("open")).order_id for _ in range(3)]
    first = await _round(flows, dry_run=False)
    given = {a["order_id"] for a in first["assignments"]}
    assert len(given) == 2 and given < set(orders) and {a["unit"]["id"] for a in first["assignments"]} == {world.unit}
    assert [(u["order_id"], u["reason"]) for u in first["unserved"]] == [(*(set(orders) - given), "capacity")]
    profile = await flows.call("GET", f"/api/units/{world.unit}/dispatch-profile", world.dispatcher)
    assert (profile["round_capacity"], profile["live_orders"]) == (2, 2)
    second = await _round(flows, dry_run=False)
    # The full unit is not a candidate any more, so nobody is eligible for the third order.
    assert second["assignments"] == []
    [left] = set(orders) - given
    assert [(u["order_id"], u["reason"]) for u in second["unserved"]] == [(left, "no_eligible_candidate")]


async def test_two_rounds_committed_at_once_keep_a_unit_within_its_capacity(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _only_the_unit_serves_repairs(client, world, database, round_capacity=1)
    await flows.call("POST", f"/api/units/{world.unit}/communities", world.unit_admin,
                     json={"community_id": world.other_community})
    await flows.order_in("open")
    elsewhere = (await flows.call("POST", "/api/orders", world.other_resident, json=WISH))["id"]
    await flows.call("POST", f"/api/orders/{elsewhere}/approve", world.other_dispatcher, json={"triage": "general"})
    previews = [await _round(flows, dry_run=True, area_id=area, by=by)
                for area, by in ((world.community, world.dispatcher), (world.other_community, world.other_dispatcher))]
    assert all([a["unit"]["id"] for a in p["assignments"]] == [world.unit] for p in previews)
    dispatchers = (world.dispatcher, world.other_dispatcher)
    commits = await asyncio.gather(*(flows.call("POST", f"/api/rounds/{p['id']}/commit", by, json={})
                                     for p, by in zip(previews, dispatchers, strict=True)))
    outcomes = sorted((c["assignments"][0]["offer_id"] is None, c["assignments"][0]["skipped"]) for c in commits)
    assert outcomes == [(False, None), (True, "该单位可承接的单已满")]
    assert len(await flows.call("GET", "/api/offers", world.unit_admin)) == 1


async def test_a_unit_serves_only_the_communities_it_registered_to(client: AsyncTestClient, world: World,
                                                                   database: Database) -> None:
    flows = await _only_the_unit_serves_repairs(client, world, database, round_capacity=5)
    home = await flows.order_in("open")
    elsewhere = (await flows.call("POST", "/api/orders", world.other_resident, json=WISH))["id"]
    await flows.call("POST", f"/api/orders/{elsewhere}/approve", world.other_dispatcher, json={"triage": "general"})
    street_round = await _round(flows, dry_run=True, area_id=world.street, by=world.admin)
    assert [(a["order_id"], a["unit"]["id"]) for a in street_round["assignments"]] == [(home.order_id, world.unit)]
    assert [(u["order_id"], u["reason"]) for u in street_round["unserved"]] == [(elsewhere, "no_eligible_candidate")]


async def test_a_unit_that_declined_is_not_offered_the_order_again(client: AsyncTestClient, world: World,
                                                                   database: Database) -> None:
    flows = await _only_the_unit_serves_repairs(client, world, database, round_capacity=5)
    made = await flows.order_in("open")
    [assignment] = (await _round(flows, dry_run=False))["assignments"]
    await flows.call("POST", f"/api/offers/{assignment['offer_id']}/decline", world.unit_admin,
                     json={"reason": "busy"})
    again = await _round(flows, dry_run=True)
    assert again["assignments"] == []
    assert [(u["order_id"], u["reason"]) for u in again["unserved"]] == [(made.order_id, "no_eligible_candidate")]


async def test_a_member_of_the_orders_community_comes_before_a_unit(client: AsyncTestClient, world: World,
                                                                    database: Database) -> None:
    flows = await _flows(client, world, database)
    await _unit_takes_repairs(flows, round_capacity=5)
    await flows.call("PUT", f"/api/areas/{world.community}/dispatch-weights", world.dispatcher,
                     json={"distance_per_100m": 1, "fairness_per_order": 5, "outside_community": 50,
                           "unserved_per_urgency": 10000, "unserved_per_waiting_hour": 0})
    await flows.order_in("open")
    [assignment] = (await _round(flows, dry_run=True))["assignments"]
    assert assignment["unit"] is None and assignment["member"]["id"] in {world.member, world.second_member,
                                                                         world.unit_member}
    assert (assignment["same_community"], assignment["outside"]) == (True, 0)


async def test_a_dispatcher_hands_an_assignment_to_a_unit_within_its_rules(client: AsyncTestClient, world: World,
                                                                           database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    preview = await _round(flows, dry_run=True)
    [proposal] = preview["assignments"]
    url = f"/api/rounds/{preview['id']}/assignments/{proposal['id']}/override"
    headers = flows.headers[world.dispatcher]
    not_in_rounds = await client.post(url, json={"unit_id": world.unit}, headers=headers)
    assert not_in_rounds.status_code == 400 and not_in_rounds.json()["field"] == "unit_id"
    both = await client.post(url, json={"unit_id": world.unit, "member_id": world.member}, headers=headers)
    assert both.status_code == 400 and both.json()["field"] == "unit_id"

    await _unit_takes_repairs(flows, round_capacity=1)
    changed = await flows.call("POST", url, world.dispatcher, json={"unit_id": world.unit})
    [assignment] = changed["assignments"]
    assert assignment["unit"]["id"] == world.unit and assignment["member"] is None and assignment["overridden"]
    assert assignment["outside"] == changed["weights"]["outside_community"] and not assignment["same_community"]
    committed = await flows.call("POST", f"/api/rounds/{preview['id']}/commit", world.dispatcher, json={})
    [offer] = await flows.call("GET", "/api/offers", world.unit_admin)
    assert offer["offer_id"] == committed["assignments"][0]["offer_id"] and offer["why"]["by_hand"] == 1
    assert offer["order"]["id"] == made.order_id


async def test_a_bad_dispatch_profile_is_refused_by_field_and_changes_nothing(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    url = f"/api/units/{world.unit}/dispatch-profile"
    before = await flows.call("GET", url, world.unit_admin)
    assert (before["round_capacity"], before["categories"]) == (0, [])
    headers = flows.headers[world.unit_admin]
    for body, field in (({"categories": ["no_such_thing"], "round_capacity": 1}, "categories"),
                        ({"categories": [], "round_capacity": 3}, "categories"),
                        ({"categories": ["repair"], "skills": ["juggling"]}, "skills"),
                        ({"categories": ["repair"], "latitude": 30.2}, "latitude"),
                        ({"categories": ["repair"], "round_capacity": 500}, "round_capacity")):
        refused = await client.put(url, json=body, headers=headers)
        assert refused.status_code == 400 and refused.json()["field"] == field, (body, refused.text)
    assert await flows.call("GET", url, world.unit_admin) == before
