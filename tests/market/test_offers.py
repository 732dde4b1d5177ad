"""派单 and 接单: declines reopen and exclude, teams fill slot by slot, units name a member, the board."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import update

from market.database import Database
from market.models import MemberProfile, Offer
from tests.market.flows import Flows, signed_in
from tests.market.world import World


async def _flows(client: AsyncTestClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, *[world.resident, world.dispatcher, world.member, world.second_member, world.unit_admin, world.other_member])


async def test_a_decline_sends_the_order_back_to_open_and_excludes_the_member(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")
    declined = await flows.call("POST", f"/api/offers/{made.offer_id}/decline", world.member,
                                json={"reason": "time_conflict", "note": "周末加班"})
    assert declined["status"] == "open" and declined["events"][-1]["note"].startswith("时间冲突")
    again = await client.post(f"/api/orders/{made.order_id}/offers", json={"member_id": world.member},
                              headers=flows.headers[world.dispatcher])
    assert again.status_code == 409 and again.json()["field"] == "member_id"
    other = await flows.call("POST", f"/api/orders/{made.order_id}/offers", world.dispatcher,
                             json={"member_id": world.second_member})
    assert other["status"] == "offered"


async def test_a_team_order_is_accepted_only_when_every_slot_is(client: AsyncTestClient, world: World,
                                                                database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open", headcount=2)
    url = f"/api/orders/{made.order_id}/offers"
    first = await flows.call("POST", url, world.dispatcher, json={"member_id": world.member})
    second = await flows.call("POST", url, world.dispatcher, json={"member_id": world.second_member})
    slots = {a["member"]["id"]: a["offer_id"] for a in second["assignees"]}
    assert first["status"] == "offered" and sorted(a["slot"] for a in second["assignees"]) == [1, 2]
    full = await client.post(url, json={"member_id": world.unit_member}, headers=flows.headers[world.dispatcher])
    assert full.status_code == 409
    half = await flows.call("POST", f"/api/offers/{slots[world.member]}/accept", world.member)
    assert half["status"] == "offered"
    whole = await flows.call("POST", f"/api/offers/{slots[world.second_member]}/accept", world.second_member)
    assert whole["status"] == "accepted"


async def test_a_unit_accepts_and_names_its_member(client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    offered = await flows.call("POST", f"/api/orders/{made.order_id}/offers", world.dispatcher,
                               json={"unit_id": world.unit})
    offer_id = offered["assignees"][0]["offer_id"]
    not_ours = await client.post(f"/api/offers/{offer_id}/accept-for-unit", json={"member_id": world.member},
                                 headers=flows.headers[world.unit_admin])
    assert not_ours.status_code == 400 and not_ours.json()["field"] == "member_id"
    accepted = await flows.call("POST", f"/api/offers/{offer_id}/accept-for-unit", world.unit_admin,
                                json={"member_id": world.unit_member})
    assert accepted["status"] == "accepted" and accepted["assignees"][0]["member"]["id"] == world.unit_member


async def test_a_member_at_capacity_is_never_offered_more(client: AsyncTestClient, world: World,
                                                          database: Database) -> None:
    flows = await _flows(client, world, database)
    async with database.transaction() as session:
        await session.execute(update(MemberProfile).where(MemberProfile.account_id == world.second_member)
                              .values(capacity=1))
    first = await flows.order_in("open")
    second = await flows.order_in("open")
    await flows.call("POST", f"/api/orders/{first.order_id}/offers", world.dispatcher,
                     json={"member_id": world.second_member})
    over = await client.post(f"/api/orders/{second.order_id}/offers", json={"member_id": world.second_member},
                             headers=flows.headers[world.dispatcher])
    assert over.status_code == 409 and "已满" in over.json()["message"]


async def test_the_board_lists_claimable_orders_of_the_members_community_and_categories(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    claimable = await flows.order_in("open", claimable=True)
    await flows.order_in("open", claimable=False)
    board = await flows.call("GET", "/api/board", world.second_member)
    assert [o["id"] for o in board["items"]] == [claimable.order_id]
    elsewhere = await flows.call("GET", "/api/board", world.other_member)
    assert elsewhere["items"] == []
    claimed = await flows.call("POST", f"/api/orders/{claimable.order_id}/claim", world.second_member)
    assert claimed["status"] == "accepted"
    assert (await flows.call("GET", "/api/board", world.member))["items"] == []
    again = await client.post(f"/api/orders/{claimable.order_id}/claim", headers=flows.headers[world.second_member])
    assert again.status_code == 409 and again.json()["details"]["current_state"] == "accepted"


async def test_a_member_sees_why_an_offer_came_to_them(client: AsyncTestClient, world: World,
                                                       database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")
    async with database.transaction() as session:
        await session.execute(update(Offer).where(Offer.id == made.offer_id)
                              .values(explanation={"distance": 7, "outside": 0, "fairness": 20}))
    offers = await flows.call("GET", "/api/offers", world.member)
    assert offers[0]["why"] == {"distance": 7, "outside": 0, "fairness": 20}
    assert offers[0]["order"]["requester"]["phone"] == "138****0001"


async def test_a_bad_rating_reopens_and_the_dispatcher_sends_it_back_for_rework(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("confirmed", reopened=True)
    url = f"/api/orders/{made.order_id}"
    assert (await flows.call("GET", url, world.resident))["status"] == "reopened"
    reworked = await flows.call("POST", f"{url}/rework", world.dispatcher, json={"note": "请再上门处理"})
    assert reworked["status"] == "in_progress"
    await flows.call("POST", f"{url}/complete", world.member, files={"note": (None, "已重新修好")})
    rated = await flows.call("POST", f"{url}/rate", world.resident, json={"stars": 4})
    closed = await flows.call("POST", f"{url}/close", world.dispatcher, json={"note": "销号"})
    assert rated["rating"] == 4 and closed["status"] == "closed"


async def test_a_rejection_reason_reaches_the_resident_and_nothing_more_can_happen(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("submitted")
    await flows.call("POST", f"/api/orders/{made.order_id}/reject", world.dispatcher, json={"reason": "请拨打12345"})
    seen = await flows.call("GET", f"/api/orders/{made.order_id}", world.resident)
    assert seen["status_name"] == "已驳回" and seen["events"][-1]["note"] == "请拨打12345"
    late = await client.post(f"/api/orders/{made.order_id}/approve", json={"triage": "general"},
                             headers=flows.headers[world.dispatcher])
    assert late.status_code == 409 and late.json()["details"]["current_state"] == "rejected"


async def test_cancelling_an_offered_order_frees_the_members_capacity(client: AsyncTestClient, world: World,
                                                                      database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")
    async with database.transaction(write=False) as session:
        assert (await session.get(MemberProfile, world.member)).live_orders == 1
    await flows.call("POST", f"/api/orders/{made.order_id}/cancel", world.resident, json={"reason": "已自行解决"})
    async with database.transaction(write=False) as session:
        assert (await session.get(MemberProfile, world.member)).live_orders == 0
        assert (await session.get(Offer, made.offer_id)).status == "withdrawn"
