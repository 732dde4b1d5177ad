"""The application factory: routes, the database dependency, error handling and OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.openapi import OpenAPIConfig
from sqlalchemy.ext.asyncio import AsyncSession

from market import __version__
from market.clock import Clock, SystemClock
from market.database import Database
from market.errors import EXCEPTION_HANDLERS
from market.health import health
from market.settings import Settings

# Request bodies above this are refused before they are read (photos have their own limit).
MAX_BODY_BYTES = 1_000_000


def create_app(settings: Settings, *, clock: Clock | None = None) -> Litestar:
    @asynccontextmanager
    async def open_database(app: Litestar) -> AsyncIterator[None]:
        app.state.database = Database(settings.database_url)
        try:
            yield
        finally:
            await app.state.database.dispose()

    return Litestar(
        route_handlers=[health],
        lifespan=[open_database],
        dependencies={
            "settings": Provide(lambda: settings, sync_to_thread=False),
            "clock": Provide(lambda: clock or SystemClock(), sync_to_thread=False),
            "database": Provide(provide_database, sync_to_thread=False),
            "session": Provide(provide_session),
        },
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        openapi_config=OpenAPIConfig(title="社区点单 Community Market API", version=__version__),
        request_max_body_size=MAX_BODY_BYTES,
        state=State({"settings": settings}),
    )


def provide_database(state: State) -> Database:
    return state.database


async def provide_session(database: NamedDependency[Database], request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent; reads take no write lock."""
    async with database.transaction(write=request.method not in ("GET", "HEAD", "OPTIONS")) as session:
        yield session
