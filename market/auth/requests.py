"""Reading a request's caller: the bearer token's actor (briefly cached), the client address behind proxies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from litestar.connection import ASGIConnection
from sqlalchemy import select

from market.access import Actor
from market.auth.service import load_actor
from market.auth.tokens import AccessClaims, read_access_token, refresh_digest
from market.clock import Clock
from market.database import Database
from market.models import AuthSession
from market.settings import Settings

Authenticator = Callable[[ASGIConnection], Awaitable[Actor | None]]
# How long a login's actor (account state, grants) is trusted before it is read again. Logout and
# deactivation take effect at once in the process that handles them, and within this time elsewhere.
ACTOR_TTL = timedelta(seconds=5)
MAX_CACHED_ACTORS = 50_000


class ActorCache:
    """Actors by login session, so that most requests need no database round trip to know the caller."""

    def __init__(self) -> None:
        self._actors: dict[int, tuple[Actor, datetime]] = {}

    def get(self, session_id: int, account_id: int, now: datetime) -> Actor | None:
        found = self._actors.get(session_id)
        if found is None or found[0].account_id != account_id or now - found[1] >= ACTOR_TTL or now < found[1]:
            return None
        return found[0]

    def put(self, actor: Actor, now: datetime) -> None:
        if len(self._actors) >= MAX_CACHED_ACTORS:
            self._actors.clear()
        self._actors[actor.session_id] = (actor, now)

    def forget_session(self, session_id: int) -> None:
        self._actors.pop(session_id, None)

    def forget_account(self, account_id: int) -> None:
        for session_id in [s for s, (actor, _) in self._actors.items() if actor.account_id == account_id]:
            self._actors.pop(session_id, None)


def bearer_authenticator(settings: Settings, database: Database, clock: Clock, cache: ActorCache) -> Authenticator:
    async def authenticate(connection: ASGIConnection) -> Actor | None:
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        now = clock.now()
        claims = read_access_token(settings.secret_key, token.strip(), now)
        if cached := cache.get(claims.session_id, claims.account_id, now):
            return cached
        async with database.transaction(write=False) as session:
            actor = await load_actor(session, claims, now)
        cache.put(actor, now)
        return actor

    return authenticate


# The pages' session cookie: the login's refresh token, HttpOnly, so scripts on the page never see it.
SESSION_COOKIE = "market_session"


def cookie_authenticator(database: Database, clock: Clock, cache: ActorCache) -> Authenticator:
    """The caller of a page, by the session cookie that page login set (never by a bearer token)."""

    async def authenticate(connection: ASGIConnection) -> Actor | None:
        token = connection.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        now = clock.now()
        async with database.transaction(write=False) as session:
            found = (await session.execute(select(AuthSession.id, AuthSession.account_id).where(
                AuthSession.refresh_hash == refresh_digest(token)))).one_or_none()
            if found is None:
                return None
            if cached := cache.get(found.id, found.account_id, now):
                return cached
            actor = await load_actor(session, AccessClaims(found.account_id, found.id), now)
        cache.put(actor, now)
        return actor

    return authenticate


def client_address(connection: ASGIConnection, trusted_proxies: tuple[str, ...]) -> str:
    """The peer's address; behind a trusted proxy, the nearest untrusted address it forwarded."""
    peer = connection.client.host if connection.client else "unknown"
    if peer not in trusted_proxies:
        return peer
    forwarded = [part.strip() for part in connection.headers.get("x-forwarded-for", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if address not in trusted_proxies:
            return address
    return peer
