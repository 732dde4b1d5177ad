"""The scheduled jobs, defined in code: each a fixed id, an interval, and a sweeper to call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from market.clock import Clock
from market.database import Database
from market.dispatch.jobs import dispatch_rounds
from market.orders.auto_close import close_silent_completions
from market.orders.expiry import expire_offers
from market.points.settlement import settle_points
from market.settings import Settings
from market.summons.jobs import watch_summons
from market.supervision import jobs as supervision_jobs
from market.visits.jobs import make_due_visits

Sweep = Callable[[Database, Settings, Clock], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class Job:
    id: str
    name: str  # what staff read in the list of runs
    sweep: Sweep

    # Minutes between runs from the settings, if not every sweep interval.
    minutes: Callable[[Settings], int] | None = None

    def every_seconds(self, settings: Settings) -> int:
        return self.minutes(settings) * 60 if self.minutes else settings.sweep_seconds

    def enabled(self, settings: Settings) -> bool:
        return self.every_seconds(settings) > 0


async def _expire_offers(database: Database, _: Settings, clock: Clock) -> dict[str, int]:
    return await expire_offers(database, clock.now())


async def _auto_close(database: Database, settings: Settings, clock: Clock) -> dict[str, int]:
    return await close_silent_completions(database, clock.now(), settings.auto_close_days)


async def _watch_deadlines(database: Database, settings: Settings, clock: Clock) -> dict[str, int]:
    return await supervision_jobs.watch_deadlines(database, clock.now(), settings.stall_days, settings.escalation_hours)


async def _watch_summons(database: Database, _: Settings, clock: Clock) -> dict[str, int]:
    return await watch_summons(database, clock.now())


async def _make_visits(database: Database, settings: Settings, clock: Clock) -> dict[str, int]:
    return await make_due_visits(database, clock.now(), settings.tz)


async def _settle_points(database: Database, settings: Settings, clock: Clock) -> dict[str, int]:
    return await settle_points(database, clock.now(), settings.tz)


JOBS: dict[str, Job] = {job.id: job for job in (
    Job("offer_expiry", "派单超时收回", _expire_offers),
    Job("auto_close", "逾期未评价自动办结", _auto_close),
    Job("sla_watch", "红黄绿预警、督办与逐级上报", _watch_deadlines),
    Job("summons_watch", "吹哨报到超时", _watch_summons),
    Job("visits", "六访：按计划生成走访", _make_visits),
    Job("points_settlement", "积分结算：销号订单记分、超时扣分", _settle_points),
    Job("dispatch_rounds", "定时派单轮次（各社区）", dispatch_rounds, minutes=lambda settings: settings.round_minutes),
)}
