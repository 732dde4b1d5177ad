"""The admin's pages (系统管理): areas, staff accounts and grants, categories, the SLA policy and the point rules.

Used as a browser without JavaScript would: sign in on the login page, send each form with the page's CSRF token.
"""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from market.database import Database
from market.models import Account, Area, Category, Order, RoleGrant, SlaPolicy
from market.points.rules import PointRules
from tests.conftest import SECRET
from tests.market.flows import signed_in
from tests.market.world import World, bearer
from tests.pages.browsing import alerts, browser
from tests.pages.browsing import submit as send

PAGES = [("/admin", "系统管理"), ("/admin/areas", "区域"), ("/admin/accounts", "账号与授权"),
         ("/admin/categories", "服务类别"), ("/admin/sla", "办理时限"), ("/admin/rules", "积分规则")]


def _rules_form(page: str) -> dict[str, str]:
    """Every number field of the rules form with the value it shows (the current rules)."""
    return {name: value for name, value in re.findall(r'name="([a-z_.0-9]+)" type="number" value="([^"]*)"', page)}


@pytest.mark.parametrize(("path", "heading"), PAGES)
async def test_each_page_renders_in_chinese_for_an_admin(client: httpx.AsyncClient, world: World, path: str,
                                                         heading: str) -> None:
    async with browser(client, world.login_of(world.admin)) as http:
        page = await http.get(path)
    assert page.status_code == 200 and f"<h1>{heading}" in page.text and 'lang="zh-CN"' in page.text
    assert f'href="{path}" aria-current="page"' in page.text


async def test_other_roles_are_refused_and_strangers_are_sent_to_sign_in(client: httpx.AsyncClient,
                                                                         world: World) -> None:
    async with browser(client, world.login_of(world.auditor)) as auditor, \
            browser(client, world.login_of(world.dispatcher)) as dispatcher, \
            browser(client, world.login_of(world.resident)) as resident, browser(client, None) as stranger:
        for path, _ in [*PAGES, (f"/admin/accounts/{world.auditor}", "")]:
            for http in (auditor, dispatcher, resident):
                refused = await http.get(path)
                assert refused.status_code == 403 and "没有权限" in refused.text, path
            sent = await stranger.get(path)
            assert sent.status_code in (302, 303) and sent.headers["location"] == f"/login?next={path}"


async def test_an_admin_adds_a_grid_under_a_community(client: httpx.AsyncClient, world: World,
                                                      database: Database) -> None:
    async with browser(client, world.login_of(world.admin)) as http:
        done = await send(http, "/admin/areas", "/admin/areas", {"parent_id": str(world.community), "code": "t-c1-g2",
                                                                 "name": "春晖社区第2网格", "latitude": "30.26"})
        assert done.status_code in (302, 303) and "ok=admin_area_created" in done.headers["location"]
        tree = await http.get(done.headers["location"])
    async with database.transaction(write=False) as session:
        made = await session.scalar(select(Area).where(Area.code == "t-c1-g2"))
        community = await session.get(Area, world.community)
    assert made is not None and community is not None
    assert (made.level, made.parent_id, made.path, made.latitude) == ("grid", world.community,
                                                                      f"{community.path}{made.id}/", 30.26)
    assert "区域已新增" in tree.text and f'id="area-{made.id}"' in tree.text and "春晖社区第2网格" in tree.text


