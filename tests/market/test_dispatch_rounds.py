"""社区派单 rounds: preview, commit, override, exclusions, weights, saved files; HTTP keeps answering meanwhile."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from litestar.testing import AsyncTestClient
from sqlalchemy import update

from market.database import Database
from market.models import MemberProfile, Offer, Order
from market.settings import Settings
from matching.check import check
from matching.instances import city
from matching.problem import read_problem, write_problem
from matching.result import read_result, write_result
from matching.solve import solve
from tests.market.flows import Flows, signed_in
from tests.market.world import START, World


async def _flows(client: AsyncTestClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, *[world.resident, world.dispatcher, world.other_dispatcher, world.member, world.second_member,
           world.unit_member, world.auditor])


async def _round(flows: Flows, dry_run: bool = True) -> dict:
    return await flows.call("POST", f"/api/areas/{flows.world.community}/rounds", flows.world.dispatcher,
                            json={"dry_run": dry_run})


async def test_a_preview_proposes_offers_and_makes_none_until_committed(
        client: AsyncTestClient, world: World, database: Database, settings: Settings) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    preview = await _round(flows)
    assert (preview["status"], preview["orders_count"], preview["assigned_count"]) == ("preview", 1, 1)
    [proposal] = preview["assignments"]
    assert proposal["order_id"] == made.order_id and proposal["offer_id"] is None
    assert (await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher))["status"] == "open"

    committed = await flows.call("POST", f"/api/rounds/{preview['id']}/commit", world.dispatcher, json={})
    assert committed["status"] == "committed" and committed["assignments"][0]["offer_id"] is not None
    assert (await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher))["status"] == "offered"
    member = proposal["member"]["id"]
    [offer] = await flows.call("GET", "/api/offers", member)
    assert offer["why"]["same_community"] == 1 and offer["why"]["distance_m"] == 0

    # The round's problem and result were saved: they pass the checker, and solving again gives the same bytes.
    problem = read_problem((Path(settings.data_dir) / committed["problem_file"]).read_bytes())
    saved = (Path(settings.data_dir) / committed["result_file"]).read_bytes()
    assert check(problem, read_result(saved)) == [] and write_result(solve(problem)) == saved


async def test_a_round_without_dry_run_makes_its_offers_at_once(client: AsyncTestClient, world: World,
                                                               database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    run = await _round(flows, dry_run=False)
    assert run["status"] == "committed" and run["assignments"][0]["offer_id"] is not None
    assert (await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher))["status"] == "offered"
    listed = await flows.call("GET", f"/api/areas/{world.community}/rounds", world.auditor)
    assert [r["id"] for r in listed["items"]] == [run["id"]] and listed["total"] == 1


async def test_who_declined_is_not_offered_the_order_again(client: AsyncTestClient, world: World,
                                                           database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    decliners = []
    for _ in range(3):  # three members can serve it; each declines in turn
        run = await _round(flows, dry_run=False)
        [assignment] = run["assignments"]
        decliners.append(assignment["member"]["id"])
        await flows.call("POST", f"/api/offers/{assignment['offer_id']}/decline", decliners[-1],
                         json={"reason": "busy"})
    assert len(set(decliners)) == 3
    last = await _round(flows)
    assert last["assignments"] == []
    assert last["unserved"] == [{"order_id": made.order_id, "slots": 1, "reason": "no_eligible_candidate",
                                 "reason_name": "没有符合条件的党员或单位"}]


async def test_a_dispatcher_overrides_one_proposal_before_commit(client: AsyncTestClient, world: World,
                                                                 database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.order_in("open")
    preview = await _round(flows)
    [proposal] = preview["assignments"]
    other = next(m for m in (world.member, world.second_member) if m != proposal["member"]["id"])
    url = f"/api/rounds/{preview['id']}/assignments/{proposal['id']}/override"
    changed = await flows.call("POST", url, world.dispatcher, json={"member_id": other})
    assert changed["assignments"][0]["member"]["id"] == other and changed["assignments"][0]["overridden"]
    committed = await flows.call("POST", f"/api/rounds/{preview['id']}/commit", world.dispatcher, json={})
    [offer] = await flows.call("GET", "/api/offers", other)
    assert offer["offer_id"] == committed["assignments"][0]["offer_id"] and offer["why"]["by_hand"] == 1
    late = await flows.client.post(url, json={"member_id": None}, headers=flows.headers[world.dispatcher])
    assert late.status_code == 409 and late.json()["details"]["current_state"] == "committed"


async def test_an_override_keeps_to_the_rules_and_is_priced_like_the_optimisers_choice(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.order_in("open")
    preview = await _round(flows)
    [proposal] = preview["assignments"]
    url = f"/api/rounds/{preview['id']}/assignments/{proposal['id']}/override"
    headers = flows.headers[world.dispatcher]
    for member_id, why in ((world.other_member, "管辖"), (world.resident, "已报到")):
        refused = await client.post(url, json={"member_id": member_id}, headers=headers)
        assert refused.status_code == 400 and refused.json()["field"] == "member_id" and why in refused.json()["message"]
    async with database.transaction() as session:
        await session.execute(update(MemberProfile).where(MemberProfile.account_id == world.unit_member)
                              .values(categories=["daily_help"]))
    no_category = await client.post(url, json={"member_id": world.unit_member}, headers=headers)
    assert no_category.status_code == 400 and "服务类别" in no_category.json()["message"]
    other = next(m for m in (world.member, world.second_member) if m != proposal["member"]["id"])
    changed = (await client.post(url, json={"member_id": other}, headers=headers)).json()["assignments"][0]
    assert (changed["same_community"], changed["distance_m"], changed["overridden"]) == (True, 0, True)


async def test_taking_an_assignment_out_lists_its_order_as_unserved(client: AsyncTestClient, world: World,
                                                                    database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    preview = await _round(flows)
    [proposal] = preview["assignments"]
    url = f"/api/rounds/{preview['id']}/assignments/{proposal['id']}/override"
    after = await flows.call("POST", url, world.dispatcher, json={"member_id": None})
    assert after["assignments"] == [] and after["assigned_count"] == 0
    assert [(u["order_id"], u["reason"]) for u in after["unserved"]] == [(made.order_id, "removed")]


async def test_a_round_for_a_grid_draws_on_its_communitys_members(client: AsyncTestClient, world: World,
                                                                  database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    run = await flows.call("POST", f"/api/areas/{world.grid}/rounds", world.dispatcher, json={})
    assert run["candidates_count"] == 3 and [a["order_id"] for a in run["assignments"]] == [made.order_id]


async def test_an_assignment_that_became_impossible_is_skipped_with_its_reason(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    preview = await _round(flows)
    await flows.call("POST", f"/api/orders/{made.order_id}/cancel", world.resident, json={"reason": "已自己修好"})
    committed = await flows.call("POST", f"/api/rounds/{preview['id']}/commit", world.dispatcher, json={})
    [assignment] = committed["assignments"]
    assert assignment["offer_id"] is None and "已撤销" in assignment["skipped"]


async def test_two_commits_of_one_preview_at_once_make_one_set_of_offers(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    preview = await _round(flows)
    answers = await asyncio.gather(*(client.post(f"/api/rounds/{preview['id']}/commit", json={},
                                                 headers=flows.headers[world.dispatcher]) for _ in range(2)))
    assert sorted(a.status_code for a in answers) == [200, 409]
    order = await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher)
    assert len(order["assignees"]) == 1


async def test_rounds_and_weights_are_limited_to_the_dispatchers_area(client: AsyncTestClient, world: World,
                                                                      database: Database) -> None:
    flows = await _flows(client, world, database)
    preview = await _round(flows)
    outsider = flows.headers[world.other_dispatcher]
    assert (await client.get(f"/api/rounds/{preview['id']}", headers=outsider)).status_code == 404
    assert (await client.post(f"/api/areas/{world.community}/rounds", json={}, headers=outsider)).status_code == 404
    member = await client.get(f"/api/rounds/{preview['id']}", headers=flows.headers[world.member])
    assert member.status_code == 403


async def test_weights_are_set_within_bounds_and_inherited_below(client: AsyncTestClient, world: World,
                                                                 database: Database) -> None:
    flows = await _flows(client, world, database)
    body = {"distance_per_100m": 2, "fairness_per_order": 8, "outside_community": 50, "unserved_per_urgency": 20000,
            "unserved_per_waiting_hour": 10}
    url = f"/api/areas/{world.community}/dispatch-weights"
    assert (await flows.call("GET", url, world.dispatcher))["set_on_area_id"] is None
    saved = await client.put(url, json=body, headers=flows.headers[world.dispatcher])
    assert saved.status_code == 200 and saved.json()["set_on_area_id"] == world.community
    grid = await flows.call("GET", f"/api/areas/{world.grid}/dispatch-weights", world.dispatcher)
    assert (grid["set_on_area_id"], grid["fairness_per_order"]) == (world.community, 8)
    too_low = await client.put(url, json={**body, "unserved_per_urgency": 5}, headers=flows.headers[world.dispatcher])
    assert too_low.status_code == 400 and too_low.json()["field"] == "unserved_per_urgency"
    assert (await flows.call("GET", url, world.dispatcher))["unserved_per_urgency"] == 20000
    await flows.order_in("open")
    assert (await _round(flows))["weights"]["fairness_per_order"] == 8
    cleared = await client.delete(url, headers=flows.headers[world.dispatcher])
    assert cleared.status_code == 200 and cleared.json()["set_on_area_id"] is None


async def test_http_keeps_answering_while_a_large_round_is_solved(client: AsyncTestClient) -> None:
    solver = client.app.state.solver
    await solver.solve(write_problem(city(20, 1.0, seed=1)))  # the child process is up before the large solve
    large = asyncio.ensure_future(solver.solve(write_problem(city(20_000, 5.0, seed=2))))
    answered = 0
    while not large.done():
        response = await client.get("/health")
        assert response.status_code == 200
        answered += 1
    _, result, _ = await large
    assert result.stats.orders == 20_000 and answered >= 20


async def test_who_let_an_offer_lapse_is_not_offered_the_order_again(client: AsyncTestClient, world: World,
                                                                     database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    run = await _round(flows, dry_run=False)
    [assignment] = run["assignments"]
    async with database.transaction() as session:  # what the expiry job (its own issue) will do
        await session.execute(update(Offer).where(Offer.id == assignment["offer_id"]).values(status="expired"))
        await session.execute(update(Order).where(Order.id == made.order_id).values(status="open"))
    again = await _round(flows)
    assert [a["member"]["id"] for a in again["assignments"]] != [assignment["member"]["id"]]
    assert len(again["assignments"]) == 1


async def test_an_order_whose_time_window_is_over_is_reported_not_dropped(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    async with database.transaction() as session:
        await session.execute(update(Order).where(Order.id == made.order_id).values(
            window_start=START - timedelta(days=3), window_end=START - timedelta(days=1)))
    run = await _round(flows)
    assert run["orders_count"] == 0 and run["assignments"] == []
    assert [(u["order_id"], u["reason"]) for u in run["unserved"]] == [(made.order_id, "window_passed")]


async def test_a_round_and_a_commit_need_no_body(client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.order_in("open")
    headers = flows.headers[world.dispatcher]
    preview = await client.post(f"/api/areas/{world.community}/rounds", headers=headers)
    assert preview.status_code == 201 and preview.json()["status"] == "preview", preview.text
    committed = await client.post(f"/api/rounds/{preview.json()['id']}/commit", headers=headers)
    assert committed.status_code == 200 and committed.json()["status"] == "committed"
