"""Every route declares who may call it; a route without a policy fails here before it can ship."""

from __future__ import annotations

from litestar import Litestar

from market.access import Policy
from market.app import create_app
from market.settings import Settings
from tests.conftest import SECRET

# Litestar answers these itself: the OpenAPI documents (declared public through their router) and
# the automatic OPTIONS handler of each path.
AUTOMATIC = {"OPTIONS"}


def _app() -> Litestar:
    return create_app(Settings(database_url="sqlite+aiosqlite:///unused.db", secret_key=SECRET))


def _handlers(app: Litestar):  # noqa: ANN202 - yields (path, methods, handler)
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            methods = set(handler.http_methods)
            if methods and not methods <= AUTOMATIC:
                yield route.path, methods, handler


def test_every_route_declares_a_policy() -> None:
    missing = [f"{sorted(m)} {path}" for path, m, h in _handlers(_app()) if not isinstance(h.opt.get("policy"), Policy)]
    assert missing == []


def test_only_a_few_routes_are_public() -> None:
    public = {path for path, _, h in _handlers(_app()) if h.opt["policy"].public and not path.startswith("/schema")}
    assert public == {"/health", "/api/meta", "/api/areas", "/api/auth/login", "/api/auth/refresh",
                      "/api/auth/register", "/", "/login", "/register", "/static/{file_path:path}"}


def test_pages_know_their_caller_by_the_cookie_and_the_api_by_the_token() -> None:
    for path, _, handler in _handlers(_app()):
        api = path.startswith(("/api", "/schema", "/health"))
        assert handler.opt["policy"].page is (not api and path != "/static/{file_path:path}"), path


def test_protected_routes_name_at_least_one_role() -> None:
    assert all(h.opt["policy"].public or h.opt["policy"].roles for _, _, h in _handlers(_app()))


async def test_a_protected_route_without_a_token_answers_401(client) -> None:  # noqa: ANN001
    response = await client.get("/api/orders")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


async def test_a_role_not_in_the_policy_answers_403(client, world, database) -> None:  # noqa: ANN001
    from tests.market.world import bearer

    [resident] = await bearer(database, [world.resident], SECRET)
    response = await client.get("/api/accounts", headers=resident)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


async def test_the_openapi_document_summarises_every_route_with_its_roles_and_an_example_body(client) -> None:  # noqa: ANN001
    document = (await client.get("/schema/openapi.json")).json()
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not operation.get("summary"):
                missing.append(f"{method} {path}: no summary")
            if operation.get("description", "").count("权限：") != 1:
                missing.append(f"{method} {path}: its roles not said once in the description")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if not media["schema"].get("examples"):
                    missing.append(f"{method} {path}: no example body")
    assert missing == []
