"""Fixtures: every test that asks for a database runs once on SQLite and once on PostgreSQL.

PostgreSQL comes from MARKET_TEST_POSTGRES_URL if set, else from a throwaway cluster started here
when PostgreSQL is installed. Without one, the PostgreSQL runs are skipped, or fail when
MARKET_TEST_REQUIRE_POSTGRES=1 (as in CI). Each test gets a fresh copy of a database migrated once.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from market import migrate
from market.database import Database
from market.settings import Settings
from tests import pgcluster

BACKENDS = ["sqlite", "postgresql"]
TEMPLATE_DB = "market_template"
SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str | None]:
    """The URL of a PostgreSQL maintenance database where test databases can be created, or None."""
    given = os.environ.get("MARKET_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    if pgcluster.find_bin_dir() is None:
        yield None
        return
    folder, url = pgcluster.start()
    try:
        yield url
    finally:
        pgcluster.stop(folder)


def _require_postgres(url: str | None) -> str:
    if url is None:
        if os.environ.get("MARKET_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (MARKET_TEST_REQUIRE_POSTGRES=1) but none is available")
        pytest.skip("no PostgreSQL available: set MARKET_TEST_POSTGRES_URL or install PostgreSQL")
    return url


def _admin_engine(admin_url: str):  # noqa: ANN202 - a sync Engine in autocommit mode
    sync_url = make_url(admin_url).set(drivername="postgresql+psycopg")
    return create_engine(sync_url, isolation_level="AUTOCOMMIT")


def _pg_database_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def create_pg_database(admin_url: str, name: str, template: str = "template0") -> str:
    engine = _admin_engine(admin_url)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'))
    engine.dispose()
    return _pg_database_url(admin_url, name)


def drop_pg_database(admin_url: str, name: str) -> None:
    engine = _admin_engine(admin_url)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "market.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str | None) -> Iterator[str | None]:
    if postgres_admin_url is None:
        yield None
        return
    drop_pg_database(postgres_admin_url, TEMPLATE_DB)
    migrate.upgrade(create_pg_database(postgres_admin_url, TEMPLATE_DB))
    yield TEMPLATE_DB
    drop_pg_database(postgres_admin_url, TEMPLATE_DB)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, tmp_path: Path, sqlite_template: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database at head, with the shipped taxonomy and nothing else."""
    if backend == "sqlite":
        path = tmp_path / "market.db"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    admin_url = _require_postgres(request.getfixturevalue("postgres_admin_url"))
    template = request.getfixturevalue("postgres_template")
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield create_pg_database(admin_url, name, template)
    drop_pg_database(admin_url, name)


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database with no tables at all."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    admin_url = _require_postgres(request.getfixturevalue("postgres_admin_url"))
    name = f"empty_{uuid.uuid4().hex[:12]}"
    yield create_pg_database(admin_url, name)
    drop_pg_database(admin_url, name)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=str(tmp_path / "data"), secret_key=SECRET, scheduler=False)


@pytest.fixture
def clock():  # noqa: ANN201 - a ManualClock
    from market.clock import ManualClock
    from tests.market.world import START

    return ManualClock(START)


@pytest.fixture
async def world(database: Database):  # noqa: ANN201 - a World
    from tests.market.world import build_world

    return await build_world(database)


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, in this event loop: requests sent together are served together.

    (Litestar's AsyncTestClient serves each request to completion on a portal thread while the test's
    loop waits, so requests gathered with it would run one at a time.)
    """
    started, stopping = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:  # entered and left in this one task, as anyio requires
        async with app.lifespan():
            started.set()
            await stopping.wait()

    lifespan = asyncio.create_task(run_lifespan())
    await asyncio.wait([lifespan, asyncio.ensure_future(started.wait())], return_when=asyncio.FIRST_COMPLETED)
    if lifespan.done():
        lifespan.result()  # startup failed: raise why
    transport = httpx.ASGITransport(app=app, client=("203.0.113.1", 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://market.test") as http:
            http.app = app  # type: ignore[attr-defined]
            yield http
    finally:
        stopping.set()
        await lifespan


@pytest.fixture
async def client(settings: Settings, clock, world) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    from market.app import create_app

    async with serving(create_app(settings, clock=clock)) as http:
        yield http
