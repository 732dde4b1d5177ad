"""The member's pages, used as a browser would: sign in on the login page, read pages, post their forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from market.clock import ManualClock
from market.database import Database
from market.models import MemberProfile, Offer
from market.pages.member.offers import why_me
from tests.market.flows import PNG, Flows, move_clock, signed_in
from tests.market.points_flows import settle
from tests.market.world import START, World
from tests.pages.browsing import browser, csrf_of, sign_in, submit

MEMBER_PAGES = ["/offers", "/board", "/work", "/me/points", "/me/profile"]


async def _flows(client: httpx.AsyncClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, world.resident, world.dispatcher, world.member,
                           world.second_member)


async def _order(flows: Flows, order_id: int) -> dict:
    return await flows.call("GET", f"/api/orders/{order_id}", flows.world.dispatcher)


@pytest.mark.parametrize("path", MEMBER_PAGES)
async def test_each_member_page_opens_for_a_member(client: httpx.AsyncClient, world: World, path: str) -> None:
    await sign_in(client, world, world.member)
    page = await client.get(path)
    assert page.status_code == 200 and f'href="{path}" aria-current="page"' in page.text


@pytest.mark.parametrize("path", MEMBER_PAGES)
async def test_a_signed_out_visitor_is_sent_to_the_login_page(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code in (302, 303) and response.headers["location"] == f"/login?next={path}"


async def test_a_resident_may_not_open_the_member_pages(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world, world.resident)
    response = await client.get("/offers")
    assert response.status_code == 403 and "没有权限" in response.text


async def test_an_offer_shows_the_order_masked_and_accepting_it_reveals_the_contact_on_my_work(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")
    await sign_in(client, world, world.member)
    offers = await client.get("/offers")
    assert "厨房灯不亮了" in offers.text and "138****0001" in offers.text and "和平路12号3幢****" in offers.text
    assert "13800000001" not in offers.text and "社区工作者直接指派给您" in offers.text
    assert "工作繁忙" in offers.text and "时间冲突" in offers.text  # the reasons to decline, in Chinese

    response = await submit(client, "/offers", f"/offers/{made.offer_id}/accept")
    assert response.status_code in (302, 303) and response.headers["location"] == "/work?ok=accepted"
    assert (await _order(flows, made.order_id))["status"] == "accepted"
    work = await client.get("/work?ok=accepted")
    assert "已接单" in work.text and "13800000001" in work.text and "和平路12号3幢2单元1203室" in work.text


async def test_declining_with_a_reason_reopens_the_order_and_records_the_reason(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")
    await sign_in(client, world, world.member)
    response = await submit(client, "/offers", f"/offers/{made.offer_id}/decline", reason="time_conflict",
                            note="周末加班")
    assert response.status_code in (302, 303) and response.headers["location"] == "/offers?ok=declined"
    order = await _order(flows, made.order_id)
    assert order["status"] == "open" and order["events"][-1]["note"] == "时间冲突 周末加班"
    async with database.transaction(write=False) as session:
        offer = await session.get(Offer, made.offer_id)
        assert (offer.status, offer.decline_reason) == ("declined", "time_conflict")


async def test_declining_without_a_reason_comes_back_with_the_note_kept_and_the_reason_marked(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")
    await sign_in(client, world, world.member)
    response = await submit(client, "/offers", f"/offers/{made.offer_id}/decline", note="周末加班")
    assert response.status_code == 400
    assert "请选择婉拒的原因" in response.text and ">周末加班</textarea>" in response.text
    assert '<details class="decline" open>' in response.text and "field choices invalid" in response.text
    assert (await _order(flows, made.order_id))["status"] == "offered"


async def test_an_offer_answered_already_shows_its_state_in_chinese(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")
    await sign_in(client, world, world.member)
    page = await client.get("/offers")
    await flows.call("POST", f"/api/offers/{made.offer_id}/decline", world.member, json={"reason": "busy"})
    response = await client.post(f"/offers/{made.offer_id}/accept", data={"_csrf_token": csrf_of(page.text)})
    assert response.status_code == 409 and "订单当前为「待派单」，不能执行该操作" in response.text
    assert (await _order(flows, made.order_id))["status"] == "open"


async def test_another_members_offer_cannot_be_accepted_or_declined(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("offered")  # offered to world.member
    await sign_in(client, world, world.second_member)
    assert "厨房灯不亮了" not in (await client.get("/offers")).text
    page = await client.get("/offers")
    for action, fields in (("accept", {}), ("decline", {"reason": "busy"})):
        response = await client.post(f"/offers/{made.offer_id}/{action}", data={"_csrf_token": csrf_of(page.text), **fields})
        assert response.status_code == 404 and "派单不存在" in response.text
    assert (await _order(flows, made.order_id))["status"] == "offered"


async def test_claiming_from_the_board_makes_the_order_mine(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open", claimable=True)
    await sign_in(client, world, world.member)
    assert "厨房灯不亮了" in (await client.get("/board")).text
    response = await submit(client, "/board", f"/board/{made.order_id}/claim")
    assert response.status_code in (302, 303) and response.headers["location"] == "/work?ok=claimed"
    order = await _order(flows, made.order_id)
    assert order["status"] == "accepted" and order["assignees"][0]["member"]["id"] == world.member
    assert "厨房灯不亮了" not in (await client.get("/board")).text
    assert f'action="/work/{made.order_id}/start"' in (await client.get("/work")).text


async def test_an_order_claimed_by_someone_else_meanwhile_answers_with_its_state(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open", claimable=True)
    await sign_in(client, world, world.member)
    page = await client.get("/board")
    await flows.call("POST", f"/api/orders/{made.order_id}/claim", world.second_member)
    response = await client.post(f"/board/{made.order_id}/claim", data={"_csrf_token": csrf_of(page.text)})
    assert response.status_code == 409 and "订单当前为「已接单」" in response.text
    assert [a["member"]["id"] for a in (await _order(flows, made.order_id))["assignees"]] == [world.second_member]


async def test_starting_and_noting_progress_move_the_order_and_show_in_its_history(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("accepted")
    await sign_in(client, world, world.member)
    started = await submit(client, "/work", f"/work/{made.order_id}/start")
    assert started.status_code in (302, 303) and started.headers["location"] == f"/work/{made.order_id}?ok=started"
    assert (await _order(flows, made.order_id))["status"] == "in_progress"

    noted = await submit(client, f"/work/{made.order_id}", f"/work/{made.order_id}/progress", note="已买好配件")
    assert noted.headers["location"] == f"/work/{made.order_id}?ok=progress#main"
    order = await _order(flows, made.order_id)
    assert (order["events"][-1]["action"], order["events"][-1]["note"]) == ("progress", "已买好配件")
    assert "已买好配件" in (await client.get(f"/work/{made.order_id}")).text


async def test_a_progress_note_left_empty_comes_back_marked(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("in_progress")
    await sign_in(client, world, world.member)
    response = await submit(client, f"/work/{made.order_id}", f"/work/{made.order_id}/progress", note="  ")
    assert response.status_code == 400 and "请填写进展情况" in response.text
    assert 'id="progress-note-error"' in response.text
    assert [e["action"] for e in (await _order(flows, made.order_id))["events"]][-1] == "start"


async def _complete(browser: httpx.AsyncClient, order_id: int, note: str, photo: tuple[str, bytes, str]
                    ) -> httpx.Response:
    page = await browser.get(f"/work/{order_id}")
    assert 'enctype="multipart/form-data"' in page.text and 'accept="image/*" capture="environment"' in page.text
    return await browser.post(f"/work/{order_id}/complete", data={"_csrf_token": csrf_of(page.text), "note": note},
                              files={"photos": photo})


async def test_completing_with_a_note_and_a_photo_completes_the_order_with_its_evidence(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("in_progress")
    await sign_in(client, world, world.member)
    response = await _complete(client, made.order_id, "已更换开关，灯已修好", ("done.png", PNG, "image/png"))
    assert response.status_code in (302, 303) and response.headers["location"] == "/work?ok=completed"
    order = await _order(flows, made.order_id)
    assert order["status"] == "completed" and len(order["photo_ids"]) == 1
    assert order["events"][-1]["note"] == "已更换开关，灯已修好"
    assert "厨房灯不亮了" not in (await client.get("/work")).text


async def test_completing_without_a_note_comes_back_with_the_chinese_error_beside_the_note(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("in_progress")
    await sign_in(client, world, world.member)
    response = await _complete(client, made.order_id, "", ("done.png", PNG, "image/png"))
    assert response.status_code == 400 and "请填写办结说明" in response.text
    assert 'id="complete-note-error"' in response.text and "照片需要重新选择" in response.text
    order = await _order(flows, made.order_id)
    assert order["status"] == "in_progress" and order["photo_ids"] == []


async def test_a_photo_that_is_not_an_image_is_refused_and_the_note_kept(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("in_progress")
    await sign_in(client, world, world.member)
    response = await _complete(client, made.order_id, "已修好", ("notes.txt", b"not a photo", "text/plain"))
    assert response.status_code == 400 and "照片须为 JPEG、PNG 或 WebP 格式" in response.text
    assert ">已修好</textarea>" in response.text and 'id="complete-photos-error"' in response.text
    assert (await _order(flows, made.order_id))["status"] == "in_progress"


async def test_another_members_order_cannot_be_started_noted_or_completed(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    accepted, serving = await flows.order_in("accepted"), await flows.order_in("in_progress")  # world.member's
    async with browser(client, None) as second:
        await sign_in(second, world, world.second_member)
        page = await second.get("/work")
        assert "厨房灯不亮了" not in page.text
        assert (await second.get(f"/work/{serving.order_id}")).status_code == 404
        csrf = {"_csrf_token": csrf_of(page.text)}
        started = await second.post(f"/work/{accepted.order_id}/start", data=csrf)
        noted = await second.post(f"/work/{serving.order_id}/progress", data={**csrf, "note": "冒充"})
        completed = await second.post(f"/work/{serving.order_id}/complete", data={**csrf, "note": "冒充"},
                                       files={"photos": ("a.png", PNG, "image/png")})
    assert [r.status_code for r in (started, noted, completed)] == [404, 404, 404]
    assert "订单不存在" in completed.text
    assert (await _order(flows, accepted.order_id))["status"] == "accepted"
    serving_now = await _order(flows, serving.order_id)
    assert serving_now["status"] == "in_progress" and "冒充" not in [e["note"] for e in serving_now["events"]]


async def test_a_form_posted_without_its_csrf_token_is_refused(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    offered, serving = await flows.order_in("offered"), await flows.order_in("in_progress")
    await sign_in(client, world, world.member)
    accepted = await client.post(f"/offers/{offered.offer_id}/accept", data={})
    completed = await client.post(f"/work/{serving.order_id}/complete", data={"note": "已修好"},
                                  files={"photos": ("a.png", PNG, "image/png")})
    assert (accepted.status_code, completed.status_code) == (403, 403)
    assert (await _order(flows, offered.order_id))["status"] == "offered"
    assert (await _order(flows, serving.order_id))["status"] == "in_progress"


async def test_an_offer_from_a_dispatch_round_says_why_it_came_to_me(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    committed = await flows.call("POST", f"/api/areas/{world.community}/rounds", world.dispatcher,
                                 json={"dry_run": False})
    [assignment] = committed["assignments"]
    assert assignment["order_id"] == made.order_id
    await sign_in(client, world, assignment["member"]["id"])
    page = await client.get("/offers")
    assert "为什么派给我" in page.text and "离您约 0 米" in page.text and "是您报到社区的订单" in page.text
    assert "您的技能、服务类别和空闲时间都符合" in page.text


def test_why_me_puts_the_rounds_terms_into_words() -> None:
    assert why_me({"distance_m": 1530, "same_community": 0, "distance_cost": 15, "outside_cost": 10,
                   "fairness_cost": 10, "by_hand": 1}) == [
        "社区工作者调整派单时选中了您", "离您约 1.5 公里", "在您的服务范围内（邻近社区）",
        "按本月各人接单量均衡分配，接单少的优先"]
    assert why_me({"distance_m": 420, "same_community": 1, "fairness_cost": 0, "by_hand": 0})[1:] == [
        "离您约 420 米", "是您报到社区的订单", "您本月接单还不多，优先派给您"]


async def test_my_points_page_shows_pending_points_history_and_yearly_target(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    flows = await _flows(client, world, database)
    await flows.order_in("closed")
    await settle(database, START + timedelta(hours=2))
    await sign_in(client, world, world.member)
    page = await client.get("/me/points")
    pending = re.search(r'<span class="big">(\d+)</span><span class="meta">待审核积分', page.text)
    assert pending and int(pending.group(1)) > 0
    assert "服务积分" in page.text and "「厨房灯不亮了」" in page.text and "待审核" in page.text
    assert "2026 年双报到服务目标" in page.text and "已完成 1 / 12 次" in page.text
    assert "还没有公示的星级评定" in page.text


async def test_my_points_page_shows_posted_points_and_my_stars_once_published(
        client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock) -> None:
    flows = await signed_in(client, world, database, world.resident, world.dispatcher, world.member, world.auditor)
    await flows.order_in("closed")
    await settle(database, START + timedelta(hours=2))
    await flows.call("POST", "/api/points/approve", world.auditor, json={"area_id": world.street})
    run = await flows.call("POST", "/api/star-ratings", world.auditor, json={"area_id": world.street,
                                                                             "period": "2026Q4"})
    # The quarter is over (2027-01-01 in Shanghai): the rating may go on public notice.
    await move_clock(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), flows, database, clock)
    await flows.call("POST", f"/api/star-ratings/{run['run']['id']}/publish", world.auditor)
    [mine] = await flows.call("GET", "/api/star-ratings/mine", world.member)
    await sign_in(client, world, world.member)
    page = await client.get("/me/points")
    balance = re.search(r'<span class="big">(\d+)</span><span class="meta">已入账积分', page.text)
    assert balance and int(balance.group(1)) == mine["row"]["points"] > 0
    stars = mine["row"]["stars"]
    assert f'aria-label="{stars} 星">{"★" * stars}{"☆" * (5 - stars)}</span>' in page.text
    assert "2026Q4" in page.text and "公示中" in page.text and "已入账" in page.text


async def test_saving_the_profile_changes_skills_categories_time_and_capacity_and_keeps_the_rest(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await sign_in(client, world, world.member)
    page = await client.get("/me/profile")
    assert "维修服务" in page.text and "水暖维修" in page.text  # categories and skills by their Chinese names
    form = {"_csrf_token": csrf_of(page.text), "categories": ["repair", "elderly_disabled"], "skills": "plumbing",
            "day_0": "5", "start_0": "09:00", "end_0": "12:00", "day_1": "6", "start_1": "", "end_1": "",
            "day_2": "", "start_2": "", "end_2": "", "capacity": "3", "radius_m": "5000"}
    response = await client.post("/me/profile", data=form)
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == "/me/profile?ok=saved"
    async with database.transaction(write=False) as session:
        profile = await session.get(MemberProfile, world.member)
        assert (profile.categories, profile.skills, profile.availability, profile.capacity, profile.radius_m) == (
            ["elderly_disabled", "repair"], ["plumbing"], [[5, 540, 720], [6, 0, 1440]], 3, 5000)
        assert (profile.latitude, profile.longitude, profile.yearly_target) == (30.25, 120.16, 12)
    saved = await client.get("/me/profile?ok=saved")
    assert "已保存" in saved.text and 'value="09:00"' in saved.text and 'value="23:59"' in saved.text


async def test_a_profile_without_a_category_comes_back_with_the_entries_kept(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    await sign_in(client, world, world.member)
    page = await client.get("/me/profile")
    response = await client.post("/me/profile", data={"_csrf_token": csrf_of(page.text), "skills": "plumbing",
                                                      "capacity": "7", "day_0": "2", "start_0": "18:00",
                                                      "end_0": "20:00", "radius_m": "1000"})
    assert response.status_code == 400 and "请至少选择一个服务类别" in response.text
    assert 'value="7"' in response.text and 'value="18:00"' in response.text
    assert 'value="plumbing" checked' in response.text
    async with database.transaction(write=False) as session:
        profile = await session.scalar(select(MemberProfile).where(MemberProfile.account_id == world.member))
        assert (profile.categories, profile.capacity) == (["repair", "daily_help"], 50)
