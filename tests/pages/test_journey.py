"""In a real browser: a wish from a resident's phone, through every role's pages, to its rating and its points."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from market.clock import ManualClock
from market.database import Database
from market.demo.seed import DEMO_PASSWORD, seed_demo
from market.points.settlement import settle_points
from market.settings import Settings
from tests.market.points_flows import ZONE
from tests.market.world import PASSWORD, World
from tests.pages.live import PHONE, chromium_path, live_server, screenshot


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    path = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        await launched.close()


@pytest.fixture
async def site(settings: Settings, clock: ManualClock, world: World) -> AsyncIterator[str]:
    async with live_server(settings, clock) as url:
        yield url


async def _person(browser: Browser, site: str, world: World, account_id: int) -> Page:
    """A phone-sized browser of one person of the test world, signed in through the login page."""
    return await _login(browser, site, world.login_of(account_id), PASSWORD)


async def _login(browser: Browser, site: str, login: str, password: str) -> Page:
    context = await browser.new_context(viewport=PHONE, base_url=site, locale="zh-CN")
    page = await context.new_page()
    await page.goto("/login")
    await page.get_by_label("手机号或用户名").fill(login)
    await page.get_by_label("密码").fill(password)
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("button", name="退出")).to_be_visible()
    return page


async def test_a_resident_posts_a_wish_from_a_phone(browser: Browser, site: str, world: World) -> None:
    page = await _person(browser, site, world, world.resident)
    await expect(page.get_by_role("heading", name="我要点单")).to_be_visible()
    await screenshot(page, "resident-new-order")
    await page.get_by_role("radio", name="微心愿").check()
    await page.get_by_role("radio", name="物资心愿").check()
    await page.get_by_label("简要标题").fill("想要一个新书包")
    await page.get_by_label("具体说明").fill("孩子的书包破了，想要一个蓝色的")
    await page.get_by_label("预算（元，仅微心愿）").fill("120")
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交")
    await expect(page.get_by_role("heading", name="想要一个新书包")).to_be_visible()
    await screenshot(page, "resident-order")


async def test_a_bad_form_shows_the_error_in_chinese_and_keeps_the_entry(browser: Browser, site: str,
                                                                         world: World) -> None:
    page = await _person(browser, site, world, world.resident)
    await page.get_by_role("radio", name="维修服务").check()
    await page.get_by_label("具体说明").fill("水龙头一直滴水")
    await page.get_by_role("button", name="提交").click()
    await expect(page.locator(".field-error").first).to_have_text("请填写简要标题")
    await expect(page.get_by_label("具体说明")).to_have_value("水龙头一直滴水")
    await expect(page.get_by_label("简要标题")).to_have_attribute("aria-invalid", "true")
    await screenshot(page, "resident-form-error")


async def test_a_resident_cannot_open_another_residents_order_page(browser: Browser, site: str,
                                                                  world: World) -> None:
    other = await _person(browser, site, world, world.other_resident)
    await other.get_by_role("radio", name="维修服务").check()
    await other.get_by_label("简要标题").fill("楼道灯坏了")
    await other.get_by_label("具体说明").fill("三楼楼道灯不亮")
    await other.get_by_role("button", name="提交").click()
    await expect(other.get_by_role("status")).to_contain_text("已提交")
    theirs = other.url.split("?")[0]
    page = await _person(browser, site, world, world.resident)
    response = await page.goto(theirs)
    assert response is not None and response.status == 404
    await expect(page.get_by_text("订单不存在")).to_be_visible()
    await expect(page.get_by_text("楼道灯坏了")).to_have_count(0)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def _staff(browser: Browser, site: str, world: World, account_id: int) -> Page:
    """A desktop browser of a staff member, signed in."""
    page = await _person(browser, site, world, account_id)
    await page.set_viewport_size({"width": 1280, "height": 860})
    return page


async def test_a_wish_goes_from_the_resident_through_every_role_to_its_rating_and_points(
        browser: Browser, site: str, world: World, settings: Settings, clock: ManualClock) -> None:
    resident = await _person(browser, site, world, world.resident)
    await resident.get_by_role("radio", name="微心愿").check()
    await resident.get_by_role("radio", name="生活帮扶").check()
    await resident.get_by_label("简要标题").fill("帮忙买一袋大米")
    await resident.get_by_label("具体说明").fill("腿脚不便，想请人帮忙买一袋 10 斤的大米送上楼")
    await resident.get_by_label("预算（元，仅微心愿）").fill("60")
    await resident.get_by_role("button", name="提交").click()
    await expect(resident.get_by_role("status")).to_contain_text("已提交")
    order_url = resident.url.split("?")[0]
    order_id = int(order_url.rsplit("/", 1)[1])

    dispatcher = await _staff(browser, site, world, world.dispatcher)
    await dispatcher.goto("/staff/review")
    card = dispatcher.locator("article, li, section").filter(has_text="帮忙买一袋大米").last
    await card.get_by_role("radio", name="一般").check()
    await screenshot(dispatcher, "dispatcher-review")
    await card.get_by_role("button", name="审核通过").click()
    await expect(dispatcher.get_by_role("status")).to_contain_text("审核通过")
    await dispatcher.goto(f"/staff/orders/{order_id}")
    await dispatcher.get_by_label("派给").select_option(f"member:{world.member}")
    await dispatcher.get_by_role("button", name="派单").click()
    await expect(dispatcher.get_by_role("status")).to_contain_text("已派单")
    await screenshot(dispatcher, "dispatcher-order")

    member = await _person(browser, site, world, world.member)
    await member.goto("/offers")
    await expect(member.get_by_text("帮忙买一袋大米")).to_be_visible()
    await screenshot(member, "member-offers")
    await member.get_by_role("button", name="接单").click()
    await expect(member.get_by_role("status")).to_contain_text("已接单")
    await member.goto(f"/work/{order_id}")
    await member.get_by_role("button", name="开始服务").click()
    await member.get_by_label("办结说明").fill("大米已送到家里")
    await member.get_by_label("现场照片（凭证）").set_input_files(
        files=[{"name": "rice.png", "mimeType": "image/png", "buffer": PNG}])
    await member.get_by_role("button", name="确认办结").click()
    await expect(member.get_by_role("status")).to_contain_text("已办结")
    await screenshot(member, "member-work-order")

    await resident.goto(order_url)
    await expect(resident.get_by_text("大米已送到家里")).to_be_visible()
    await expect(resident.get_by_alt_text("办结照片 1")).to_be_visible()
    await resident.get_by_role("radio", name="★★★★★ 5 星").check()
    await resident.get_by_label("想说的话（可不填）").fill("非常感谢！")
    await resident.get_by_role("button", name="提交评价").click()
    await expect(resident.get_by_role("status")).to_contain_text("感谢您的评价")
    await screenshot(resident, "resident-rated")

    await dispatcher.goto(f"/staff/orders/{order_id}")
    await expect(dispatcher.get_by_text("非常感谢！").first).to_be_visible()
    await dispatcher.get_by_role("button", name="销号").click()
    await expect(dispatcher.get_by_role("status")).to_contain_text("已销号")

    from tests.market.points_flows import settle

    database = Database(settings.database_url)
    try:
        assert (await settle(database, clock.now()))["orders_settled"] == 1  # the scheduler's settlement job
    finally:
        await database.dispose()
    await member.goto("/me/points")
    await expect(member.get_by_text("待审核").first).to_be_visible()

    auditor = await _staff(browser, site, world, world.auditor)
    await auditor.goto("/audit/points")
    row = auditor.get_by_role("row").filter(has_text="帮忙买一袋大米")
    await expect(row).to_contain_text("待审核")
    await screenshot(auditor, "auditor-points")
    await row.get_by_label("审核意见").fill("已核实")
    await row.get_by_role("button", name="入账").click()
    await expect(auditor.get_by_role("status")).to_be_visible()
    await member.goto("/me/points")
    await expect(member.locator(".big").first).not_to_have_text("0")
    await screenshot(member, "member-points")


MAIN_PAGES = [
    ("resident", "/orders/new", "我要点单"), ("resident", "/orders", "我的订单"),
    ("member", "/offers", "派给我的"), ("member", "/board", "抢单大厅"), ("member", "/work", "我在办的"),
    ("member", "/me/points", "我的积分"), ("member", "/me/profile", "我的资料"),
    ("dispatcher", "/staff/review", "待审核"), ("dispatcher", "/staff/dispatch", "派单"),
    ("dispatcher", "/staff/orders", "订单"), ("dispatcher", "/staff/supervision", "督办"),
    ("dispatcher", "/staff/summons", "吹哨"), ("dispatcher", "/staff/visits", "走访"),
    ("auditor", "/audit/points", "积分审核"), ("auditor", "/audit/ratings", "星级评定"),
    ("auditor", "/audit/kpis", "考核指标"), ("auditor", "/audit/exports", "台账导出"),
    ("admin", "/admin", "系统管理"),
]
# Every visible form control has a label a screen reader reads out; the page fits a 375 px phone.
PAGE_CHECKS = """() => {
  const unlabelled = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.closest('label'))
    .map(el => el.name || el.id);
  return {unlabelled, width: document.documentElement.scrollWidth,
          font: parseFloat(getComputedStyle(document.body).fontSize)};
}"""


async def test_every_main_page_reads_on_a_phone_with_every_field_labelled(
        browser: Browser, settings: Settings, clock: ManualClock, database: Database) -> None:
    """On the demo district, so that the screenshots show what people would see."""
    async with database.transaction() as session:
        logins = {login.role: login.login for login in await seed_demo(session, clock.now())}
    await settle_points(database, clock.now(), ZONE)
    people = {"resident": logins["居民"], "member": logins["在职党员"], "dispatcher": logins["社区工作者"],
              "auditor": logins["组织部门"], "admin": logins["系统管理员"]}
    async with live_server(settings, clock) as site:
        pages = {role: await _login(browser, site, login, DEMO_PASSWORD) for role, login in people.items()}
        for role, path, heading in MAIN_PAGES:
            page = pages[role]
            response = await page.goto(path)
            assert response is not None and response.status == 200, path
            await expect(page.get_by_role("heading", level=1).first).to_contain_text(heading)
            checks = await page.evaluate(PAGE_CHECKS)
            assert checks["unlabelled"] == [], (path, checks["unlabelled"])
            assert checks["font"] >= 16 and checks["width"] <= PHONE["width"], (path, checks)
            await screenshot(page, f"{role}{path.replace('/', '-')}")
