"""The application factory: routes, the database dependency, error handling and OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from sqlalchemy.ext.asyncio import AsyncSession

from market import __version__
from market.access import PUBLIC, Actor, Policy, enforce_policy
from market.accounts.controllers import AccountController, revoke_grant
from market.areas.controllers import create_area, list_areas
from market.auth.controllers import AuthController, read_me
from market.auth.requests import ActorCache, bearer_authenticator, cookie_authenticator
from market.catalog.controllers import CategoryController
from market.clock import Clock, SystemClock
from market.database import Database
from market.dependencies import AppDatabase
from market.dispatch.controllers import AreaDispatchController, RoundController
from market.dispatch.runner import RoundSolver
from market.errors import EXCEPTION_HANDLERS, http_error_to_response
from market.exports.controllers import ExportController
from market.health import health
from market.kpis.controllers import KpiController
from market.members.controllers import (
    MemberController,
    area_obligations,
    community_members,
    confirm_member,
    unit_members,
    unit_obligations,
)
from market.meta import meta
from market.notifications.controllers import NotificationController
from market.orders.controllers import OrderController, open_board
from market.orders.intake import Intake
from market.orders.offer_controllers import OfferController
from market.orders.writer_process import ProcessWriter
from market.pages.rendering import not_api, page_error, template_config
from market.pages.routes import pages_router, static_router
from market.points.controllers import PointRulesController, PointsController, unit_points
from market.ratings.controllers import ObjectionController, StarRatingController
from market.scheduler.controllers import JobController
from market.scheduler.service import Scheduler
from market.settings import Settings
from market.sla.controllers import SlaController
from market.summons.controllers import SummonsController, summon
from market.supervision.controllers import area_supervisions
from market.units.controllers import UnitController
from market.visits.controllers import VisitPlanController, area_visit_coverage, area_visit_plans

ROUTES = [
    health, meta, list_areas, create_area, AuthController, read_me, AccountController, revoke_grant,
    MemberController, community_members, unit_members, confirm_member, UnitController,
    OrderController, OfferController, open_board, AreaDispatchController, RoundController,
    NotificationController, JobController, area_supervisions, summon, SummonsController,
    VisitPlanController, area_visit_plans, area_visit_coverage, ExportController,
    PointRulesController, PointsController, unit_points, StarRatingController, ObjectionController,
    unit_obligations, area_obligations, KpiController, CategoryController, SlaController,
]

# Request bodies above this are refused before they are read (photos have their own limit).
MAX_BODY_BYTES = 1_000_000


def create_app(settings: Settings, *, clock: Clock | None = None) -> Litestar:
    clock = clock or SystemClock()

    @asynccontextmanager
    async def open_database(app: Litestar) -> AsyncIterator[None]:
        app.state.database = Database(settings.database_url)
        app.state.actors = ActorCache()
        app.state.authenticate = bearer_authenticator(settings, app.state.database, clock, app.state.actors)
        app.state.authenticate_page = cookie_authenticator(app.state.database, clock, app.state.actors)
        writer = ProcessWriter(settings.database_url, settings.wish_budget_cap_yuan) \
            if settings.intake_writer == "process" else None
        app.state.intake = Intake(app.state.database, clock, settings.wish_budget_cap_yuan, writer)
        app.state.intake.start()
        app.state.solver = RoundSolver()
        # One scheduler per process at most, and only the lease holder's runs jobs: web workers of a larger
        # deployment set MARKET_SCHEDULER=off and leave the work to `market scheduler`.
        app.state.scheduler = Scheduler(app.state.database, settings, clock) if settings.scheduler else None
        if app.state.scheduler:
            await app.state.scheduler.start()
        try:
            yield
        finally:
            if app.state.scheduler:
                await app.state.scheduler.stop()
            app.state.solver.close()
            await app.state.intake.stop()
            await app.state.database.dispose()

    app = Litestar(
        route_handlers=[*ROUTES, pages_router(), static_router()],
        template_config=template_config(settings.tz),
        # Forms of pages carry a CSRF token; the JSON API is called with bearer tokens, never cookies.
        csrf_config=CSRFConfig(secret=settings.secret_key, cookie_secure=settings.cookie_secure,
                               cookie_samesite="lax", exclude=["^/api/", "^/schema", "^/health"]),
        lifespan=[open_database],
        guards=[enforce_policy],
        dependencies={
            "settings": Provide(lambda: settings, sync_to_thread=False),
            "clock": Provide(lambda: clock, sync_to_thread=False),
            "database": Provide(provide_database, sync_to_thread=False),
            "session": Provide(provide_session),
            "actor": Provide(provide_actor, sync_to_thread=False),
            "actors": Provide(provide_actors, sync_to_thread=False),
        },
        exception_handlers={**EXCEPTION_HANDLERS, HTTPException: http_or_page_error},  # type: ignore[dict-item]
        openapi_config=OpenAPIConfig(title="社区点单 Community Market API", version=__version__,
                                     openapi_router=Router(path="/schema", route_handlers=[], opt=PUBLIC)),
        request_max_body_size=MAX_BODY_BYTES,
        state=State({"settings": settings}),
    )
    describe_policies(app)
    return app


def describe_policies(app: Litestar) -> None:
    """Each route's roles go into its description in the API document, from the policy that enforces them."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            route_policy = handler.opt.get("policy")
            # A handler serving several paths, or a second app in one process, must not say it twice.
            if isinstance(route_policy, Policy) and route_policy.describe() not in (handler.description or ""):
                handler.description = "\n\n".join(filter(None, [handler.description, route_policy.describe()]))


def http_or_page_error(request: Request, error: HTTPException) -> Response:
    """An address no route answers (404, 405): a Chinese page for a browser's path, the JSON error for the API."""
    return page_error(request, error) if not_api(request.url.path) else http_error_to_response(request, error)


def provide_database(state: State) -> Database:
    return state.database


def provide_actors(state: State) -> ActorCache:
    return state.actors


def provide_actor(request: Request) -> Actor:
    """The caller, set by the policy guard on every route that is not public."""
    return request.state.actor


async def provide_session(database: AppDatabase, request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent; reads take no write lock."""
    async with database.transaction(write=request.method not in ("GET", "HEAD", "OPTIONS")) as session:
        yield session
