"""In a real browser: a wish from a resident's phone, through every role's pages, to its rating and its points."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from market.clock import ManualClock
from market.settings import Settings
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
    """A phone-sized browser of one person, signed in through the login page."""
    context = await browser.new_context(viewport=PHONE, base_url=site, locale="zh-CN")
    page = await context.new_page()
    await page.goto("/login")
    await page.get_by_label("手机号或用户名").fill(world.login_of(account_id))
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
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
