"""The auditor's pages (组织部门): the points queue, star ratings from draft to final, the KPI dashboard, exports.

Each page is used as a browser without JavaScript would: sign in on the login page, read the CSRF token off
the page that holds the form, send the form URL-encoded, and read what comes back.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import func, select

from market.clock import ManualClock
from market.database import Database
from market.exports.catalogue import REPORTS
from market.models import ExportLog, LedgerEntry, Objection, StarRatingRun
from tests.market.flows import Flows, move_clock, signed_in
from tests.market.points_flows import entries_of, settle, totals_of
from tests.market.world import START, World
from tests.pages.browsing import alerts, browser, csrf_of
from tests.pages.browsing import submit as send

LATER = START + timedelta(hours=1)
QUARTER_OVER = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 2027-01-01 in Shanghai
PAGES = [("/audit/points", "积分审核"), ("/audit/ratings", "星级评定"), ("/audit/kpis", "考核指标"),
         ("/audit/exports", "台账导出")]


async def _flows(client: httpx.AsyncClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, world.resident, world.dispatcher, world.member, world.auditor,
                           world.admin)


async def _awards(client: httpx.AsyncClient, world: World, database: Database, count: int = 1) -> Flows:
    """`count` orders served by the member, closed and settled: one pending award each."""
    flows = await _flows(client, world, database)
    for _ in range(count):
        await flows.order_in("closed")
    await settle(database, LATER)
    return flows


@pytest.mark.parametrize(("path", "heading"), PAGES)
async def test_each_page_renders_in_chinese_for_an_auditor_with_the_menu(
        client: httpx.AsyncClient, world: World, path: str, heading: str) -> None:
    async with browser(client, world.login_of(world.auditor)) as http:
        page = await http.get(path)
    assert page.status_code == 200 and f"<h1>{heading}" in page.text
    assert 'lang="zh-CN"' in page.text and f'href="{path}" aria-current="page"' in page.text


async def test_other_roles_are_refused_and_strangers_are_sent_to_sign_in(client: httpx.AsyncClient,
                                                                         world: World) -> None:
    async with browser(client, world.login_of(world.resident)) as resident, browser(client, world.login_of(world.member)) as member, \
            browser(client, world.login_of(world.dispatcher)) as dispatcher, browser(client, None) as stranger:
        for path, _ in PAGES:
            for http in (resident, member, dispatcher):
                refused = await http.get(path)
                assert refused.status_code == 403 and "没有权限" in refused.text, path
            sent = await stranger.get(path)
            assert sent.status_code in (302, 303) and sent.headers["location"] == f"/login?next={path}"
        posted = await stranger.post("/audit/points/approve", data={"area_id": str(world.street)})
    assert posted.status_code in (302, 303, 403)


async def test_posting_an_award_from_the_queue_puts_it_in_the_members_balance(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await _awards(client, world, database)
    [award] = await entries_of(database, member_id=world.member)
    async with browser(client, world.login_of(world.auditor)) as http:
        queue = await http.get("/audit/points")
        assert f'id="entry-{award.id}"' in queue.text and "待审核" in queue.text
        done = await send(http, "/audit/points", f"/audit/points/{award.id}/post?status=pending", {"note": "已核实"})
        assert done.status_code in (302, 303)
        assert done.headers["location"] == "/audit/points?status=pending&ok=audit_posted"
        after = await http.get(done.headers["location"])
    assert "已审核入账" in after.text and f'id="entry-{award.id}"' not in after.text
    assert await totals_of(database, world.member) == (award.points, 0)


async def test_voiding_needs_a_note_which_then_takes_the_award_out(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await _awards(client, world, database)
    [award] = await entries_of(database, member_id=world.member)
    async with browser(client, world.login_of(world.auditor)) as http:
        refused = await send(http, "/audit/points", f"/audit/points/{award.id}/void", {"note": ""})
        assert refused.status_code == 400 and "作废须填写原因（审核意见）" in alerts(refused.text)
        assert f'aria-describedby="note-{award.id}-error"' in refused.text
        assert await totals_of(database, world.member) == (0, award.points)
        done = await send(http, "/audit/points", f"/audit/points/{award.id}/void", {"note": "重复登记"})
    assert done.status_code in (302, 303) and "ok=audit_voided" in done.headers["location"]
    assert await totals_of(database, world.member) == (0, 0)
    assert [e.kind for e in await entries_of(database, member_id=world.member)] == ["award", "void"]


async def test_reversing_a_posted_award_needs_a_reason_and_writes_a_reversal(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await _awards(client, world, database)
    [award] = await entries_of(database, member_id=world.member)
    async with browser(client, world.login_of(world.auditor)) as http:
        await send(http, "/audit/points", f"/audit/points/{award.id}/post", {})
        refused = await send(http, "/audit/points?status=posted", f"/audit/points/{award.id}/reverse?status=posted",
                             {"reason": ""})
        assert refused.status_code == 400 and "请填写冲正原因" in alerts(refused.text)
        done = await send(http, "/audit/points?status=posted", f"/audit/points/{award.id}/reverse?status=posted",
                          {"reason": "居民反映并未上门"})
        assert done.headers["location"] == "/audit/points?status=posted&ok=audit_reversed"
        twice = await send(http, "/audit/points?status=all", f"/audit/points/{award.id}/reverse?status=all",
                           {"reason": "再冲一次"})
    assert twice.status_code == 409 and "该积分已冲正过" in alerts(twice.text)
    assert [e.kind for e in await entries_of(database, member_id=world.member)] == ["award", "post", "reversal"]
    assert await totals_of(database, world.member) == (0, 0)


async def test_an_unknown_decision_on_an_award_answers_404_and_changes_nothing(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await _awards(client, world, database)
    [award] = await entries_of(database, member_id=world.member)
    async with browser(client, world.login_of(world.auditor)) as http:
        unknown = await send(http, "/audit/points", f"/audit/points/{award.id}/approve", {"note": "?"})
    assert unknown.status_code == 404 and "没有这种审核操作" in unknown.text
    assert [e.kind for e in await entries_of(database, member_id=world.member)] == ["award"]


async def test_bulk_approval_posts_what_the_filter_finds_and_says_how_many_are_left_for_review(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.call("POST", "/api/points/rules", world.admin, json={"rules": {"daily_cap": 20}, "note": "上限 20"})
    for _ in range(3):
        await flows.order_in("closed")
    await settle(database, LATER)
    entries = await entries_of(database, member_id=world.member)
    flagged = [e for e in entries if e.needs_review]
    assert 1 <= len(flagged) < len(entries)
    async with browser(client, world.login_of(world.auditor)) as http:
        done = await send(http, "/audit/points", "/audit/points/approve", {"area_id": str(world.street),
                                                                            "kind": "award"})
        assert done.status_code in (302, 303)
        result = await http.get(done.headers["location"])
        review = await http.get("/audit/points?needs_review=true")
    posted = len(entries) - len(flagged)
    told = f"本次批量入账 <strong>{posted}</strong> 条；另有 <strong>{len(flagged)}</strong> 条超过每日上限"
    assert told in result.text
    assert all(f'id="entry-{e.id}"' in review.text for e in flagged) and "超每日上限" in review.text
    assert await totals_of(database, world.member) == (sum(e.points for e in entries if not e.needs_review),
                                                       sum(e.points for e in flagged))


async def test_bulk_approval_without_an_area_comes_back_with_the_entry_kept(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await _awards(client, world, database)
    async with browser(client, world.login_of(world.auditor)) as http:
        again = await send(http, "/audit/points", "/audit/points/approve", {"note": "月底批量", "kind": "award"})
    assert again.status_code == 400 and "请选择区域" in alerts(again.text)
    assert 'value="月底批量"' in again.text and 'aria-describedby="bulk-area-error"' in again.text
    assert (await totals_of(database, world.member))[0] == 0


async def test_a_spot_check_shows_a_random_sample_of_the_size_asked(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await _awards(client, world, database, count=3)
    async with browser(client, world.login_of(world.auditor)) as http:
        sample = await http.get("/audit/points?status=pending&sample=2")
    assert sample.status_code == 200 and "随机抽查 2 条" in sample.text
    assert len(re.findall(r'<tr id="entry-\d+"', sample.text)) == 2


async def test_bad_filters_come_back_marked_in_chinese_with_the_entry_kept(
        client: httpx.AsyncClient, world: World) -> None:
    async with browser(client, world.login_of(world.auditor)) as http:
        page = await http.get("/audit/points?date_from=2026-13-01&area_id=999999")
    assert page.status_code == 400
    assert "开始日期格式应为 2026-11-01（年-月-日）" in alerts(page.text) and "请选择您负责的区域" in alerts(page.text)
    assert 'value="2026-13-01"' in page.text and 'aria-describedby="date_from-error"' in page.text


async def _objection(flows: Flows, world: World, run_id: int) -> int:
    run = await flows.call("GET", f"/api/star-ratings/{run_id}", world.auditor)
    row = next(r for r in run["rows"] if r["holder_kind"] == "member" and r["holder_id"] == world.member)
    filed = await flows.call("POST", f"/api/star-ratings/rows/{row['id']}/objections", world.member,
                             json={"reason": "11 月的一单没有算进来"})
    return filed["id"]


async def test_a_run_goes_from_draft_through_notice_and_an_upheld_objection_to_final(
        client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock) -> None:
    flows = await _awards(client, world, database)
    await flows.call("POST", "/api/points/approve", world.auditor, json={"area_id": world.street})
    async with browser(client, world.login_of(world.auditor)) as http:
        made = await send(http, "/audit/ratings", "/audit/ratings", {"area_id": str(world.street), "period": "2026q4"})
        assert made.status_code in (302, 303)
        page_url = made.headers["location"].split("?")[0]
        run_id = int(page_url.rsplit("/", 1)[1])
        draft = await http.get(made.headers["location"])
        assert "星级评定草稿已计算" in draft.text and "草稿" in draft.text and "2026Q4" in draft.text
        assert draft.text.count('<tr id="row-') == 5  # four members and the unit of the street
        recomputed = await send(http, page_url, f"{page_url}/recompute", {})
        assert recomputed.headers["location"] == f"{page_url}?ok=audit_run_recomputed"
        too_early = await send(http, page_url, f"{page_url}/publish", {})
        assert too_early.status_code == 409 and "结束后才能公示" in alerts(too_early.text)[0]
    await move_clock(QUARTER_OVER, flows, database, clock)  # a month later: the login session has run out too
    async with browser(client, world.login_of(world.auditor)) as http:
        published = await send(http, page_url, f"{page_url}/publish", {})
        assert "公示中" in (await http.get(published.headers["location"])).text
        objection_id = await _objection(flows, world, run_id)
        early = await send(http, page_url, f"{page_url}/finalize", {})
        assert early.status_code == 409 and "公示期未满，不能定级" in alerts(early.text)
        await move_clock(QUARTER_OVER + timedelta(days=8), flows, database, clock)
        still_open = await send(http, page_url, f"{page_url}/finalize", {})
        assert still_open.status_code == 409 and "还有未处理的异议，不能定级" in alerts(still_open.text)
        no_note = await send(http, page_url, f"{page_url}/objections/{objection_id}", {"decision": "uphold"})
        assert no_note.status_code == 400 and "请填写处理意见" in alerts(no_note.text)
        upheld = await send(http, page_url, f"{page_url}/objections/{objection_id}",
                            {"decision": "uphold", "note": "核实属实，已重算"})
        assert upheld.headers["location"] == f"{page_url}?ok=audit_objection_upheld#objections"
        final = await send(http, page_url, f"{page_url}/finalize", {})
        shown = await http.get(final.headers["location"])
    assert "已定级，结果不再变更" in shown.text and "异议成立（已重算）" in shown.text
    async with database.transaction(write=False) as session:
        run = await session.get(StarRatingRun, run_id)
        objection = await session.get(Objection, objection_id)
    assert run is not None and run.status == "final" and objection is not None and objection.status == "upheld"


async def test_a_run_with_a_bad_period_or_twice_for_one_period_comes_back_in_chinese(
        client: httpx.AsyncClient, world: World) -> None:
    async with browser(client, world.login_of(world.auditor)) as http:
        bad = await send(http, "/audit/ratings", "/audit/ratings", {"area_id": str(world.street), "period": "2026Q5"})
        assert bad.status_code == 400 and "评定周期须为年份（如 2026）或季度（如 2026Q4）" in alerts(bad.text)
        assert 'value="2026Q5"' in bad.text and 'aria-describedby="period-error"' in bad.text
        assert f'<option value="{world.street}" selected>' in bad.text
        await send(http, "/audit/ratings", "/audit/ratings", {"area_id": str(world.street), "period": "2026"})
        twice = await send(http, "/audit/ratings", "/audit/ratings", {"area_id": str(world.street), "period": "2026"})
    assert twice.status_code == 409 and "该区域该周期已有评定，请在原评定上重新计算" in alerts(twice.text)


def _kpi_value(page: str, code: str) -> str:
    found = re.search(rf'id="kpi-{code}">\s*<span class="kpi-name">[^<]+</span>\s*<span class="kpi-value">([^<]+)<',
                      page)
    assert found, code
    return html.unescape(found.group(1)).strip()


def _as_shown(kpi: dict) -> str:
    if kpi["value"] is None:
        return "—"
    return f"{kpi['value'] / 10:.1f}%" if kpi["unit"] == "‰" else f"{kpi['value']} {kpi['unit']}"


async def test_the_kpi_page_shows_the_kpi_services_figures_with_svg_charts_and_their_tables(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _awards(client, world, database, count=2)
    await flows.order_in("offered")
    query = f"area_id={world.street}&date_from=2026-11-01&date_to=2026-11-30"
    expected = await flows.call("GET", f"/api/kpis/areas/{world.street}?date_from=2026-11-01&date_to=2026-11-30",
                                world.auditor)
    async with browser(client, world.login_of(world.auditor)) as http:
        page = await http.get(f"/audit/kpis?{query}&metric=completion_rate&step=week")
    assert page.status_code == 200 and f"期间下单 <strong>{expected['orders']}</strong> 单" in page.text
    for kpi in expected["kpis"]:
        assert _kpi_value(page.text, kpi["code"]) == _as_shown(kpi), kpi["name"]
        assert kpi["name"] in page.text
    assert '<svg class="chart bars" id="compare"' in page.text and '<svg class="chart line" id="trend"' in page.text
    assert page.text.count('<rect class="bar"') == len(expected["children"]) == 2
    completion = next(k for k in expected["kpis"] if k["code"] == "completion_rate")
    # Every order was posted in the week from Monday the 23rd: one dot, with the week's value as its text.
    assert page.text.count('<circle class="dot"') == 1 and f"<title>11-23：{_as_shown(completion)}</title>" in page.text
    for child in expected["children"]:
        assert f"area_id={child['area_id']}" in page.text and child["name"] in page.text
    # Weeks from Monday, cut to the range: Sunday the 1st alone, four whole weeks, Monday the 30th alone.
    weeks = re.findall(r'<th scope="row" data-label="时段">([^<]+)</th>', page.text)
    assert weeks == ["2026-11-01 至 2026-11-01", "2026-11-02 至 2026-11-08", "2026-11-09 至 2026-11-15",
                     "2026-11-16 至 2026-11-22", "2026-11-23 至 2026-11-29", "2026-11-30 至 2026-11-30"]


async def test_drilling_down_opens_a_child_area_an_area_above_the_grant_answers_404_and_bad_ranges_come_back(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    async with browser(client, world.login_of(world.auditor)) as http:
        child = await http.get(f"/audit/kpis?area_id={world.community}&date_from=2026-11-01&date_to=2026-11-30")
        above = await http.get(f"/audit/kpis?area_id={world.city}")
        backwards = await http.get(f"/audit/kpis?area_id={world.street}&date_from=2026-11-30&date_to=2026-11-01")
        too_many_weeks = await http.get(f"/audit/kpis?area_id={world.street}&date_from=2025-01-01&date_to=2026-11-30"
                                        "&step=week")
    assert child.status_code == 200 and 'aria-current="page">t-c1</span>' in child.text
    assert f"area_id={world.street}" in child.text  # the way back up, in the trail of areas
    assert above.status_code == 404
    assert backwards.status_code == 400 and "开始日期不能晚于结束日期" in alerts(backwards.text)
    assert 'value="2026-11-30"' in backwards.text
    assert too_many_weeks.status_code == 400
    assert "按周最多显示 53 周，请改为按月或缩短日期范围" in alerts(too_many_weeks.text)
    assert '<option value="week" selected>' in too_many_weeks.text


async def test_an_export_downloads_with_chinese_headers_and_masked_phones_and_is_logged(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await (await _flows(client, world, database)).order_in("open")
    report = REPORTS.get("orders")
    assert report is not None
    async with browser(client, world.login_of(world.auditor)) as http:
        page = await http.get("/audit/exports")
        assert "订单台账" in page.text and 'name="reveal"' not in page.text
        got = await http.post("/audit/exports", data={
            "report": "orders", "area_id": str(world.street), "date_from": "2026-11-01", "date_to": "2026-11-30",
            "format": "csv", "_csrf_token": csrf_of(page.text)})
    assert got.status_code == 200, got.text
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition and "订单台账_t-street_2026-11-01至2026-11-30.csv" in unquote(disposition)
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == [column.title for column in report.columns] and len(rows) == 2
    assert "138****0001" in got.text and "13800000001" not in got.text
    async with database.transaction(write=False) as session:
        logged = (await session.scalars(select(ExportLog))).all()
    assert [(e.report, e.actor_id, e.revealed, e.row_count) for e in logged] == [("orders", world.auditor, False, 1)]


async def test_an_export_with_a_missing_date_comes_back_with_the_form_kept(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    async with browser(client, world.login_of(world.auditor)) as http:
        again = await send(http, "/audit/exports", "/audit/exports", {
            "report": "points", "area_id": str(world.street), "date_from": "2026-11-01", "format": "csv"})
        outside = await send(http, "/audit/exports", "/audit/exports", {
            "report": "points", "area_id": str(world.city), "date_from": "2026-11-01", "date_to": "2026-11-02"})
    assert again.status_code == 400 and "请填写结束日期" in alerts(again.text)
    assert re.search(r'value="points"\s+checked', again.text) and re.search(r'value="csv"\s*checked', again.text)
    assert outside.status_code == 404 and "请选择您负责的区域" in alerts(outside.text)
    async with database.transaction(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(ExportLog)) == 0


async def test_an_admin_may_audit_too_and_the_ledger_shows_who_posted(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await _awards(client, world, database)
    [award] = await entries_of(database, member_id=world.member)
    async with browser(client, world.login_of(world.admin)) as http:
        done = await send(http, "/audit/points", f"/audit/points/{award.id}/post", {})
    assert done.status_code in (302, 303)
    async with database.transaction(write=False) as session:
        resolution = await session.scalar(select(LedgerEntry).where(LedgerEntry.resolves_id == award.id))
    assert resolution is not None and resolution.kind == "post" and resolution.actor_id == world.admin

