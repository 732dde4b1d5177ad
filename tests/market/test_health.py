"""GET /health: the database is reachable, with the version and the database kind."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from market import __version__
from market.app import create_app
from market.settings import Settings
from tests.conftest import SECRET


async def test_health_reports_version_and_database_kind(settings: Settings, backend: str) -> None:
    async with AsyncTestClient(create_app(settings)) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__, "database": backend}


async def test_health_answers_503_when_the_database_is_unreachable(tmp_path) -> None:  # noqa: ANN001
    unreachable = Settings(database_url=f"postgresql+psycopg://nobody@/market?host={tmp_path}&connect_timeout=2",
                           secret_key=SECRET)
    async with AsyncTestClient(create_app(unreachable)) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": 503, "code": "unavailable", "message": "数据库暂时无法访问",
                               "details": {"database": "postgresql"}}


async def test_the_openapi_document_and_docs_page_are_served(settings: Settings) -> None:
    async with AsyncTestClient(create_app(settings)) as client:
        schema = (await client.get("/schema/openapi.json")).json()
        docs = await client.get("/schema")
    assert schema["paths"]["/health"]["get"]["summary"] == "服务健康检查"
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
