"""The scheduled jobs, defined in code: each a fixed id, an interval, and a sweeper to call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from market.database import Database
from market.orders import jobs as order_jobs
from market.settings import Settings
from market.summons.jobs import watch_summons
from market.visits.jobs import make_due_visits
from market.supervision import jobs as supervision_jobs

Sweep = Callable[[Database, Settings, datetime], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class Job:
    id: str
    name: str  # what staff read in the list of runs
    sweep: Sweep

    def every_seconds(self, settings: Settings) -> int:
        return settings.sweep_seconds


async def _expire_offers(database: Database, _: Settings, now: datetime) -> dict[str, int]:
    return await order_jobs.expire_offers(database, now)


async def _auto_close(database: Database, settings: Settings, now: datetime) -> dict[str, int]:
    return await order_jobs.close_silent_completions(database, now, settings.auto_close_days)


async def _watch_deadlines(database: Database, settings: Settings, now: datetime) -> dict[str, int]:
    return await supervision_jobs.watch_deadlines(database, now, settings.stall_days, settings.escalation_hours)


async def _watch_summons(database: Database, _: Settings, now: datetime) -> dict[str, int]:
    return await watch_summons(database, now)


async def _make_visits(database: Database, settings: Settings, now: datetime) -> dict[str, int]:
    return await make_due_visits(database, now, settings.tz)


JOBS: dict[str, Job] = {job.id: job for job in (
    Job("offer_expiry", "派单超时收回", _expire_offers),
    Job("auto_close", "逾期未评价自动办结", _auto_close),
    Job("sla_watch", "红黄绿预警、督办与逐级上报", _watch_deadlines),
    Job("summons_watch", "吹哨报到超时", _watch_summons),
    Job("visits", "六访：按计划生成走访", _make_visits),
)}