async def test_a_bad_area_comes_back_with_the_entry_kept_and_the_field_marked(client: httpx.AsyncClient,
                                                                              world: World) -> None:
    async with browser(client, world.login_of(world.admin)) as http:
        unnamed = await send(http, "/admin/areas", "/admin/areas", {"parent_id": str(world.community),
                                                                    "code": "t-new"})
        taken = await send(http, "/admin/areas", "/admin/areas", {"parent_id": str(world.community),
                                                                  "code": "t-c1", "name": "重名编码"})
        under_grid = await send(http, "/admin/areas", "/admin/areas", {"parent_id": str(world.grid),
                                                                       "code": "t-x", "name": "网格下"})
    assert unnamed.status_code == 400 and "请填写区域名称" in alerts(unnamed.text) and 'value="t-new"' in unnamed.text
    assert 'aria-describedby="name-error"' in unnamed.text
    assert taken.status_code == 409 and "区域编码已存在" in alerts(taken.text) and 'value="重名编码"' in taken.text
    assert under_grid.status_code == 400 and "网格下不能再分区域" in alerts(under_grid.text)


async def test_an_admin_creates_a_staff_account_with_a_grant_who_can_then_sign_in_and_work(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    async with browser(client, world.login_of(world.admin)) as http:
        done = await send(http, "/admin/accounts", "/admin/accounts", {
            "username": "wang.audit", "display_name": "王审核", "password": "a-good-password",
            "role": "auditor", "area_id": str(world.street)})
        assert done.status_code in (302, 303) and "ok=admin_staff_created" in done.headers["location"]
        page = await http.get(done.headers["location"])
    assert "账号已新建" in page.text and "王审核" in page.text and "组织部门" in page.text
    async with database.transaction(write=False) as session:
        account = await session.scalar(select(Account).where(Account.username == "wang.audit"))
        assert account is not None
        grants = (await session.scalars(select(RoleGrant).where(RoleGrant.account_id == account.id))).all()
    assert [(g.role, g.area_id, g.granted_by_id) for g in grants] == [("auditor", world.street, world.admin)]
    async with browser(client, "wang.audit", "a-good-password") as newcomer:
        assert (await newcomer.get("/audit/points")).status_code == 200


async def test_a_staff_account_with_a_bad_password_or_a_taken_name_comes_back_and_nothing_is_made(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    async with browser(client, world.login_of(world.admin)) as http:
        short = await send(http, "/admin/accounts", "/admin/accounts", {
            "username": "li.dispatch", "display_name": "李社工", "password": "short", "role": "dispatcher",
            "area_id": str(world.community)})
        taken = await send(http, "/admin/accounts", "/admin/accounts", {
            "username": "auditor", "display_name": "重名", "password": "a-good-password"})
        no_area = await send(http, "/admin/accounts", "/admin/accounts", {
            "username": "zhao.dispatch", "display_name": "赵社工", "password": "a-good-password",
            "role": "dispatcher"})
    assert short.status_code == 400 and "密码至少 8 位" in alerts(short.text)
    assert 'value="li.dispatch"' in short.text and 'value="short"' not in short.text
    assert 'aria-describedby="password-error"' in short.text
    assert taken.status_code == 409 and "用户名 auditor 已存在" in alerts(taken.text)
    assert no_area.status_code == 400 and "请选择授权的区域" in alerts(no_area.text)
    async with database.transaction(write=False) as session:
        made = (await session.scalars(select(Account.username).where(
            Account.username.in_(["li.dispatch", "zhao.dispatch"])))).all()
    assert made == []


async def test_granting_and_revoking_a_role_takes_effect_on_the_accounts_next_request(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    account_page = f"/admin/accounts/{world.auditor}"
    async with browser(client, world.login_of(world.admin)) as admin, \
            browser(client, world.login_of(world.auditor)) as auditor:
        assert (await auditor.get("/staff/review")).status_code == 403
        granted = await send(admin, account_page, f"{account_page}/grants", {"role": "dispatcher",
                                                                            "area_id": str(world.community)})
        assert granted.headers["location"] == f"{account_page}?ok=admin_role_granted"
        assert (await auditor.get("/staff/review")).status_code == 200
        async with database.transaction(write=False) as session:
            grant = await session.scalar(select(RoleGrant).where(RoleGrant.account_id == world.auditor,
                                                                 RoleGrant.role == "dispatcher"))
        assert grant is not None and grant.area_id == world.community
        revoked = await send(admin, account_page, f"/admin/grants/{grant.id}/revoke", {})
        assert revoked.headers["location"] == f"{account_page}?ok=admin_grant_revoked"
        assert (await auditor.get("/staff/review")).status_code == 403
        bad = await send(admin, account_page, f"{account_page}/grants", {"role": "unit_admin",
                                                                        "area_id": str(world.street)})
    assert bad.status_code == 400 and "单位管理员须选择所管理的单位" in alerts(bad.text)
    assert '<option value="unit_admin" selected>' in bad.text


async def test_an_admin_renames_and_retires_a_category_which_leaves_the_residents_picker(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    async with browser(client, world.login_of(world.admin)) as http:
        done = await send(http, "/admin/categories", "/admin/categories/repair", {
            "name": "家电维修", "icon": "🔧", "description": "空调、冰箱、洗衣机上门维修"})
        assert done.headers["location"] == "/admin/categories?ok=admin_category_saved#category-repair"
    async with database.transaction(write=False) as session:
        category = await session.get(Category, "repair")
    assert category is not None
    assert (category.name, category.icon, category.description, category.is_active) == (
        "家电维修", "🔧", "空调、冰箱、洗衣机上门维修", False)
    assert "repair" not in {c["code"] for c in (await client.get("/api/meta")).json()["categories"]}
    async with browser(client, world.login_of(world.resident)) as resident:
        picker = await resident.get("/orders/new")
    assert 'value="repair"' not in picker.text


async def test_a_category_without_a_name_comes_back_with_the_entry_kept(client: httpx.AsyncClient, world: World,
                                                                        database: Database) -> None:
    async with browser(client, world.login_of(world.admin)) as http:
        again = await send(http, "/admin/categories", "/admin/categories/repair", {
            "name": "", "icon": "🛠", "description": "新的说明", "is_active": "true"})
    assert again.status_code == 400 and "请填写类别名称" in alerts(again.text)
    assert 'value="新的说明"' in again.text and 'aria-describedby="name-repair-error"' in again.text
    async with database.transaction(write=False) as session:
        category = await session.get(Category, "repair")
    assert category is not None and category.description != "新的说明" and category.is_active


async def test_new_sla_minutes_set_the_deadlines_of_orders_approved_afterwards(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    form = {f"{t}.{part}": str(minutes) for t in ("general", "coordinate", "emergency", "approval")
            for part, minutes in (("accept", 30), ("complete", 600))}
    async with browser(client, world.login_of(world.admin)) as http:
        done = await send(http, "/admin/sla", "/admin/sla/service", form)
        assert done.headers["location"] == "/admin/sla?ok=admin_sla_saved#sla-service"
        page = await http.get(done.headers["location"])
    assert "现为接单 30 分钟，办结 10 小时" in page.text
    async with database.transaction(write=False) as session:
        policy = await session.get(SlaPolicy, ("service", "general"))
    assert policy is not None and (policy.accept_minutes, policy.complete_minutes) == (30, 600)
    flows = await signed_in(client, world, database, world.resident, world.dispatcher)
    made = await flows.order_in("open")
    async with database.transaction(write=False) as session:
        order = await session.get(Order, made.order_id)
    assert order is not None and order.due_at is not None and order.accept_due_at is not None
    assert order.due_at - order.accept_due_at == timedelta(minutes=600 - 30)


async def test_sla_minutes_that_finish_before_acceptance_come_back_marked_and_nothing_changes(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    form = {f"{t}.{part}": "60" for t in ("general", "coordinate", "emergency", "approval")
            for part in ("accept", "complete")}
    form["general.complete"] = "120"
    async with browser(client, world.login_of(world.admin)) as http:
        again = await send(http, "/admin/sla", "/admin/sla/wish", form)
    assert again.status_code == 400 and "办结时限须长于接单时限" in alerts(again.text)
    assert 'aria-describedby="complete-wish-coordinate-error"' in again.text
    assert 'id="complete-wish-coordinate" name="coordinate.complete" type="number" value="60"' in again.text
    async with database.transaction(write=False) as session:
        general = await session.get(SlaPolicy, ("wish", "general"))
    assert general is not None and general.complete_minutes != 120  # the whole kind is saved or none of it


async def test_an_admin_writes_a_new_rules_version_from_the_form(client: httpx.AsyncClient, world: World,
                                                                 database: Database) -> None:
    async with browser(client, world.login_of(world.admin)) as http:
        page = await http.get("/admin/rules")
        form = _rules_form(page.text)
        assert form["base_default"] == str(PointRules().base_default) and form["stars.bands.4"] == "96"
        done = await send(http, "/admin/rules", "/admin/rules", {
            **form, "base_default": "12", "daily_cap": "60", "base_by_category.repair": "15",
            "note": "维修类基础分提高到 15"})
        assert done.headers["location"] == "/admin/rules?ok=admin_rules_saved"
        after = await http.get(done.headers["location"])
    assert "新版积分规则已发布" in after.text and "现行第 <strong>2</strong> 版" in after.text
    [headers] = await bearer(database, [world.auditor], SECRET)
    current = (await client.get("/api/points/rules", headers=headers)).json()
    assert current["version"] == 2 and current["note"] == "维修类基础分提高到 15"
    assert (current["rules"]["base_default"], current["rules"]["daily_cap"]) == (12, 60)
    assert current["rules"]["base_by_category"] == {"repair": 15}
    assert current["rules"]["stars"] == {**current["rules"]["stars"], "bands": [60, 70, 80, 90, 96]}


async def test_bad_rules_come_back_with_chinese_errors_on_their_fields_and_no_new_version(
        client: httpx.AsyncClient, world: World, database: Database) -> None:
    async with browser(client, world.login_of(world.admin)) as http:
        form = _rules_form((await http.get("/admin/rules")).text)
        out_of_bounds = await send(http, "/admin/rules", "/admin/rules", {
            **form, "stars.bands.4": "120", "daily_cap": "abc", "note": ""})
        weights = await send(http, "/admin/rules", "/admin/rules", {
            **form, "stars.weight_points": "50", "note": "积分权重提高"})
    assert out_of_bounds.status_code == 400
    assert {"5 星最低分不能大于 100", "每人每日积分上限（0 为不设上限）须为整数",
            "请填写修改说明，如“维修类基础分提高到 15”"} <= set(alerts(out_of_bounds.text))
    assert 'name="stars.bands.4" type="number" value="120"' in out_of_bounds.text
    assert weights.status_code == 400 and "星级各项权重之和须为 100" in alerts(weights.text)
    assert 'value="积分权重提高"' in weights.text
    [headers] = await bearer(database, [world.auditor], SECRET)
    assert (await client.get("/api/points/rules", headers=headers)).json()["version"] == 1


async def test_the_category_and_sla_api_routes_are_for_admins(client: httpx.AsyncClient, world: World,
                                                              database: Database) -> None:
    admin, auditor = await bearer(database, [world.admin, world.auditor], SECRET)
    changed = await client.put("/api/categories/repair", headers=admin,
                               json={"name": "维修", "icon": "🔧", "description": "", "is_active": True})
    refused = await client.put("/api/categories/repair", headers=auditor, json={"name": "x", "icon": "x"})
    policies = await client.get("/api/sla-policies", headers=admin)
    bad = await client.put("/api/sla-policies/visit/general", headers=admin,
                           json={"accept_minutes": 0, "complete_minutes": 10})
    assert changed.status_code == 200 and changed.json()["name"] == "维修"
    assert refused.status_code == 403
    assert policies.status_code == 200 and len(policies.json()) == 16
    assert bad.status_code == 400 and bad.json()["field"] == "accept_minutes"

