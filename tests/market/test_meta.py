"""GET /api/meta: every code the API uses, with its Chinese name."""

from __future__ import annotations

from litestar.testing import AsyncTestClient


async def test_meta_names_every_code_in_chinese(client: AsyncTestClient) -> None:
    meta = (await client.get("/api/meta")).json()
    assert {"code": "repair", "name": "维修服务"}.items() <= next(c for c in meta["categories"]
                                                              if c["code"] == "repair").items()
    statuses = {s["code"]: s["name"] for s in meta["order_statuses"]}
    assert statuses["submitted"] == "待审核" and statuses["closed"] == "已销号" and len(statuses) == 11
    assert {r["code"] for r in meta["decline_reasons"]} >= {"busy", "too_far"} and meta["wish_budget_cap_yuan"] == 300
    assert all(item["name"] for key in ("order_kinds", "triage_types", "roles") for item in meta[key])
