"""Who may do what to whose object: every route with an object id, against nine kinds of caller.

Outside one's reach an object answers 404 (no existence oracle); within reach but not one's role, 403.
No response carries the resident's full phone unless the caller may see it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from litestar.testing import AsyncTestClient

from market.database import Database
from tests.conftest import SECRET
from tests.market.flows import PNG, Flows, Made
from tests.market.world import World, bearer

CALLERS = ["owner", "assignee", "other_member", "other_resident", "dispatcher", "other_dispatcher", "auditor",
           "admin", "unit_admin"]
OWNER_PHONE = "13800000001"


@dataclass(frozen=True)
class Case:
    method: str
    url: str  # formatted with the Made ids and the world
    state: str
    expected: dict[str, int]
    body: dict | None = None
    multipart: bool = False
    claimable: bool = False
    reopened: bool = False
    sees_phone: frozenset[str] = frozenset({"owner"})
    needs_round: bool = False  # a dispatcher's preview round, for {run_id} and {assignment_id}


def expect(default: int, **overrides: int) -> dict[str, int]:
    return {caller: overrides.get(caller, default) for caller in CALLERS}


STAFF_ONLY = dict(dispatcher=200, admin=200, other_dispatcher=404)
CASES = {
    "read order": Case("GET", "/api/orders/{order_id}", "accepted",
                       expect(404, owner=200, assignee=200, dispatcher=200, auditor=200, admin=200),
                       sees_phone=frozenset({"owner", "assignee"})),
    "read photo": Case("GET", "/api/orders/{order_id}/photos/{photo_id}", "completed",
                       expect(404, owner=200, assignee=200, dispatcher=200, auditor=200, admin=200)),
    "approve": Case("POST", "/api/orders/{order_id}/approve", "submitted", expect(403, **STAFF_ONLY),
                    body={"triage": "general"}),
    "reject": Case("POST", "/api/orders/{order_id}/reject", "submitted", expect(403, **STAFF_ONLY),
                   body={"reason": "不属于服务范围"}),
    "cancel": Case("POST", "/api/orders/{order_id}/cancel", "open",
                   expect(403, owner=200, other_resident=404, **STAFF_ONLY), body={"reason": "已解决"}),
    "offer": Case("POST", "/api/orders/{order_id}/offers", "open",
                  expect(403, dispatcher=201, admin=201, other_dispatcher=404),
                  body={"member_id": "{second_member}"}),
    "claim": Case("POST", "/api/orders/{order_id}/claim", "open", expect(403, assignee=200, other_member=404),
                  claimable=True, sees_phone=frozenset({"owner", "assignee"})),
    "start": Case("POST", "/api/orders/{order_id}/start", "accepted",
                  expect(403, assignee=200, other_member=404, unit_admin=404),
                  sees_phone=frozenset({"owner", "assignee"})),
    "progress": Case("POST", "/api/orders/{order_id}/progress", "in_progress",
                     expect(403, assignee=200, other_member=404, unit_admin=404), body={"note": "在路上"},
                     sees_phone=frozenset({"owner", "assignee"})),
    "complete": Case("POST", "/api/orders/{order_id}/complete", "in_progress",
                     expect(403, assignee=200, other_member=404, unit_admin=404), multipart=True),
    "rate": Case("POST", "/api/orders/{order_id}/rate", "completed", expect(403, owner=200, other_resident=404),
                 body={"stars": 5}),
    "rework": Case("POST", "/api/orders/{order_id}/rework", "confirmed", expect(403, **STAFF_ONLY),
                   body={"note": "返工"}, reopened=True),
    "close": Case("POST", "/api/orders/{order_id}/close", "confirmed", expect(403, **STAFF_ONLY),
                  body={"note": "销号"}),
    "reveal": Case("POST", "/api/orders/{order_id}/reveal", "open", expect(403, **STAFF_ONLY),
                   body={"field": "phone", "reason": "电话回访"}, sees_phone=frozenset({"dispatcher", "admin"})),
    "read offer": Case("GET", "/api/offers/{offer_id}", "offered", expect(403, assignee=200, other_member=404,
                                                                            unit_admin=404)),
    "accept offer": Case("POST", "/api/offers/{offer_id}/accept", "offered",
                         expect(403, assignee=200, other_member=404), sees_phone=frozenset({"owner", "assignee"})),
    "decline offer": Case("POST", "/api/offers/{offer_id}/decline", "offered",
                          expect(403, assignee=200, other_member=404, unit_admin=404), body={"reason": "busy"}),
    "withdraw offer": Case("POST", "/api/offers/{offer_id}/withdraw", "offered", expect(403, **STAFF_ONLY)),
    "unit accept": Case("POST", "/api/offers/{offer_id}/accept-for-unit", "offered", expect(403, unit_admin=200),
                        body={"member_id": "{unit_member}"}, sees_phone=frozenset({"owner", "unit_admin"})),
    "community members": Case("GET", "/api/communities/{community}/members", "submitted",
                              expect(403, dispatcher=200, other_dispatcher=404, auditor=200, admin=200)),
    "unit members": Case("GET", "/api/units/{unit}/members", "submitted", expect(403, unit_admin=200)),
    "confirm member": Case("POST", "/api/units/{unit}/members/{unit_member}/confirm", "submitted",
                           expect(403, unit_admin=200)),
    "unit to community": Case("POST", "/api/units/{unit}/communities", "submitted", expect(403, unit_admin=201),
                              body={"community_id": "{other_community}"}),
    "read unit dispatch profile": Case("GET", "/api/units/{unit}/dispatch-profile", "submitted",
                                      expect(403, unit_admin=200, dispatcher=200, admin=200, other_dispatcher=404)),
    "set unit dispatch profile": Case("PUT", "/api/units/{unit}/dispatch-profile", "submitted",
                                     expect(403, unit_admin=200, admin=200),
                                     body={"categories": ["daily_help"], "round_capacity": 2}),
    "area supervisions": Case("GET", "/api/areas/{community}/supervisions", "open",
                              expect(403, dispatcher=200, admin=200, auditor=200, other_dispatcher=404)),
    "area visit plans": Case("GET", "/api/areas/{community}/visit-plans", "open",
                             expect(403, dispatcher=200, admin=200, auditor=200, other_dispatcher=404)),
    "area visit coverage": Case("GET", "/api/areas/{community}/visit-coverage", "open",
                                expect(403, dispatcher=200, admin=200, auditor=200, other_dispatcher=404)),
    "run a job now": Case("POST", "/api/jobs/auto_close/run", "submitted", expect(403, admin=200)),
    "grant role": Case("POST", "/api/accounts/{second_member}/grants", "submitted", expect(403, admin=201),
                       body={"role": "auditor", "area_id": "{street}"}),
    "deactivate": Case("POST", "/api/accounts/{second_member}/deactivate", "submitted", expect(403, admin=200)),
    "start round": Case("POST", "/api/areas/{community}/rounds", "open",
                        expect(403, dispatcher=201, admin=201, other_dispatcher=404), body={"dry_run": True}),
    "list rounds": Case("GET", "/api/areas/{community}/rounds", "open",
                        expect(403, dispatcher=200, admin=200, auditor=200, other_dispatcher=404)),
    "read round": Case("GET", "/api/rounds/{run_id}", "open",
                       expect(403, dispatcher=200, admin=200, auditor=200, other_dispatcher=404), needs_round=True),
    "commit round": Case("POST", "/api/rounds/{run_id}/commit", "open", expect(403, **STAFF_ONLY),
                         body={"accept_within_minutes": 60},
                         needs_round=True),
    "override": Case("POST", "/api/rounds/{run_id}/assignments/{assignment_id}/override", "open",
                     expect(403, **STAFF_ONLY), body={"member_id": "{other_choice}"}, needs_round=True),
    "clear weights": Case("DELETE", "/api/areas/{community}/dispatch-weights", "open", expect(403, **STAFF_ONLY)),
    "set weights": Case("PUT", "/api/areas/{community}/dispatch-weights", "open", expect(403, **STAFF_ONLY),
                        body={"distance_per_100m": 1, "fairness_per_order": 5, "outside_community": 0,
                              "unserved_per_urgency": 10000, "unserved_per_waiting_hour": 0}),
}


def _callers(world: World) -> dict[str, int]:
    return {"owner": world.resident, "assignee": world.member, "other_member": world.other_member,
            "other_resident": world.other_resident, "dispatcher": world.dispatcher,
            "other_dispatcher": world.other_dispatcher, "auditor": world.auditor, "admin": world.admin,
            "unit_admin": world.unit_admin}


def _fill(value: object, names: dict[str, int]) -> object:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return names[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", sorted(CASES))
async def test_each_caller_gets_what_the_rules_say(name: str, client: AsyncTestClient, world: World,
                                                   database: Database) -> None:
    case = CASES[name]
    callers = _callers(world)
    tokens = await bearer(database, sorted({*callers.values(), world.second_member}), SECRET)
    headers = dict(zip(sorted({*callers.values(), world.second_member}), tokens, strict=True))
    flows = Flows(client, world, headers)
    got: dict[str, int] = {}
    for caller in CALLERS:
        made: Made = await flows.order_in(case.state, claimable=case.claimable, reopened=case.reopened)
        names = {**vars(world), "order_id": made.order_id, "offer_id": made.offer_id or 0,
                 "photo_id": made.photo_id or 0}
        if name == "unit accept":
            names["offer_id"] = await _unit_offer(flows, made)
        if case.needs_round:
            preview = await flows.call("POST", f"/api/areas/{world.community}/rounds", world.dispatcher,
                                       json={"dry_run": True})
            first = preview["assignments"][0]
            names["run_id"], names["assignment_id"] = preview["id"], first["id"]
            names["other_choice"] = next(m for m in (world.member, world.second_member) if m != first["member"]["id"])
        url = case.url.format(**names)
        kwargs: dict = {"json": _fill(case.body, names)} if case.body else {}
        if case.multipart:
            kwargs = {"data": {"note": "已修好"}, "files": {"photos": ("a.png", PNG, "image/png")}}
        response = await client.request(case.method, url, headers=headers[callers[caller]], **kwargs)
        got[caller] = response.status_code
        if OWNER_PHONE in response.text:
            assert caller in case.sees_phone, f"{caller} saw the full phone on {name}"
    assert got == case.expected


async def _unit_offer(flows: Flows, made: Made) -> int:
    """Withdraw the member's offer and offer the slot to the unit instead."""
    w = flows.world
    await flows.call("POST", f"/api/offers/{made.offer_id}/withdraw", w.dispatcher)
    body = await flows.call("POST", f"/api/orders/{made.order_id}/offers", w.dispatcher, json={"unit_id": w.unit})
    return next(a["offer_id"] for a in body["assignees"] if a["unit_id"] == w.unit)

