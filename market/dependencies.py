"""What handlers ask for by name: the request's transaction, the caller, the clock, settings, database."""

from __future__ import annotations

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.auth.requests import ActorCache
from market.clock import Clock
from market.database import Database
from market.settings import Settings

# Each alias is provided by create_app under the parameter name shown.
DbSession = NamedDependency[AsyncSession]  # session: one transaction, committed before the response
Caller = NamedDependency[Actor]  # actor: the signed-in account (protected routes only)
AppClock = NamedDependency[Clock]  # clock
AppSettings = NamedDependency[Settings]  # settings
AppDatabase = NamedDependency[Database]  # database: for work that needs its own transactions
Actors = NamedDependency[ActorCache]  # actors: who was recently seen calling, forgotten on logout
