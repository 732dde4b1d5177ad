"""The resident's pages: sign in, post a wish or a need, follow it, rate it, cancel it, and nothing of others'."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from market.database import Database
from market.models import AuthSession, Order
from tests.market.flows import signed_in
from tests.market.world import PASSWORD, World
from tests.pages.browsing import alerts, csrf_of, sign_in, submit

WISH_FORM = {"kind": "wish", "category": "goods_wish", "title": "想要一个新书包", "description": "孩子的书包破了",
             "urgency": "2", "budget_yuan": "120"}


async def _post(client: AsyncTestClient, form: dict[str, str]):  # noqa: ANN202 - the response
    page = await client.get("/orders/new")
    key = re.search(r'name="form_key" value="([^"]+)"', page.text).group(1)
    return await client.post("/orders/new", data={**form, "form_key": key, "_csrf_token": csrf_of(page.text)},
                             follow_redirects=False)


async def test_signed_out_pages_send_you_to_the_login_page(client: AsyncTestClient, world: World) -> None:
    response = await client.get("/orders/new")
    assert (response.status_code, response.headers["location"]) == (302, "/login?next=/orders/new")
    assert (await client.get("/", follow_redirects=False)).headers["location"] == "/login"


async def test_a_resident_signs_in_and_lands_on_their_first_page(client: AsyncTestClient, world: World) -> None:
    await sign_in(client, world, world.resident)
    assert (await client.get("/", follow_redirects=False)).headers["location"] == "/orders/new"
    cookie = next(c for c in client.cookies.jar if c.name == "market_session")
    assert cookie.has_nonstandard_attr("HttpOnly")


async def test_a_wrong_password_comes_back_in_chinese_with_the_login_kept(client: AsyncTestClient,
                                                                          world: World) -> None:
    page = await client.get("/login")
    response = await client.post("/login", data={"login": world.login_of(world.resident), "password": "nope-nope",
                                                 "_csrf_token": csrf_of(page.text)})
    assert response.status_code == 401 and "账号或密码错误" in alerts(response.text)
    assert f'value="{world.login_of(world.resident)}"' in response.text


async def test_a_wish_posted_on_the_page_becomes_an_order_shown_with_its_timeline(
        client: AsyncTestClient, world: World, database: Database) -> None:
    await sign_in(client, world, world.resident)
    form = await client.get("/orders/new")
    assert "和平路12号3幢2单元1203室" in form.text and "物资心愿" in form.text  # home address prefilled, categories by name
    response = await _post(client, WISH_FORM)
    assert response.status_code == 302
    page = await client.get(response.headers["location"])
    assert "想要一个新书包" in page.text and "已提交" in page.text and "待审核" in page.text
    async with database.transaction(write=False) as session:
        order = await session.scalar(select(Order).where(Order.requester_id == world.resident))
    assert (order.kind, order.budget_fen, order.title) == ("wish", 12000, "想要一个新书包")
    assert "想要一个新书包" in (await client.get("/orders")).text


async def test_a_bad_form_comes_back_with_the_field_marked_and_the_entry_kept(
        client: AsyncTestClient, world: World, database: Database) -> None:
    await sign_in(client, world, world.resident)
    response = await _post(client, {**WISH_FORM, "title": "", "description": "要一个蓝色的"})
    assert response.status_code == 400
    assert "请填写简要标题" in alerts(response.text)
    assert "要一个蓝色的" in response.text and 'aria-invalid="true"' in response.text
    over = await _post(client, {**WISH_FORM, "budget_yuan": "99999"})
    assert over.status_code == 400 and any("预算" in a or "budget" in a for a in alerts(over.text)), alerts(over.text)
    async with database.transaction(write=False) as session:
        assert await session.scalar(select(Order.id)) is None


async def test_the_same_form_sent_twice_makes_one_order(client: AsyncTestClient, world: World,
                                                        database: Database) -> None:
    await sign_in(client, world, world.resident)
    page = await client.get("/orders/new")
    data = {**WISH_FORM, "form_key": re.search(r'name="form_key" value="([^"]+)"', page.text).group(1),
            "_csrf_token": csrf_of(page.text)}
    first = await client.post("/orders/new", data=data)
    second = await client.post("/orders/new", data=data)
    assert first.headers["location"] == second.headers["location"]


async def test_a_form_without_its_csrf_token_is_refused(client: AsyncTestClient, world: World) -> None:
    await sign_in(client, world, world.resident)
    response = await client.post("/orders/new", data=WISH_FORM)
    assert response.status_code == 403


async def test_a_resident_cannot_open_another_residents_order(client: AsyncTestClient, world: World,
                                                              database: Database) -> None:
    flows = await signed_in(client, world, database, world.other_resident)
    theirs = await flows.call("POST", "/api/orders", world.other_resident, json={
        "kind": "service", "category": "repair", "title": "修水管", "description": "漏水"})
    await sign_in(client, world, world.resident)
    response = await client.get(f"/orders/{theirs['id']}")
    assert response.status_code == 404 and "订单不存在" in response.text and "修水管" not in response.text


async def test_rating_a_completed_order_on_its_page(client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await signed_in(client, world, database, world.resident, world.dispatcher, world.member)
    made = await flows.order_in("completed")
    await sign_in(client, world, world.resident)
    url = f"/orders/{made.order_id}"
    unrated = await submit(client, url, f"{url}/rate", {"comment": "谢谢"})
    assert unrated.status_code == 400 and "请选择 1 到 5 颗星" in alerts(unrated.text) and "谢谢" in unrated.text
    rated = await submit(client, url, f"{url}/rate", {"stars": "5", "comment": "非常感谢"})
    assert rated.status_code == 302
    page = await client.get(rated.headers["location"])
    assert "感谢您的评价" in page.text and "已确认" in page.text


async def test_cancelling_before_acceptance_needs_a_reason(client: AsyncTestClient, world: World,
                                                           database: Database) -> None:
    await sign_in(client, world, world.resident)
    location = (await _post(client, WISH_FORM)).headers["location"]
    url = location.split("?")[0]
    missing = await submit(client, url, f"{url}/cancel", {"reason": " "})
    assert missing.status_code == 400 and "请说明撤销的原因" in alerts(missing.text)
    done = await submit(client, url, f"{url}/cancel", {"reason": "已经买到了"})
    assert done.status_code == 302 and "已撤销" in (await client.get(done.headers["location"])).text


async def test_signing_out_ends_the_session(client: AsyncTestClient, world: World, database: Database) -> None:
    await sign_in(client, world, world.resident)
    response = await submit(client, "/orders", "/logout", {})
    assert response.headers["location"] == "/login"
    async with database.transaction(write=False) as session:
        assert (await session.scalars(select(AuthSession.revoked_at))).all()[-1] is not None
    assert (await client.get("/orders")).status_code == 302


async def test_the_evidence_photo_shows_on_the_residents_page_and_to_nobody_else(
        client: AsyncTestClient, world: World, database: Database) -> None:
    flows = await signed_in(client, world, database, world.resident, world.dispatcher, world.member)
    made = await flows.order_in("completed")
    await sign_in(client, world, world.resident)
    page = await client.get(f"/orders/{made.order_id}")
    src = f"/photos/{made.order_id}/{made.photo_id}"
    assert f'src="{src}"' in page.text
    photo = await client.get(src)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png"
    await submit(client, "/orders", "/logout", {})
    await sign_in(client, world, world.other_resident)
    assert (await client.get(src)).status_code == 404


async def test_over_https_the_session_cookie_is_secure(client: AsyncTestClient, world: World) -> None:
    import httpx

    transport = httpx.ASGITransport(app=client.app, client=("203.0.113.9", 50000))  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="https://market.test") as browser:
        page = await browser.get("/login")
        response = await browser.post("/login", data={"login": world.login_of(world.resident), "password": PASSWORD,
                                                      "_csrf_token": csrf_of(page.text)})
    session_cookie = response.headers["set-cookie"]
    assert "market_session=" in session_cookie and "Secure" in session_cookie and "HttpOnly" in session_cookie
    assert "SameSite=lax" in session_cookie or "samesite=lax" in session_cookie.lower()


async def test_an_unknown_address_is_a_chinese_page_for_people_and_json_for_the_api(client: AsyncTestClient,
                                                                                   world: World) -> None:
    page = await client.get("/no-such-page")
    assert page.status_code == 404 and "<h1>抱歉</h1>" in page.text and "未找到" in page.text
    api = await client.get("/api/no-such-route")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


async def test_pages_are_never_kept_by_the_browser(client: AsyncTestClient, world: World) -> None:
    await sign_in(client, world, world.resident)
    assert (await client.get("/orders")).headers["cache-control"] == "no-store"
