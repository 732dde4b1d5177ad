"""The dispatcher's pages: review, dispatch board, orders with marks, one order's actions, 督办, 吹哨 and 六访 coverage.

Each page is used as a browser would: sign in on the login page, read the CSRF token off the page that
holds the form, send the form URL-encoded, and follow what comes back.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update

from market.database import Database
from market.models import Account, MatchAssignment, Order, RevealLog, Supervision, Unit
from market.visits.jobs import make_due_visits
from market.vocab import AreaLevel
from tests.market.flows import Flows, signed_in
from tests.market.world import START, WISH, World
from tests.pages.browsing import browser, csrf_of, submit

PAGES = ["/staff/review", "/staff/dispatch", "/staff/orders", "/staff/supervision", "/staff/summons",
         "/staff/visits"]


async def _flows(client: httpx.AsyncClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, world.resident, world.other_resident, world.dispatcher,
                           world.other_dispatcher, world.member)


async def _order(database: Database, order_id: int) -> Order:
    async with database.transaction(write=False) as session:
        order = await session.get(Order, order_id)
        assert order is not None
        return order


@pytest.mark.parametrize(("path", "heading"), [
    ("/staff/review", "待审核"), ("/staff/dispatch", "派单"), ("/staff/orders", "订单"),
    ("/staff/supervision", "督办与逐级上报"), ("/staff/summons", "吹哨报到"), ("/staff/visits", "六访走访覆盖")])
async def test_each_page_renders_in_chinese_for_a_dispatcher_with_the_menu(
        client: httpx.AsyncClient, world: World, path: str, heading: str) -> None:
    async with browser(client, world.login_of(world.dispatcher)) as http:
        page = await http.get(path)
    assert page.status_code == 200 and f"<h1>{heading}" in page.text
    assert 'lang="zh-CN"' in page.text and f'href="{path}" aria-current="page"' in page.text


async def test_other_roles_are_refused_and_strangers_are_sent_to_sign_in(client: httpx.AsyncClient,
                                                                         world: World) -> None:
    async with browser(client, world.login_of(world.resident)) as resident, \
            browser(client, world.login_of(world.member)) as member, browser(client, None) as stranger:
        for path in PAGES:
            for http in (resident, member):
                refused = await http.get(path)
                assert refused.status_code == 403 and "没有权限" in refused.text, path
            sent = await stranger.get(path)
            assert sent.status_code in (302, 303) and sent.headers["location"] == f"/login?next={path}"


async def test_approving_with_a_triage_opens_the_order_and_can_put_it_on_the_board(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    made = await (await _flows(client, world, database)).order_in("submitted")
    async with browser(client, world.login_of(world.dispatcher)) as http:
        queue = await http.get("/staff/review")
        assert "厨房灯不亮了" in queue.text and "138****0001" in queue.text  # the contact stays masked
        done = await submit(http, "/staff/review", f"/staff/review/{made.order_id}/approve",
                            {"triage": "emergency", "claimable": "true", "note": "尽快处理"})
        assert done.status_code in (302, 303) and done.headers["location"] == "/staff/review?ok=order_approved"
        after = await http.get(done.headers["location"])
    assert "已审核通过" in after.text and f"/staff/review/{made.order_id}/approve" not in after.text
    order = await _order(database, made.order_id)
    assert (order.status, order.triage, order.claimable) == ("open", "emergency", True)
    assert order.due_at is not None and order.accept_due_at is not None


async def test_approving_without_a_triage_comes_back_with_the_entry_kept_and_the_field_marked(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    made = await (await _flows(client, world, database)).order_in("submitted")
    async with browser(client, world.login_of(world.dispatcher)) as http:
        again = await submit(http, "/staff/review", f"/staff/review/{made.order_id}/approve",
                             {"note": "先核实一下"})
    assert again.status_code == 400 and "请选择处置分类" in again.text
    assert 'value="先核实一下"' in again.text and 'aria-describedby="triage-' in again.text
    assert (await _order(database, made.order_id)).status == "submitted"


async def test_rejecting_needs_a_reason_which_the_order_then_carries(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("submitted")
    async with browser(client, world.login_of(world.dispatcher)) as http:
        blank = await submit(http, "/staff/review", f"/staff/review/{made.order_id}/reject", {"reason": "  "})
        assert blank.status_code == 400 and "请填写驳回原因" in blank.text
        done = await submit(http, "/staff/review", f"/staff/review/{made.order_id}/reject",
                            {"reason": "不属于社区服务范围，请拨打12345"})
    assert done.headers["location"] == "/staff/review?ok=order_rejected"
    seen = await flows.call("GET", f"/api/orders/{made.order_id}", world.resident)
    assert seen["status"] == "rejected" and seen["events"][-1]["note"] == "不属于社区服务范围，请拨打12345"


async def test_a_preview_shows_proposals_with_their_reasons_and_commit_makes_the_offers(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    nobody = await flows.call("POST", "/api/orders", world.resident, json={**WISH, "category": "legal_advice",
                                                                           "title": "想咨询遗嘱怎么写"})
    await flows.call("POST", f"/api/orders/{nobody['id']}/approve", world.dispatcher, json={"triage": "general"})
    async with browser(client, world.login_of(world.dispatcher)) as http:
        board = await http.get(f"/staff/dispatch?area_id={world.community}")
        assert "待派单 2 单" in board.text
        started = await submit(http, "/staff/dispatch", "/staff/dispatch/preview", {"area_id": str(world.community)})
        assert started.status_code in (302, 303) and "ok=round_previewed" in started.headers["location"]
        preview = await http.get(started.headers["location"])
        assert "预览（未派单）" in preview.text and "厨房灯不亮了" in preview.text
        assert "距离约 0 米" in preview.text and "本社区" in preview.text and "本月已服务 0 单" in preview.text
        assert "想咨询遗嘱怎么写" in preview.text and "没有符合条件的党员或单位" in preview.text
        assert (await _order(database, made.order_id)).status == "open"  # a preview offers nothing

        run_id = re.search(r"round_id=(\d+)", started.headers["location"]).group(1)  # type: ignore[union-attr]
        done = await submit(http, started.headers["location"], f"/staff/dispatch/rounds/{run_id}/commit",
                            {"accept_within": "480"})
        assert done.headers["location"] == f"/staff/dispatch?round_id={run_id}&ok=round_committed"
        committed = await http.get(done.headers["location"])
    assert "已按本轮结果派单" in committed.text and "已派出" in committed.text
    order = await flows.call("GET", f"/api/orders/{made.order_id}", world.dispatcher)
    assert order["status"] == "offered"
    due = order["assignees"][0]["accept_due_at"]
    assert due.startswith((START + timedelta(hours=8)).isoformat()[:16])


async def test_an_override_puts_another_member_in_or_takes_the_assignment_out(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    async with browser(client, world.login_of(world.dispatcher)) as http:
        started = await submit(http, "/staff/dispatch", "/staff/dispatch/preview", {"area_id": str(world.community)})
        board_url = started.headers["location"]
        run_id = re.search(r"round_id=(\d+)", board_url).group(1)  # type: ignore[union-attr]
        async with database.transaction(write=False) as session:
            [proposal] = (await session.scalars(select(MatchAssignment))).all()
            other = next(m for m in (world.member, world.second_member) if m != proposal.member_id)
            other_name = (await session.get(Account, other)).display_name  # type: ignore[union-attr]
        action = f"/staff/dispatch/rounds/{run_id}/override"

        unchosen = await submit(http, board_url, action, {"assignment_id": str(proposal.id), "choice": ""})
        assert unchosen.status_code == 400 and "请选择一位党员或一个单位，或选择移出本轮" in unchosen.text
        assert f'aria-describedby="choice-{proposal.id}-error"' in unchosen.text
        moved = await submit(http, board_url, action, {"assignment_id": str(proposal.id), "choice": f"member:{other}"})
        assert moved.headers["location"] == f"/staff/dispatch?round_id={run_id}&ok=round_overridden"
        after = await http.get(moved.headers["location"])
        assert "人工调整" in after.text and f"党员 {other_name}" in after.text
        removed = await submit(http, board_url, action, {"assignment_id": str(proposal.id), "choice": "remove"})
        emptied = await http.get(removed.headers["location"])
    assert "本轮没有建议的派单" in emptied.text and "工作人员已从本轮移出" in emptied.text
    assert (await _order(database, made.order_id)).status == "open"


async def test_revealing_a_contact_with_a_reason_shows_it_once_and_logs_it(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    made = await (await _flows(client, world, database)).order_in("open")
    page = f"/staff/orders/{made.order_id}"
    async with browser(client, world.login_of(world.dispatcher)) as http:
        masked = await http.get(page)
        assert "138****0001" in masked.text and "13800000001" not in masked.text
        shown = await submit(http, page, f"{page}/reveal", {"reveal_field": "phone", "reveal_reason": "电话回访核实"})
        assert shown.status_code == 200 and "13800000001" in shown.text and "已记录" in shown.text
        assert shown.headers["cache-control"] == "no-store"
        later = await http.get(page)
    assert "13800000001" not in later.text
    async with database.transaction(write=False) as session:
        [logged] = (await session.scalars(select(RevealLog))).all()
    assert (logged.actor_id, logged.order_id, logged.field, logged.reason) == (
        world.dispatcher, made.order_id, "phone", "电话回访核实")


async def test_revealing_without_a_reason_comes_back_with_the_chinese_error_and_logs_nothing(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    made = await (await _flows(client, world, database)).order_in("open")
    page = f"/staff/orders/{made.order_id}"
    async with browser(client, world.login_of(world.dispatcher)) as http:
        again = await submit(http, page, f"{page}/reveal", {"reveal_field": "address"})
    assert again.status_code == 400 and "请填写查看原因" in again.text
    assert 'aria-invalid="true" aria-describedby="reveal_reason-error"' in again.text
    assert "和平路12号3幢2单元1203室" not in again.text
    async with database.transaction(write=False) as session:
        assert (await session.scalars(select(RevealLog))).all() == []


async def test_an_order_outside_my_areas_answers_404(client: httpx.AsyncClient, world: World,
                                                   database: Database) -> None:
    flows = await _flows(client, world, database)
    theirs = (await flows.call("POST", "/api/orders", world.other_resident, json=WISH))["id"]
    async with browser(client, world.login_of(world.dispatcher)) as http:
        page = await http.get(f"/staff/orders/{theirs}")
        assert page.status_code == 404 and "订单不存在" in page.text
        queue = await http.get("/staff/review")
        assert f"/staff/review/{theirs}/approve" not in queue.text
        approve = await http.post(f"/staff/review/{theirs}/approve",
                                  data={"triage": "general", "_csrf_token": csrf_of(queue.text)})
        reveal = await http.post(f"/staff/orders/{theirs}/reveal", data={
            "reveal_field": "phone", "reveal_reason": "看看", "_csrf_token": csrf_of(queue.text)})
    assert approve.status_code == 404 and reveal.status_code == 404
    assert (await _order(database, theirs)).status == "submitted"


async def test_orders_show_red_and_yellow_marks_and_filter_by_mark_and_status(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    red, yellow, green = [(await flows.order_in("open")).order_id for _ in range(3)]
    async with database.transaction() as session:
        await session.execute(update(Order).where(Order.id == red).values(sla_level="red", title="红色的单"))
        await session.execute(update(Order).where(Order.id == yellow).values(sla_level="yellow", title="黄色的单"))
    async with browser(client, world.login_of(world.dispatcher)) as http:
        every = await http.get("/staff/orders")
        only_red = await http.get("/staff/orders", params={"sla_level": "red", "status": "open"})
        bad = await http.get("/staff/orders", params={"sla_level": "purple"})
    assert "红（超时）" in every.text and "黄（预警）" in every.text and "绿（正常）" in every.text
    assert 'class="row-red"' in every.text and f'href="/staff/orders/{green}"' in every.text
    assert "红色的单" in only_red.text and "黄色的单" not in only_red.text and "（共 1 单）" in only_red.text
    assert bad.status_code == 400 and "请选择红、黄或绿" in bad.text


async def test_an_order_is_offered_by_hand_from_its_page(client: httpx.AsyncClient, world: World,
                                                        database: Database) -> None:
    made = await (await _flows(client, world, database)).order_in("open")
    page = f"/staff/orders/{made.order_id}"
    async with browser(client, world.login_of(world.dispatcher)) as http:
        unchosen = await submit(http, page, f"{page}/offer", {"offer_within": "1440"})
        assert unchosen.status_code == 400 and "请选择一位党员或一个单位" in unchosen.text
        done = await submit(http, page, f"{page}/offer", {"offer_to": f"member:{world.member}", "offer_within": "120"})
        assert done.headers["location"] == f"{page}?ok=order_offered"
        after = await http.get(done.headers["location"])
    assert "已派单，等待对方接单" in after.text and "待接单" in after.text
    assert (await _order(database, made.order_id)).status == "offered"


async def test_closing_a_disputed_order_asks_whether_points_are_still_awarded(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    made = await (await _flows(client, world, database)).order_in("confirmed", reopened=True)
    page = f"/staff/orders/{made.order_id}"
    async with browser(client, world.login_of(world.dispatcher)) as http:
        opened = await http.get(page)
        assert "服务者是否仍得积分" in opened.text and "要求返工" in opened.text
        undecided = await submit(http, page, f"{page}/close", {"close_note": "已电话回访"})
        assert undecided.status_code == 400 and "请决定是否仍给服务者积分" in undecided.text
        assert "已电话回访" in undecided.text
        done = await submit(http, page, f"{page}/close", {"close_note": "已电话回访", "award_points": "false"})
    assert done.headers["location"] == f"{page}?ok=order_closed"
    order = await _order(database, made.order_id)
    assert (order.status, order.points_decision) == ("closed", "withhold")


async def test_rework_sends_a_disputed_order_back_to_its_member(client: httpx.AsyncClient, world: World,
                                                                database: Database) -> None:
    made = await (await _flows(client, world, database)).order_in("confirmed", reopened=True)
    page = f"/staff/orders/{made.order_id}"
    async with browser(client, world.login_of(world.dispatcher)) as http:
        blank = await submit(http, page, f"{page}/rework", {})
        assert blank.status_code == 400 and "请填写返工要求" in blank.text
        done = await submit(http, page, f"{page}/rework", {"rework_note": "灯还是不亮，请再看看"})
    assert done.headers["location"] == f"{page}?ok=order_reworked"
    assert (await _order(database, made.order_id)).status == "in_progress"


async def test_a_department_summoned_from_the_order_page_shows_on_the_summons_page(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    async with database.transaction() as session:
        department = Unit(name="城管执法中队", kind="department", area_id=world.street, created_at=START)
        session.add(department)
        await session.flush()
        department_id = department.id
    made = await (await _flows(client, world, database)).order_in("open")
    page = f"/staff/orders/{made.order_id}"
    async with browser(client, world.login_of(world.dispatcher)) as http:
        vague = await submit(http, page, f"{page}/summon", {"summon_unit": str(department_id)})
        assert vague.status_code == 400 and "请说明需要部门协助办理的事项" in vague.text
        done = await submit(http, page, f"{page}/summon", {"summon_unit": str(department_id),
                                                          "summon_note": "消防通道被占，请协助清理",
                                                          "summon_hours": "24"})
        assert done.headers["location"] == f"{page}?ok=order_summoned"
        listed = await http.get("/staff/summons")
    assert "城管执法中队" in listed.text and "消防通道被占，请协助清理" in listed.text and "待报到" in listed.text


async def test_supervision_lists_the_communitys_notices_and_what_went_up(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    late = await flows.order_in("open")
    async with database.transaction() as session:
        session.add_all([
            Supervision(order_id=late.order_id, area_id=world.community, level=AreaLevel.COMMUNITY, created_at=START,
                        grace_until=START + timedelta(hours=4), escalated_at=START + timedelta(hours=4)),
            Supervision(order_id=late.order_id, area_id=world.street, level=AreaLevel.STREET,
                        created_at=START + timedelta(hours=4), grace_until=START + timedelta(hours=12))])
    async with browser(client, world.login_of(world.dispatcher)) as http:
        page = await http.get("/staff/supervision")
    assert "社区督办（1）" in page.text and "逐级上报（1）" in page.text
    assert "已上报上级" in page.text and "街道" in page.text and "未解除" in page.text


async def test_visit_coverage_shows_the_month_and_refuses_a_bad_month_in_chinese(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.call("POST", "/api/visit-plans", world.dispatcher, json={
        "resident_id": world.resident, "tag": "living_alone", "frequency": "monthly", "category": "daily_help"})
    await make_due_visits(database, START, ZoneInfo("Asia/Shanghai"))
    async with browser(client, world.login_of(world.dispatcher)) as http:
        page = await http.get("/staff/visits", params={"area_id": world.community, "month": "2026-11"})
        bad = await http.get("/staff/visits", params={"area_id": world.community, "month": "十一月"})
        foreign = await http.get("/staff/visits", params={"area_id": world.other_community})
    assert page.status_code == 200 and "t-c1-g1" in page.text and "0.0%" in page.text
    assert bad.status_code == 400 and "月份格式应为" in bad.text and 'value="十一月"' in bad.text
    assert foreign.status_code == 404
