"""Reading a request's caller: the bearer token's actor, and the client address behind trusted proxies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.connection import ASGIConnection

from market.access import Actor
from market.auth.service import load_actor
from market.auth.tokens import read_access_token
from market.clock import Clock
from market.database import Database
from market.settings import Settings

Authenticator = Callable[[ASGIConnection], Awaitable[Actor | None]]


def bearer_authenticator(settings: Settings, database: Database, clock: Clock) -> Authenticator:
    async def authenticate(connection: ASGIConnection) -> Actor | None:
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        now = clock.now()
        claims = read_access_token(settings.secret_key, token.strip(), now)
        async with database.transaction(write=False) as session:
            return await load_actor(session, claims, now)

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
