"""Who is asking and what they may reach: the actor, every route's policy, and area scopes."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy import ColumnElement, false, or_

from market.errors import Forbidden, NotAuthenticated
from market.vocab import Role

EVERYONE = tuple(Role)
DISPATCHERS = (Role.DISPATCHER, Role.ADMIN)  # who run an area's orders
SERVERS = (Role.MEMBER, Role.UNIT_ADMIN)  # who serve orders


@dataclass(frozen=True)
class Grant:
    role: Role
    area_id: int
    area_path: str
    unit_id: int | None


@dataclass(frozen=True)
class Actor:
    """A signed-in account with the grants it holds."""

    account_id: int
    display_name: str
    session_id: int
    grants: tuple[Grant, ...]

    def has(self, *roles: Role) -> bool:
        return any(grant.role in roles for grant in self.grants)

    def covers(self, area_path: str, *roles: Role) -> bool:
        """Whether a grant of one of `roles` is on this area or one above it."""
        return any(grant.role in roles and area_path.startswith(grant.area_path) for grant in self.grants)

    def area_paths(self, *roles: Role) -> list[str]:
        return sorted({grant.area_path for grant in self.grants if grant.role in roles})

    def unit_ids(self) -> set[int]:
        return {grant.unit_id for grant in self.grants if grant.role == Role.UNIT_ADMIN and grant.unit_id}

    def in_scope(self, path_column: ColumnElement[str], *roles: Role) -> ColumnElement[bool]:
        """A SQL condition: the row's area path lies under one of the actor's grants of `roles`."""
        paths = self.area_paths(*roles)
        return or_(*(path_column.startswith(path) for path in paths)) if paths else false()


@dataclass(frozen=True)
class Policy:
    """Who may call a route: anyone (public) or an account holding one of `roles` somewhere.

    Where an object lies (its area) and whose it is are checked by the services, which answer 404
    for what the actor may not see.
    """

    roles: tuple[Role, ...] = ()
    public: bool = False
    # A page: the caller is known by the session cookie, never by a bearer token (and forms carry CSRF tokens).
    page: bool = False

    def describe(self) -> str:
        """The line the API document shows: who may call the route."""
        if self.public:
            return "权限：公开，无需登录"
        return "权限：" + "、".join(role.label for role in self.roles)


def policy(*roles: Role) -> dict[str, Policy]:
    """Route options declaring the roles that may call it."""
    return {"policy": Policy(roles=roles)}


PUBLIC = {"policy": Policy(public=True)}
PUBLIC_PAGE = {"policy": Policy(public=True, page=True)}


def page_policy(*roles: Role) -> dict[str, Policy]:
    """Route options of a page that only accounts holding one of `roles` may open."""
    return {"policy": Policy(roles=roles, page=True)}


async def enforce_policy(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """The app-wide guard: a route without a policy is closed; a protected route needs a valid token."""
    route_policy = handler.opt.get("policy")
    if not isinstance(route_policy, Policy):
        raise Forbidden("该接口未声明访问策略")
    if route_policy.public:
        return
    authenticate = connection.app.state.authenticate_page if route_policy.page else connection.app.state.authenticate
    actor = await authenticate(connection)
    if actor is None:
        raise NotAuthenticated("请先登录")
    if not actor.has(*route_policy.roles):
        raise Forbidden("没有权限")
    connection.state.actor = actor
