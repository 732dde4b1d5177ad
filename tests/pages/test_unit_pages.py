"""The unit admin's page: an order offered to the unit is accepted by naming the member who serves."""

from __future__ import annotations

import httpx

from market.database import Database
from tests.market.flows import signed_in
from tests.market.world import World
from tests.pages.browsing import alerts, sign_in, submit


async def test_a_unit_admin_accepts_an_order_for_the_unit_naming_its_member(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await signed_in(client, world, database, world.resident, world.dispatcher)
    order_id = (await flows.call("POST", "/api/orders", world.resident, json={
        "kind": "service", "category": "repair", "title": "换锁", "description": "门锁坏了"}))["id"]
    await flows.call("POST", f"/api/orders/{order_id}/approve", world.dispatcher, json={"triage": "general"})
    offer = await flows.call("POST", f"/api/orders/{order_id}/offers", world.dispatcher, json={"unit_id": world.unit})
    offer_id = offer["assignees"][0]["offer_id"]
    await sign_in(client, world, world.unit_admin)
    assert (await client.get("/", follow_redirects=False)).headers["location"] == "/unit"
    page = await client.get("/unit")
    assert page.status_code == 200 and "换锁" in page.text and "测试单位" in page.text
    unnamed = await submit(client, "/unit", f"/unit/offers/{offer_id}/accept", {})
    assert unnamed.status_code == 400 and "请选择由哪位党员上门服务" in alerts(unnamed.text)
    done = await submit(client, "/unit", f"/unit/offers/{offer_id}/accept", {"member_id": str(world.unit_member)})
    assert done.status_code == 302
    order = await flows.call("GET", f"/api/orders/{order_id}", world.dispatcher)
    assert order["status"] == "accepted" and order["assignees"][0]["member"]["id"] == world.unit_member
    assert (await client.get("/me")).status_code == 200
