"""点单: what residents and dispatchers may post, and a retried post making one order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from market.database import Database
from market.models import Order, OrderEvent
from tests.conftest import SECRET
from tests.market.world import WISH, World, bearer


async def _count_orders(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return await session.scalar(select(func.count()).select_from(Order)) or 0


async def test_a_retried_post_with_the_same_key_makes_one_order(client: AsyncTestClient, world: World,
                                                               database: Database) -> None:
    [resident] = await bearer(database, [world.resident], SECRET)
    keyed = {**resident, "Idempotency-Key": "wish-2026-11-23-1"}
    first = await client.post("/api/orders", json=WISH, headers=keyed)
    retry = await client.post("/api/orders", json=WISH, headers=keyed)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert first.json() == retry.json()  # the retry is answered as the first try was
    other = await client.post("/api/orders", json=WISH, headers={**resident, "Idempotency-Key": "another"})
    assert other.status_code == 201 and await _count_orders(database) == 2


async def test_twenty_simultaneous_retries_make_one_order(client: AsyncTestClient, world: World,
                                                          database: Database) -> None:
    [resident] = await bearer(database, [world.resident], SECRET)
    keyed = {**resident, "Idempotency-Key": "flaky-network"}
    responses = await asyncio.gather(*(client.post("/api/orders", json=WISH, headers=keyed) for _ in range(20)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    async with database.transaction(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1
        assert await session.scalar(select(func.count()).select_from(OrderEvent)) == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "wish", "budget_yuan": 301}, "budget_yuan"),
    ({"kind": "wish"}, "budget_yuan"),
    ({"budget_yuan": 50}, "budget_yuan"),
    ({"category": "nonsense"}, "category"),
    ({"skills": ["juggling"]}, "skills"),
    ({"urgency": 9}, "urgency"),
    ({"headcount": 0}, "headcount"),
    ({"window_start": "2026-11-24T10:00:00+08:00", "window_end": "2026-11-24T09:00:00+08:00"}, "window_end"),
    ({"window_start": "2026-11-24T10:00:00"}, "window_start"),
    ({"grid_id": 999_999}, "grid_id"),
    ({"priority": "high"}, "priority"),
])
async def test_a_bad_post_names_the_field_and_writes_nothing(client: AsyncTestClient, world: World,
                                                            database: Database, change: dict, field: str) -> None:
    [resident] = await bearer(database, [world.resident], SECRET)
    response = await client.post("/api/orders", json={**WISH, **change}, headers=resident)
    assert response.status_code == 400 and response.json()["field"] == field, response.text
    assert await _count_orders(database) == 0


async def test_a_wish_within_the_budget_cap_is_taken(client: AsyncTestClient, world: World, database: Database) -> None:
    [resident] = await bearer(database, [world.resident], SECRET)
    response = await client.post("/api/orders", json={**WISH, "kind": "wish", "category": "goods_wish",
                                                      "budget_yuan": 300}, headers=resident)
    assert response.status_code == 201 and response.json()["budget_yuan"] == 300
    assert response.json()["kind_name"] == "微心愿" and response.json()["address"] == "和平路12号3幢2单元1203室"


async def test_a_dispatcher_records_a_problem_for_nobody_in_their_area(client: AsyncTestClient, world: World,
                                                                       database: Database) -> None:
    [dispatcher] = await bearer(database, [world.dispatcher], SECRET)
    problem = {"source": "grid_patrol", "category": "sanitation", "title": "楼道堆物", "description": "3单元楼道堆满纸箱",
               "address": "和平路12号3幢"}
    mine = await client.post("/api/orders/problems", json={**problem, "grid_id": world.grid}, headers=dispatcher)
    assert mine.status_code == 201 and mine.json()["kind"] == "issue" and mine.json()["requester"] is None
    elsewhere = await client.post("/api/orders/problems", json={**problem, "grid_id": world.other_grid},
                                  headers=dispatcher)
    assert elsewhere.status_code == 400 and elsewhere.json()["field"] == "grid_id"


async def test_lists_filter_sort_and_paginate_within_what_the_caller_sees(client: AsyncTestClient, world: World,
                                                                          database: Database) -> None:
    resident, other, dispatcher = await bearer(database, [world.resident, world.other_resident, world.dispatcher],
                                               SECRET)
    for urgency in (1, 5, 3):
        await client.post("/api/orders", json={**WISH, "urgency": urgency}, headers=resident)
    await client.post("/api/orders", json=WISH, headers=other)
    mine = (await client.get("/api/orders", params={"sort": "-urgency", "limit": 2}, headers=resident)).json()
    assert mine["total"] == 3 and [o["urgency"] for o in mine["items"]] == [5, 3]
    rest = (await client.get("/api/orders", params={"sort": "-urgency", "limit": 2, "offset": 2}, headers=resident))
    assert [o["urgency"] for o in rest.json()["items"]] == [1]
    staff = (await client.get("/api/orders", params={"area_id": world.community, "status": ["submitted"]},
                              headers=dispatcher)).json()
    assert staff["total"] == 3  # the other resident's order lies in another community
    too_many = await client.get("/api/orders", params={"limit": 101}, headers=resident)
    assert too_many.status_code == 400 and too_many.json()["field"] == "limit"


async def test_a_draft_is_checked_without_being_saved(client: AsyncTestClient, world: World,
                                                      database: Database) -> None:
    [resident] = await bearer(database, [world.resident], SECRET)
    fine = await client.post("/api/orders/check", json={**WISH, "kind": "wish", "budget_yuan": 100}, headers=resident)
    over = await client.post("/api/orders/check", json={**WISH, "kind": "wish", "budget_yuan": 1000},
                             headers=resident)
    assert fine.json() == {"ok": True} and over.status_code == 400 and over.json()["field"] == "budget_yuan"
    assert await _count_orders(database) == 0


async def test_posts_written_together_fail_alone(client: AsyncTestClient, world: World, database: Database) -> None:
    resident, other = await bearer(database, [world.resident, world.other_resident], SECRET)
    bodies = [(WISH, resident), ({**WISH, "category": "nonsense"}, other), ({**WISH, "urgency": 5}, other),
              ({**WISH, "skills": ["juggling"]}, resident), (WISH, resident)]
    responses = await asyncio.gather(*(client.post("/api/orders", json=body, headers=h) for body, h in bodies))
    assert [r.status_code for r in responses] == [201, 400, 201, 400, 201]
    assert [r.json().get("field") for r in responses] == [None, "category", None, "skills", None]
    assert len({r.json()["id"] for r in responses if r.status_code == 201}) == 3
    assert await _count_orders(database) == 3
    detail = await client.get(f"/api/orders/{responses[0].json()['id']}", headers=resident)
    assert detail.json() == responses[0].json()  # the answer built from the write equals a read back


async def test_a_wish_for_a_time_already_over_is_refused_naming_the_window(client, world, database) -> None:  # noqa: ANN001
    from tests.market.flows import signed_in
    from tests.market.world import START

    flows = await signed_in(client, world, database, world.resident)
    over = {"kind": "wish", "category": "goods_wish", "title": "想要书包", "description": "旧的破了", "budget_yuan": 50,
            "window_start": (START - timedelta(days=3)).isoformat(), "window_end": (START - timedelta(days=2)).isoformat()}
    for url in ("/api/orders", "/api/orders/check"):
        response = await client.post(url, json=over, headers=flows.headers[world.resident])
        assert (response.status_code, response.json()["field"]) == (400, "window_end"), url
        assert "已经过去" in response.json()["message"]
    ahead = {**over, "window_start": START.isoformat(), "window_end": (START + timedelta(days=1)).isoformat()}
    assert (await client.post("/api/orders", json=ahead, headers=flows.headers[world.resident])).status_code == 201
