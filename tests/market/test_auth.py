"""Accounts: registration, login and its limits, short-lived tokens, refresh, logout and deactivation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient

from market.app import create_app
from market.clock import ManualClock
from market.settings import Settings
from tests.market.world import PASSWORD, World, login

REGISTRATION = {"phone": "+86 138-1234-5678", "password": "a-good-password", "display_name": "张阿姨",
                "address": "和平路12号3幢2单元1203室"}


async def test_a_resident_registers_with_a_normalised_phone_and_logs_in(client: AsyncTestClient, world: World) -> None:
    registered = await client.post("/api/auth/register", json={**REGISTRATION, "grid_id": world.grid})
    assert registered.status_code == 201, registered.text
    assert registered.json()["phone"] == "13812345678"
    assert [g["role"] for g in registered.json()["grants"]] == ["resident"]
    logged_in = await client.post("/api/auth/login", json={"login": "138 1234 5678", "password": "a-good-password"})
    assert logged_in.status_code == 200 and logged_in.json()["expires_in"] <= 15 * 60
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {logged_in.json()['access_token']}"})
    assert me.json()["display_name"] == "张阿姨"


@pytest.mark.parametrize(("change", "field"), [
    ({"phone": "12345"}, "phone"), ({"phone": "021-12345678"}, "phone"), ({"password": "short"}, "password"),
    ({"grid_id": 999_999}, "grid_id"), ({"tags": ["unknown"]}, "tags"), ({"surname": "张"}, "surname"),
])
async def test_bad_registration_names_the_field_and_writes_nothing(client: AsyncTestClient, world: World,
                                                                   change: dict, field: str) -> None:
    response = await client.post("/api/auth/register", json={**REGISTRATION, "grid_id": world.grid, **change})
    assert response.status_code == 400 and response.json()["field"] == field
    again = await client.post("/api/auth/register", json={**REGISTRATION, "grid_id": world.grid})
    assert again.status_code == 201  # the failed try left nothing behind to collide with


async def test_a_phone_registers_once(client: AsyncTestClient, world: World) -> None:
    first = await client.post("/api/auth/register", json={**REGISTRATION, "grid_id": world.grid})
    second = await client.post("/api/auth/register", json={**REGISTRATION, "grid_id": world.grid})
    assert first.status_code == 201 and second.status_code == 409 and second.json()["field"] == "phone"


async def test_an_access_token_expires_after_15_minutes(client: AsyncTestClient, world: World,
                                                        clock: ManualClock) -> None:
    headers = await login(client, world.login_of(world.resident))
    clock.advance(timedelta(minutes=14, seconds=59))
    assert (await client.get("/api/me", headers=headers)).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert (await client.get("/api/me", headers=headers)).status_code == 401


async def test_refresh_rotates_and_an_old_refresh_token_is_useless(client: AsyncTestClient, world: World) -> None:
    tokens = (await client.post("/api/auth/login", json={"login": world.login_of(world.resident),
                                                          "password": PASSWORD})).json()
    fresh = await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert fresh.status_code == 200 and fresh.json()["refresh_token"] != tokens["refresh_token"]
    replayed = await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert replayed.status_code == 401


async def test_logout_revokes_the_access_token_at_once(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world.login_of(world.resident))
    assert (await client.post("/api/auth/logout", headers=headers)).status_code == 204
    assert (await client.get("/api/me", headers=headers)).status_code == 401


async def test_deactivation_revokes_every_login_and_blocks_new_ones(client: AsyncTestClient, world: World) -> None:
    resident = await login(client, world.login_of(world.resident))
    admin = await login(client, world.login_of(world.admin))
    deactivated = await client.post(f"/api/accounts/{world.resident}/deactivate", headers=admin)
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False
    assert (await client.get("/api/me", headers=resident)).status_code == 401
    again = await client.post("/api/auth/login", json={"login": world.login_of(world.resident), "password": PASSWORD})
    assert again.status_code == 401


async def test_login_is_limited_per_account(client: AsyncTestClient, world: World, clock: ManualClock) -> None:
    target = world.login_of(world.resident)
    for _ in range(5):
        wrong = await client.post("/api/auth/login", json={"login": target, "password": "wrong-password"})
        assert wrong.status_code == 401 and wrong.json()["message"] == "账号或密码错误"
    blocked = await client.post("/api/auth/login", json={"login": target, "password": PASSWORD})
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "900"
    other = await client.post("/api/auth/login", json={"login": world.login_of(world.member), "password": PASSWORD})
    assert other.status_code == 200  # another account from the same client is not blocked yet
    clock.advance(timedelta(minutes=16))
    assert (await client.post("/api/auth/login", json={"login": target, "password": PASSWORD})).status_code == 200


async def test_login_is_limited_per_client_and_spoofed_forwarding_is_ignored(
        client: AsyncTestClient, world: World) -> None:
    for n in range(30):
        forged = {"X-Forwarded-For": f"10.0.0.{n}"}
        await client.post("/api/auth/login", json={"login": f"nobody{n}", "password": "x"}, headers=forged)
    blocked = await client.post("/api/auth/login", json={"login": world.login_of(world.member), "password": PASSWORD},
                                headers={"X-Forwarded-For": "10.9.9.9"})
    assert blocked.status_code == 429


async def test_a_trusted_proxy_forwards_the_client_address(settings: Settings, world: World,
                                                           clock: ManualClock) -> None:
    from msgspec.structs import replace

    behind_proxy = replace(settings, trusted_proxies=("testclient", "127.0.0.1"))
    async with AsyncTestClient(create_app(behind_proxy, clock=clock)) as proxied:
        for n in range(30):
            await proxied.post("/api/auth/login", json={"login": f"nobody{n}", "password": "x"},
                               headers={"X-Forwarded-For": "203.0.113.7"})
        other_client = await proxied.post("/api/auth/login", json={"login": world.login_of(world.member),
                                                                    "password": PASSWORD},
                                          headers={"X-Forwarded-For": "203.0.113.8"})
        same_client = await proxied.post("/api/auth/login", json={"login": world.login_of(world.member),
                                                                   "password": PASSWORD},
                                         headers={"X-Forwarded-For": "203.0.113.7"})
    assert other_client.status_code == 200 and same_client.status_code == 429


async def test_a_new_grant_reaches_a_signed_in_caller_within_five_seconds(client: AsyncTestClient, world: World,
                                                                          clock: ManualClock) -> None:
    member = await login(client, world.login_of(world.second_member))
    admin = await login(client, world.login_of(world.admin))
    assert (await client.get("/api/accounts", headers=member)).status_code == 403
    granted = await client.post(f"/api/accounts/{world.second_member}/grants", headers=admin,
                                json={"role": "admin", "area_id": world.street})
    assert granted.status_code == 201
    clock.advance(timedelta(seconds=5))
    assert (await client.get("/api/accounts", headers=member)).status_code == 200


async def test_staff_user_names_with_dashes_dots_and_underscores_log_in(client: AsyncTestClient, world: World) -> None:
    admin = await login(client, world.login_of(world.admin))
    for username in ("demo-dispatcher", "wang.li", "zhao_1"):
        made = await client.post("/api/accounts", headers=admin,
                                 json={"username": username, "display_name": "社工", "password": "a-good-password"})
        assert made.status_code == 201, made.text
        logged_in = await client.post("/api/auth/login", json={"login": username, "password": "a-good-password"})
        assert logged_in.status_code == 200, username
    squeezed = await client.post("/api/auth/login", json={"login": "demodispatcher", "password": "a-good-password"})
    assert squeezed.status_code == 401
