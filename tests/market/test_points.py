"""Settlement: what a closed order earns, by whom, under which rules, and the auditors' decisions on it."""

from __future__ import annotations

from datetime import datetime, timedelta

from litestar.testing import AsyncTestClient

from market.clock import ManualClock
from market.database import Database
from market.points.rules import PointRules
from tests.market.flows import PNG, Flows, move_clock, signed_in
from tests.market.points_flows import entries_of, settle, totals_of
from tests.market.world import START, World

LATER = START + timedelta(hours=2)
DEFAULT = PointRules()


async def _flows(client: AsyncTestClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, world.resident, world.dispatcher, world.member, world.auditor,
                           world.admin, world.unit_admin, world.unit_member, world.other_member)


def _on_time_award(stars: int | None, rules: PointRules = DEFAULT) -> int:
    percent = rules.rating_percent[str(stars)] if stars else rules.unrated_percent
    return (rules.base_default + rules.accept_bonus + rules.on_time_bonus) * percent // 100


async def test_a_closed_order_earns_its_member_one_pending_award_under_the_current_rules(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("closed")
    assert await settle(database, LATER) == {"orders_settled": 1, "penalties": 0}
    [award] = await entries_of(database, member_id=world.member)
    assert (award.kind, award.points, award.order_id, award.rule_version) == ("award", _on_time_award(5),
                                                                              made.order_id, 1)
    assert award.source_event_id is not None and award.source_key == f"order:{made.order_id}:member:{world.member}"
    assert await totals_of(database, world.member) == (0, award.points)
    assert await settle(database, LATER) == {"orders_settled": 0, "penalties": 0}
    assert len(await entries_of(database, member_id=world.member)) == 1


async def test_orders_not_yet_closed_earn_nothing(client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.order_in("confirmed")
    await flows.order_in("completed")
    assert await settle(database, LATER) == {"orders_settled": 0, "penalties": 0}
    assert await entries_of(database, member_id=world.member) == []


async def test_a_disputed_order_earns_only_when_the_dispatcher_decides_so_at_closing(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    withheld = await flows.order_in("confirmed", reopened=True)
    refused = await client.post(f"/api/orders/{withheld.order_id}/close", json={"note": "销号"},
                                headers=flows.headers[world.dispatcher])
    assert refused.status_code == 400 and refused.json()["field"] == "award_points"
    await flows.call("POST", f"/api/orders/{withheld.order_id}/close", world.dispatcher,
                     json={"note": "居民不满意", "award_points": False})
    awarded = await flows.order_in("confirmed", reopened=True)
    await flows.call("POST", f"/api/orders/{awarded.order_id}/close", world.dispatcher,
                     json={"note": "已解释清楚", "award_points": True})
    assert (await settle(database, LATER))["orders_settled"] == 2
    [award] = await entries_of(database, member_id=world.member)
    expected = (DEFAULT.base_default + DEFAULT.accept_bonus + DEFAULT.on_time_bonus) * DEFAULT.disputed_award_percent
    assert (award.order_id, award.points) == (awarded.order_id, expected // 100)


async def test_an_order_completed_after_its_due_time_earns_no_on_time_bonus(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("in_progress")
    due_at = datetime.fromisoformat((await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher))["due_at"])
    await move_clock(due_at + timedelta(minutes=1), flows, database, clock)
    for step in ("completed", "confirmed", "closed"):
        await flows._step(made, step, claimable=False, reopened=False)
    await settle(database, due_at + timedelta(hours=1))
    [award] = await entries_of(database, member_id=world.member)
    assert award.points == (DEFAULT.base_default + DEFAULT.accept_bonus) * DEFAULT.rating_percent["5"] // 100


async def _team_order(flows: Flows, world: World, members: list[int]) -> int:
    order_id = (await flows.call("POST", "/api/orders", world.resident, json={
        "kind": "service", "category": "repair", "title": "搬运旧家具", "description": "两个人抬",
        "urgency": 3, "headcount": len(members)}))["id"]
    url = f"/api/orders/{order_id}"
    await flows.call("POST", f"{url}/approve", world.dispatcher, json={"triage": "coordinate"})
    for member in members:
        offer = await flows.call("POST", f"{url}/offers", world.dispatcher, json={"member_id": member})
        offer_id = [a for a in offer["assignees"] if (a["member"] or {}).get("id") == member][0]["offer_id"]
        await flows.call("POST", f"/api/offers/{offer_id}/accept", member)
    await flows.call("POST", f"{url}/start", members[0])
    await flows.call("POST", f"{url}/complete", members[0], data={"note": "搬完了"},
                     files={"photos": ("a.png", PNG, "image/png")})
    await flows.call("POST", f"{url}/rate", world.resident, json={"stars": 4})
    await flows.call("POST", f"{url}/close", world.dispatcher, json={"note": "销号"})
    return order_id


async def test_a_team_shares_the_base_exactly_and_a_members_work_unit_earns_its_share(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    order_id = await _team_order(flows, world, [world.member, world.unit_member])
    await settle(database, LATER)
    base = DEFAULT.base_default * DEFAULT.effort_percent["coordinate"] // 100
    shares = sorted([base // 2 + base % 2, base // 2], reverse=True)
    earned = []
    for member, share in zip(sorted([world.member, world.unit_member]), shares, strict=True):
        [award] = await entries_of(database, member_id=member)
        assert award.points == (share + DEFAULT.accept_bonus + DEFAULT.on_time_bonus) * 110 // 100
        earned.append(award.points)
    [unit_award] = await entries_of(database, unit_id=world.unit)
    member_award = earned[sorted([world.member, world.unit_member]).index(world.unit_member)]
    assert (unit_award.order_id, unit_award.points) == (order_id, member_award * DEFAULT.unit_share_percent // 100)


async def test_a_new_rules_version_applies_to_later_awards_and_earlier_ones_keep_theirs(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.order_in("closed")
    await settle(database, LATER)
    richer = {"base_default": 30, "daily_cap": 0}
    made = await flows.call("POST", "/api/points/rules", world.admin, json={"rules": richer, "note": "提高基础分"})
    assert made["version"] == 2 and made["rules"]["base_default"] == 30
    await flows.order_in("closed")
    await settle(database, LATER)
    first, second = await entries_of(database, member_id=world.member)
    assert (first.rule_version, second.rule_version) == (1, 2)
    assert second.points == _on_time_award(5, PointRules(base_default=30))
    versions = await flows.call("GET", "/api/points/rules/versions", world.auditor)
    assert [v["version"] for v in versions] == [2, 1] and versions[1]["rules"]["base_default"] == 10


async def test_bad_rules_are_refused_naming_the_field_and_no_version_is_written(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    cases = [({"base_by_category": {"no_such": 5}}, "rules.base_by_category"),
             ({"stars": {"bands": [90, 80, 70, 60, 50]}}, "rules.stars.bands"),
             ({"effort_percent": {"urgent": 100}}, "rules.effort_percent"),
             ({"daily_cap": -1}, "rules.daily_cap")]
    for rules, field in cases:
        response = await client.post("/api/points/rules", json={"rules": rules, "note": "试试"},
                                     headers=flows.headers[world.admin])
        assert response.status_code == 400 and response.json()["field"] == field, response.text
    assert [v["version"] for v in await flows.call("GET", "/api/points/rules/versions", world.auditor)] == [1]
    forbidden = await client.post("/api/points/rules", json={"rules": {}, "note": "x"},
                                  headers=flows.headers[world.auditor])
    assert forbidden.status_code == 403


async def test_an_auditor_posts_or_voids_a_pending_award_exactly_once(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.order_in("closed")
    await flows.order_in("closed")
    await settle(database, LATER)
    queue = await flows.call("GET", "/api/points/entries", world.auditor)
    first, second = [e["id"] for e in queue["items"]]
    assert queue["total"] == 2 and {e["status"] for e in queue["items"]} == {"pending"}
    posted = await flows.call("POST", f"/api/points/entries/{first}/post", world.auditor, json={"note": "核实"})
    assert (posted["status"], posted["status_name"]) == ("posted", "已入账")
    voided = await flows.call("POST", f"/api/points/entries/{second}/void", world.auditor, json={"note": "重复"})
    assert voided["status"] == "voided"
    for entry_id, action in ((first, "void"), (second, "post"), (first, "post")):
        again = await client.post(f"/api/points/entries/{entry_id}/{action}", json={"note": "再来"},
                                  headers=flows.headers[world.auditor])
        assert again.status_code == 409
    assert await totals_of(database, world.member) == (posted["points"], 0)


async def test_a_posted_award_is_reversed_once_and_the_balance_follows(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.order_in("closed")
    await settle(database, LATER)
    [entry] = (await flows.call("GET", "/api/points/entries", world.auditor))["items"]
    unposted = await client.post(f"/api/points/entries/{entry['id']}/reverse", json={"reason": "未上门"},
                                 headers=flows.headers[world.auditor])
    assert unposted.status_code == 409
    await flows.call("POST", f"/api/points/entries/{entry['id']}/post", world.auditor)
    reversal = await flows.call("POST", f"/api/points/entries/{entry['id']}/reverse", world.auditor,
                                json={"reason": "居民反映未上门"})
    assert (reversal["kind"], reversal["points"]) == ("reversal", -entry["points"])
    again = await client.post(f"/api/points/entries/{entry['id']}/reverse", json={"reason": "再冲"},
                              headers=flows.headers[world.auditor])
    assert again.status_code == 409
    assert await totals_of(database, world.member) == (0, 0)
    history = await flows.call("GET", "/api/points/me", world.member)
    # The member's history: the award (now reversed) and its reversal; the audit's post entry is the award's status.
    assert [(e["kind"], e["status"]) for e in history["entries"]["items"]] == [("reversal", "recorded"),
                                                                              ("award", "reversed")]


async def test_awards_over_the_daily_cap_wait_for_an_auditor_one_by_one(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.call("POST", "/api/points/rules", world.admin, json={"rules": {"daily_cap": 20}, "note": "上限 20"})
    for _ in range(3):
        await flows.order_in("closed")
    await settle(database, LATER)
    entries = await entries_of(database, member_id=world.member)
    running = [sum(e.points for e in entries[:n + 1]) for n in range(len(entries))]
    assert [e.needs_review for e in entries] == [total > 20 for total in running]
    bulk = await flows.call("POST", "/api/points/approve", world.auditor, json={"area_id": world.street})
    flagged = sum(e.needs_review for e in entries)
    assert (bulk["posted"], bulk["left_for_review"], bulk["more"]) == (len(entries) - flagged, flagged, False)
    review = await flows.call("GET", "/api/points/entries?needs_review=true", world.auditor)
    assert review["total"] == flagged >= 1
    await flows.call("POST", f"/api/points/entries/{review['items'][0]['id']}/post", world.auditor,
                     json={"note": "逐条核实"})
    assert (await totals_of(database, world.member))[1] == sum(e.points for e in entries if e.needs_review) \
        - review["items"][0]["points"]


async def test_bulk_approval_keeps_to_its_filter_and_the_auditors_areas(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.order_in("closed")
    await settle(database, LATER)
    outside = await client.post("/api/points/approve", json={"area_id": world.city},
                                headers=flows.headers[world.auditor])
    assert outside.status_code == 404
    narrow = await flows.call("POST", "/api/points/approve", world.auditor,
                              json={"area_id": world.street, "kind": "penalty"})
    assert narrow["posted"] == 0
    bulk = await flows.call("POST", "/api/points/approve", world.auditor, json={"area_id": world.community})
    assert bulk["posted"] == 1
    assert (await flows.call("GET", "/api/points/entries", world.auditor))["total"] == 0


async def test_a_spot_check_samples_from_the_filtered_queue(client: AsyncTestClient, world: World,
                                                             database: Database) -> None:
    flows = await _flows(client, world, database)
    for _ in range(3):
        await flows.order_in("closed")
    await settle(database, LATER)
    everything = {e["id"] for e in (await flows.call("GET", "/api/points/entries", world.auditor))["items"]}
    sample = await flows.call("GET", "/api/points/entries?sample=2", world.auditor)
    assert len(sample["items"]) == 2 and {e["id"] for e in sample["items"]} <= everything
    assert sample["total"] == 3


async def test_each_sees_only_their_own_points(client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await _team_order(flows, world, [world.member, world.unit_member])
    await settle(database, LATER)
    mine = await flows.call("GET", "/api/points/me", world.member)
    assert mine["holder"]["id"] == world.member and mine["holder"]["pending"] > 0
    assert {e["holder"] for e in mine["entries"]["items"]} == {mine["holder"]["name"]}
    stranger = await flows.call("GET", "/api/points/me", world.other_member)
    assert (stranger["holder"]["point_account_id"], stranger["entries"]["total"]) == (None, 0)
    unit = await flows.call("GET", f"/api/units/{world.unit}/points", world.unit_admin)
    assert unit["holder"]["kind"] == "unit" and unit["entries"]["total"] == 1
    assert (await client.get(f"/api/units/{world.unit}/points", headers=flows.headers[world.member])).status_code == 403
    holders = await flows.call("GET", "/api/points/accounts", world.auditor)
    assert {h["id"] for h in holders["items"]} == {world.member, world.unit_member, world.unit}
    account = holders["items"][0]["point_account_id"]
    assert (await client.get(f"/api/points/accounts/{account}", headers=flows.headers[world.member])).status_code \
        == 403
    assert (await client.get("/api/points/entries", headers=flows.headers[world.dispatcher])).status_code == 403


async def test_lapsed_offers_beyond_the_monthly_allowance_cost_points_once(
        client: AsyncTestClient, world: World, database: Database) -> None:
    from market.orders.expiry import expire_offers

    flows = await _flows(client, world, database)
    offers = []
    for _ in range(DEFAULT.lapse_allowance_per_month + 2):
        made = await flows.order_in("offered")
        offers.append(made.offer_id)
    expired_at = START + timedelta(days=2)
    assert (await expire_offers(database, expired_at))["expired"] == len(offers)
    assert (await settle(database, expired_at))["penalties"] == 2
    assert (await settle(database, expired_at))["penalties"] == 0
    penalties = await entries_of(database, member_id=world.member)
    assert [(e.kind, e.points) for e in penalties] == [("penalty", -DEFAULT.lapse_penalty)] * 2
    assert sorted(e.offer_id for e in penalties) == sorted(offers)[-2:]


async def test_the_points_ledger_exports_every_entry_of_the_area_with_chinese_headers(
        client: AsyncTestClient, world: World, database: Database) -> None:
    import csv
    import io

    flows = await _flows(client, world, database)
    await _team_order(flows, world, [world.member, world.unit_member])
    await settle(database, LATER)
    await flows.call("POST", "/api/points/approve", world.auditor, json={"area_id": world.street})
    response = await client.get("/api/exports/points", params={"area_id": world.street, "format": "csv",
                                                              "date_from": "2026-11-01", "date_to": "2026-11-30"},
                                headers=flows.headers[world.auditor])
    assert response.status_code == 200, response.text
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    assert header[:6] == ["编号", "记账时间", "持有方", "名称", "记录类型", "积分"]
    awards = [r for r in rows if r[4] == "服务积分"]
    posts = [r for r in rows if r[4] == "审核入账"]
    assert len(awards) == len(posts) == 3 and {r[6] for r in awards} == {"已入账"}
    assert sorted(r[2] for r in awards) == ["党员", "党员", "单位"]
    balances = [(await totals_of(database, m))[0] for m in (world.member, world.unit_member)]
    assert sum(int(r[5]) for r in posts if r[2] == "党员") == sum(balances)
    dispatcher = await client.get("/api/exports/points", params={"area_id": world.community, "format": "csv",
                                                                "date_from": "2026-11-01", "date_to": "2026-11-30"},
                                  headers=flows.headers[world.dispatcher])
    assert dispatcher.status_code == 403


async def test_a_new_version_changes_only_what_it_names(client: AsyncTestClient, world: World,
                                                        database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.call("POST", "/api/points/rules", world.admin, json={"rules": {"daily_cap": 20}, "note": "上限 20"})
    made = await flows.call("POST", "/api/points/rules", world.admin, json={
        "rules": {"effort_percent": {"general": 110}, "stars": {"notice_days": 5}}, "note": "一般类提高"})
    rules = made["rules"]
    assert rules["daily_cap"] == 20  # kept from the version before, not reset to the default
    assert rules["effort_percent"] == {**DEFAULT.effort_percent, "general": 110}
    assert (rules["stars"]["notice_days"], rules["stars"]["bands"]) == (5, DEFAULT.stars.bands)
    unknown = await client.post("/api/points/rules", json={"rules": {"foo": 1}, "note": "x"},
                                headers=flows.headers[world.admin])
    assert (unknown.status_code, unknown.json()["field"]) == (400, "rules.foo")
    negative = await client.post("/api/points/rules", json={"rules": {"base_by_category": {"repair": -5}}, "note": "x"},
                                 headers=flows.headers[world.admin])
    assert (negative.status_code, negative.json()["field"]) == (400, "rules.base_by_category")


async def test_a_units_own_order_earns_the_unit_in_full_and_the_member_it_named(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    order_id = (await flows.call("POST", "/api/orders", world.resident, json={
        "kind": "service", "category": "repair", "title": "换锁", "description": "门锁坏了"}))["id"]
    url = f"/api/orders/{order_id}"
    await flows.call("POST", f"{url}/approve", world.dispatcher, json={"triage": "general"})
    offer = (await flows.call("POST", f"{url}/offers", world.dispatcher, json={"unit_id": world.unit}))
    offer_id = offer["assignees"][0]["offer_id"]
    await flows.call("POST", f"/api/offers/{offer_id}/accept-for-unit", world.unit_admin,
                     json={"member_id": world.unit_member})
    await flows.call("POST", f"{url}/start", world.unit_member)
    await flows.call("POST", f"{url}/complete", world.unit_member, data={"note": "换好了"},
                     files={"photos": ("a.png", PNG, "image/png")})
    await flows.call("POST", f"{url}/rate", world.resident, json={"stars": 5})
    await flows.call("POST", f"{url}/close", world.dispatcher, json={"note": "销号"})
    await settle(database, LATER)
    [member_award] = await entries_of(database, member_id=world.unit_member)
    [unit_award] = await entries_of(database, unit_id=world.unit)
    assert member_award.points == unit_award.points == _on_time_award(5)
    assert unit_award.source_key == f"order:{order_id}:unit:{world.unit}"
