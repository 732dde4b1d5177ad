"""Star ratings: scores from the period's figures, 公示, objections upheld with a recomputation, final."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.testing import AsyncTestClient

from market.clock import ManualClock
from market.database import Database
from market.points.rules import PointRules, StarRules
from market.ratings.scoring import Figures, score, stars
from tests.market.flows import Flows, move_clock, signed_in
from tests.market.points_flows import settle
from tests.market.world import START, World

DEFAULT = StarRules()
NEW_YEAR = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 2027-01-01 00:00 in Shanghai: 2026 has ended


def test_the_score_weighs_each_part_in_whole_numbers() -> None:
    # points 50/100 → 500‰, completion 3/4 → 750‰, on time 2/3 → 666‰, satisfied 1/2 → 500‰
    figures = Figures(points=50, taken=4, completed=3, on_time=2, rated=2, satisfied=1)
    assert score(figures, DEFAULT) == (40 * 500 + 20 * 750 + 20 * 666 + 20 * 500) // 100


def test_stars_follow_the_bands_at_their_edges() -> None:
    assert [stars(s, DEFAULT) for s in (599, 600, 699, 700, 800, 900, 959, 960, 1000)] == [0, 1, 1, 2, 3, 4, 4, 5, 5]
    assert stars(700, StarRules(bands=[10, 20, 30, 40, 50])) == 5


def test_nobody_rated_counts_the_configured_satisfaction_and_nothing_taken_counts_nothing() -> None:
    idle = Figures(0, 0, 0, 0, 0, 0)
    assert score(idle, DEFAULT) == 20 * DEFAULT.unrated_satisfaction * 10 // 100
    assert score(Figures(10_000, 1, 1, 1, 1, 1), DEFAULT) == 1000


async def _served(client: AsyncTestClient, world: World, database: Database, count: int) -> Flows:
    flows = await signed_in(client, world, database, world.resident, world.dispatcher, world.member, world.auditor,
                            world.admin, world.unit_admin, world.second_member, world.other_dispatcher)
    for _ in range(count):
        await flows.order_in("closed")
    await settle(database, START + timedelta(hours=1))
    return flows


async def _post_all(flows: Flows, world: World) -> None:
    await flows.call("POST", "/api/points/approve", world.auditor, json={"area_id": world.street})


async def test_a_run_rates_every_member_and_unit_of_the_area_from_the_periods_figures(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _served(client, world, database, count=2)
    await _post_all(flows, world)
    points = (await flows.call("GET", "/api/points/me", world.member))["holder"]["balance"]
    run = await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.street,
                                                                             "period": "2026Q4"})
    assert (run["run"]["status"], run["run"]["period_start"], run["run"]["period_end"]) == (
        "draft", "2026-10-01", "2026-12-31")
    rows = {(r["holder_kind"], r["holder_id"]): r for r in run["rows"]}
    assert set(rows) == {("member", m) for m in (world.member, world.second_member, world.other_member,
                                                world.unit_member)} | {("unit", world.unit)}
    mine = rows[("member", world.member)]
    figures = Figures(points, 2, 2, 2, 2, 2)
    assert [mine[k] for k in ("points", "taken", "completed", "on_time", "rated", "satisfied")] == [points, 2, 2, 2, 2, 2]
    assert (mine["score"], mine["stars"]) == (score(figures, DEFAULT) / 10, stars(score(figures, DEFAULT), DEFAULT))
    idle = rows[("member", world.second_member)]
    assert (idle["taken"], idle["points"], idle["stars"]) == (0, 0, 0)
    quiet = await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.street,
                                                                               "period": "2026Q3"})
    assert {r["taken"] for r in quiet["rows"]} == {0}


async def test_recomputing_from_the_same_data_gives_the_same_result(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _served(client, world, database, count=2)
    await _post_all(flows, world)
    first = await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.street,
                                                                               "period": "2026"})
    again = await flows.call("POST", f"/api/star-ratings/{first['run']['id']}/recompute", world.auditor)
    assert again["run"]["digest"] == first["run"]["digest"]
    strip = [{k: v for k, v in r.items() if k != "id"} for r in first["rows"]]
    assert [{k: v for k, v in r.items() if k != "id"} for r in again["rows"]] == strip
    await flows.order_in("closed")
    await settle(database, START + timedelta(hours=1))
    await _post_all(flows, world)
    changed = await flows.call("POST", f"/api/star-ratings/{first['run']['id']}/recompute", world.auditor)
    assert changed["run"]["digest"] != first["run"]["digest"]


async def test_bad_requests_name_the_field(client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await _served(client, world, database, count=0)
    for body, status, field in (({"area_id": world.street, "period": "2026Q5"}, 400, "period"),
                                ({"area_id": world.street, "period": "2027"}, 400, "period"),
                                ({"area_id": world.street, "period": "next"}, 400, "period"),
                                ({"area_id": 999_999, "period": "2026"}, 404, "area_id")):
        response = await client.post("/api/star-ratings", json=body, headers=flows.headers[world.auditor])
        assert (response.status_code, response.json().get("field")) == (status, field)
    await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.street, "period": "2026"})
    twice = await client.post("/api/star-ratings", json={"area_id": world.street, "period": "2026"},
                              headers=flows.headers[world.auditor])
    assert (twice.status_code, twice.json()["field"]) == (409, "period")
    dispatcher = await client.post("/api/star-ratings", json={"area_id": world.community, "period": "2026"},
                                   headers=flows.headers[world.dispatcher])
    assert dispatcher.status_code == 403


async def test_notice_objection_upheld_with_a_recomputation_then_final(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    flows = await _served(client, world, database, count=2)
    run = await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.street,
                                                                             "period": "2026"})
    run_id = run["run"]["id"]
    assert await flows.call("GET", "/api/star-ratings/mine", world.member) == []
    early = await client.post(f"/api/star-ratings/{run_id}/publish", headers=flows.headers[world.auditor])
    assert early.status_code == 409 and "结束后才能公示" in early.json()["message"]
    await move_clock(NEW_YEAR, flows, database, clock)
    published = await flows.call("POST", f"/api/star-ratings/{run_id}/publish", world.auditor)
    notice_ends = datetime.fromisoformat(published["run"]["notice_ends_at"])
    assert published["run"]["status"] == "notice" and notice_ends == NEW_YEAR + timedelta(
        days=PointRules().stars.notice_days)
    recompute = await client.post(f"/api/star-ratings/{run_id}/recompute", headers=flows.headers[world.auditor])
    assert recompute.status_code == 409
    [mine] = await flows.call("GET", "/api/star-ratings/mine", world.member)
    assert mine["row"]["points"] == 0  # the awards were still pending when the run was computed
    row_id = mine["row"]["id"]
    someone_else = await client.post(f"/api/star-ratings/rows/{row_id}/objections", json={"reason": "不对"},
                                     headers=flows.headers[world.second_member])
    assert someone_else.status_code == 404
    objection = await flows.call("POST", f"/api/star-ratings/rows/{row_id}/objections", world.member,
                                 json={"reason": "两单服务的积分还没审核"})
    twice = await client.post(f"/api/star-ratings/rows/{row_id}/objections", json={"reason": "再提"},
                              headers=flows.headers[world.member])
    assert twice.status_code == 409 and "只能提出一次" in twice.json()["message"]
    await move_clock(notice_ends, flows, database, clock)
    blocked = await client.post(f"/api/star-ratings/{run_id}/finalize", headers=flows.headers[world.auditor])
    assert blocked.status_code == 409 and "异议" in blocked.json()["message"]
    await _post_all(flows, world)
    upheld = await flows.call("POST", f"/api/objections/{objection['id']}/uphold", world.auditor,
                              json={"note": "积分已审核，重算"})
    assert upheld["status"] == "upheld"
    [after] = await flows.call("GET", "/api/star-ratings/mine", world.member)
    balance = (await flows.call("GET", "/api/points/me", world.member))["holder"]["balance"]
    assert after["row"]["points"] == balance > 0 and after["row"]["score"] > mine["row"]["score"]
    assert upheld["stars_after"] == after["row"]["stars"]
    again = await client.post(f"/api/objections/{objection['id']}/dismiss", json={"note": "再处理"},
                              headers=flows.headers[world.auditor])
    assert again.status_code == 409
    final = await flows.call("POST", f"/api/star-ratings/{run_id}/finalize", world.auditor)
    assert (final["run"]["status"], final["run"]["status_name"]) == ("final", "已定级")
    late = await client.post(f"/api/star-ratings/rows/{row_id}/objections", json={"reason": "晚了"},
                             headers=flows.headers[world.member])
    assert late.status_code == 409


async def test_the_notice_must_run_its_days_before_final(client: AsyncTestClient, world: World,
                                                         database: Database, clock: ManualClock) -> None:
    flows = await _served(client, world, database, count=0)
    run = await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.street,
                                                                             "period": "2026"})
    early = await client.post(f"/api/star-ratings/{run['run']['id']}/finalize", headers=flows.headers[world.auditor])
    assert early.status_code == 409
    await move_clock(NEW_YEAR, flows, database, clock)
    await flows.call("POST", f"/api/star-ratings/{run['run']['id']}/publish", world.auditor)
    early = await client.post(f"/api/star-ratings/{run['run']['id']}/finalize", headers=flows.headers[world.auditor])
    assert early.status_code == 409 and "公示期未满" in early.json()["message"]


async def test_runs_are_seen_only_within_ones_areas(client: AsyncTestClient, world: World,
                                                    database: Database) -> None:
    flows = await _served(client, world, database, count=0)
    run = await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.community,
                                                                             "period": "2026"})
    assert [r["id"] for r in await flows.call("GET", "/api/star-ratings", world.dispatcher)] == [run["run"]["id"]]
    assert await flows.call("GET", "/api/star-ratings", world.other_dispatcher) == []
    hidden = await client.get(f"/api/star-ratings/{run['run']['id']}", headers=flows.headers[world.other_dispatcher])
    assert hidden.status_code == 404


async def test_the_star_ratings_export_lists_every_row_of_the_runs_in_range(
        client: AsyncTestClient, world: World, database: Database) -> None:
    import csv
    import io

    flows = await _served(client, world, database, count=1)
    await _post_all(flows, world)
    run = await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.street,
                                                                             "period": "2026Q4"})
    await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.street, "period": "2025"})
    response = await client.get("/api/exports/star_ratings", params={
        "area_id": world.street, "format": "csv", "date_from": "2026-01-01", "date_to": "2026-12-31"},
        headers=flows.headers[world.auditor])
    assert response.status_code == 200, response.text
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    assert header[:5] == ["评定周期", "区域", "评定状态", "持有方", "名称"]
    assert {r[0] for r in rows} == {"2026Q4"} and len(rows) == len(run["rows"])
    expected = {r["name"]: ("★" * r["stars"] or "未评星", str(r["points"])) for r in run["rows"]}
    assert {r[4]: (r[12], r[5]) for r in rows} == expected


async def test_an_area_nobody_reported_to_rates_nobody(client: AsyncTestClient, world: World,
                                                       database: Database) -> None:
    flows = await _served(client, world, database, count=0)
    run = await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.grid, "period": "2026"})
    assert (run["run"]["status"], run["rows"]) == ("draft", [])
