"""One error body everywhere: domain errors, Litestar's errors, validation and the unexpected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import msgspec
import pytest
from litestar import Litestar, get, post
from litestar.params import JSONBody
from litestar.testing import AsyncTestClient

from market.errors import EXCEPTION_HANDLERS, Conflict


class Probe(msgspec.Struct, forbid_unknown_fields=True):
    phone: str
    urgency: Annotated[int, msgspec.Meta(ge=1, le=5)]
    password: Annotated[str, msgspec.Meta(min_length=8)] = "long enough"


@post("/probe")
async def probe(data: JSONBody[Probe]) -> dict[str, bool]:
    return {"ok": bool(data)}


@get("/conflict")
async def conflict() -> None:
    raise Conflict("订单状态已变化", details={"current_state": "accepted"})


@get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals")


@pytest.fixture
async def client() -> AsyncIterator[AsyncTestClient]:
    app = Litestar([probe, conflict, boom], exception_handlers=EXCEPTION_HANDLERS, request_max_body_size=200)
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(("body", "field", "message"), [
    ('{"phone": "1", "urgency": "high"}', "urgency", "字段 urgency 的值不正确"),
    ('{"phone": "1"}', "urgency", "缺少必填字段 urgency"),
    ('{"phone": "1", "urgency": 1, "admin": true}', "admin", "不允许的字段 admin"),
    ('{"phone": "1", "urgency": 6}', "urgency", "urgency 不能大于 5"),
    ('{"phone": "1", "urgency": 0}', "urgency", "urgency 不能小于 1"),
    ('{"phone": "1", "urgency": 1, "password": "short"}', "password", "password 至少 8 个字符"),
])
async def test_a_bad_body_names_the_field_in_chinese(client: AsyncTestClient, body: str, field: str,
                                                     message: str) -> None:
    response = await client.post("/probe", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"], response.json()["message"]) == ("invalid", field, message)


async def test_a_missing_body_says_so_without_naming_a_field_that_does_not_exist(client: AsyncTestClient) -> None:
    response = await client.post("/probe", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["message"] == "请求内容须为 JSON 对象"
    assert "field" not in response.json() and "details" not in response.json()


async def test_malformed_json_is_a_400_in_the_same_shape(client: AsyncTestClient) -> None:
    response = await client.post("/probe", content="{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


async def test_an_oversized_body_is_refused(client: AsyncTestClient) -> None:
    response = await client.post("/probe", json={"phone": "1" * 500, "urgency": 1})
    assert response.status_code == 413 and response.json()["code"] == "too_large"


async def test_a_domain_error_keeps_its_status_and_details(client: AsyncTestClient) -> None:
    response = await client.get("/conflict")
    assert response.status_code == 409
    assert response.json() == {"status": 409, "code": "conflict", "message": "订单状态已变化",
                               "details": {"current_state": "accepted"}}


async def test_unknown_routes_and_methods_use_the_error_body(client: AsyncTestClient) -> None:
    missing, wrong_method = await client.get("/nowhere"), await client.delete("/probe")
    assert missing.json() == {"status": 404, "code": "not_found", "message": "未找到"}
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"


async def test_an_unexpected_error_hides_its_internals(client: AsyncTestClient) -> None:
    response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"status": 500, "code": "internal_error", "message": "服务器内部错误，请稍后再试"}
    assert "secret internals" not in response.text
