"""One's inbox (站内消息): newest first, unread counted, marked read one by one or all; nobody else's."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from market.database import Database
from market.notifications.service import Note, notify
from market.vocab import NotificationKind
from tests.conftest import SECRET
from tests.market.flows import signed_in
from tests.market.world import START, World, bearer


def _note(recipient: int, key: str) -> Note:
    return Note(recipient, NotificationKind.OFFER_EXPIRED, "派单已超时", f"正文 {key}", None, key)


async def test_an_event_notifies_each_recipient_once_however_often_it_is_handled(world: World,
                                                                                  database: Database) -> None:
    async with database.transaction() as session:
        assert await notify(session, [_note(world.member, "e:1:m"), _note(world.resident, "e:1:r")], START) == 2
    async with database.transaction() as session:
        assert await notify(session, [_note(world.member, "e:1:m"), _note(world.member, "e:2:m")], START) == 1


async def test_the_resident_hears_when_their_order_is_taken_and_when_it_is_done(
        client: AsyncTestClient, world: World, database: Database) -> None:
    ids = [world.resident, world.dispatcher, world.member]
    flows = await signed_in(client, world, database, *ids)
    made = await flows.order_in("accepted")
    inbox = await flows.call("GET", "/api/notifications", world.resident)
    assert [(n["kind"], n["order_id"]) for n in inbox["items"]] == [("order_accepted", made.order_id)]
    await flows.order_in("completed")
    kinds = [n["kind"] for n in (await flows.call("GET", "/api/notifications", world.resident))["items"]]
    assert kinds == ["order_completed", "order_accepted", "order_accepted"]


async def test_the_inbox_lists_counts_and_marks_read(client: AsyncTestClient, world: World,
                                                     database: Database) -> None:
    [mine, theirs] = await bearer(database, [world.member, world.second_member], SECRET)
    async with database.transaction() as session:
        await notify(session, [_note(world.member, f"e:{n}:m") for n in range(3)]
                     + [_note(world.second_member, "e:0:s")], START)
    inbox = (await client.get("/api/notifications", headers=mine)).json()
    assert [n["body"] for n in inbox["items"]] == ["正文 e:2:m", "正文 e:1:m", "正文 e:0:m"]
    assert (inbox["total"], inbox["unread"], inbox["items"][0]["kind_name"]) == (3, 3, "派单超时")

    first = inbox["items"][-1]["id"]
    read = await client.post(f"/api/notifications/{first}/read", headers=mine)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = (await client.get("/api/notifications", params={"unread_only": "true"}, headers=mine)).json()
    assert (unread["total"], unread["unread"]) == (2, 2)
    assert (await client.post(f"/api/notifications/{first}/read", headers=theirs)).status_code == 404

    marked = await client.post("/api/notifications/read-all", headers=mine)
    assert marked.json() == {"marked": 2}
    assert (await client.get("/api/notifications", headers=mine)).json()["unread"] == 0
    assert (await client.get("/api/notifications", headers=theirs)).json()["unread"] == 1
