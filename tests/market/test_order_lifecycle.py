"""The whole loop over HTTP: 点单 → 审核 → 派单 → 接单 → 开始 → 办结 → 评价 → 销号, each step an event."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.market.world import WISH, World, login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_an_order_goes_round_the_whole_loop(client: AsyncTestClient, world: World) -> None:
    resident = await login(client, world.login_of(world.resident))
    dispatcher = await login(client, world.login_of(world.dispatcher))
    member = await login(client, world.login_of(world.member))

    posted = await client.post("/api/orders", json=WISH, headers=resident)
    assert posted.status_code == 201, posted.text
    order_id = posted.json()["id"]
    assert posted.json()["status"] == "submitted" and posted.json()["status_name"] == "待审核"

    approved = await client.post(f"/api/orders/{order_id}/approve", json={"triage": "general"}, headers=dispatcher)
    assert approved.json()["status"] == "open" and approved.json()["due_at"] is not None

    offered = await client.post(f"/api/orders/{order_id}/offers", json={"member_id": world.member}, headers=dispatcher)
    assert offered.json()["status"] == "offered", offered.text
    offer_id = offered.json()["assignees"][0]["offer_id"]

    accepted = await client.post(f"/api/offers/{offer_id}/accept", headers=member)
    assert accepted.json()["status"] == "accepted", accepted.text
    assert (await client.post(f"/api/orders/{order_id}/start", headers=member)).json()["status"] == "in_progress"
    await client.post(f"/api/orders/{order_id}/progress", json={"note": "已到现场"}, headers=member)
    completed = await client.post(f"/api/orders/{order_id}/complete", data={"note": "换了开关"},
                                  files={"photos": ("fix.png", PNG, "image/png")}, headers=member)
    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "completed" and len(completed.json()["photo_ids"]) == 1

    rated = await client.post(f"/api/orders/{order_id}/rate", json={"stars": 5, "comment": "谢谢"}, headers=resident)
    assert rated.json()["status"] == "confirmed" and rated.json()["rating"] == 5
    closed = await client.post(f"/api/orders/{order_id}/close", json={"note": "销号"}, headers=dispatcher)
    assert closed.json()["status"] == "closed"
    actions = [e["action"] for e in closed.json()["events"]]
    assert actions == ["post", "approve", "offer", "accept", "start", "progress", "complete", "confirm", "close"]
