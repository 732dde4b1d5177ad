"""APScheduler 3.x with our jobs, which run only while this process holds the scheduler lease.

Every process may start one (`market serve` by default, or `market scheduler` alone); the lease makes
one of them active and the others standbys that take over when it lapses. Jobs are periodic sweepers
kept in memory, defined in code with fixed ids: their deadlines are database columns, so a stopped
scheduler loses nothing, and the first run after a start catches up on all that fell due meanwhile.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.events import JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from market.clock import Clock
from market.database import Database
from market.scheduler import lease
from market.scheduler.jobs import JOBS
from market.scheduler.runs import run_job
from market.settings import Settings

log = logging.getLogger(__name__)
HEARTBEAT_JOB = "lease_heartbeat"


class Scheduler:
    def __init__(self, database: Database, settings: Settings, clock: Clock, holder: str | None = None) -> None:
        self.database, self.settings, self.clock = database, settings, clock
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.held_until: datetime | None = None
        self.apscheduler = AsyncIOScheduler(timezone=settings.tz)
        # Every run is a JobRun row already; APScheduler's line per run would drown the log.
        if settings.log_level != "DEBUG":
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        self._said_standby = False

    @property
    def heartbeat_seconds(self) -> int:
        """A third of the lease: two heartbeats may fail before the lease lapses."""
        return max(1, self.settings.lease_seconds // 3)

    @property
    def active(self) -> bool:
        return self.held_until is not None and self.clock.now() < self.held_until

    async def start(self) -> None:
        """Take the lease if it is free, then schedule the heartbeat and every job (each runs at once)."""
        await self.heartbeat()
        self._add(HEARTBEAT_JOB, self.heartbeat, self.heartbeat_seconds, [])
        for job in JOBS.values():
            if job.enabled(self.settings):
                self._add(job.id, self.run, job.every_seconds(self.settings), [job.id])
        self.apscheduler.start()

    def _add(self, job_id: str, func: Callable, seconds: int, args: list[str]) -> None:
        # Ids only in the arguments, never personal data. A run that is late by less than its interval
        # still runs (APScheduler's default grace of 1 s would skip it), and late runs coalesce into one.
        self.apscheduler.add_job(func, "interval", seconds=seconds, args=args, id=job_id, replace_existing=True,
                                 coalesce=True, max_instances=1, misfire_grace_time=seconds,
                                 next_run_time=datetime.now(self.settings.tz))

    async def heartbeat(self) -> None:
        now = self.clock.now()
        try:
            held = await lease.hold(self.database, self.holder, now, self.settings.lease_seconds)
        except Exception:  # a database hiccup: keep what we had until it runs out
            log.exception("scheduler lease: renewal failed")
            return
        if held and not self.active:
            log.info("scheduler %s is now active", self.holder)
            self._said_standby = False
        elif not held and not self._said_standby:
            holder = await lease.current(self.database)
            log.info("scheduler %s is standby; %s holds the lease", self.holder, holder.holder if holder else "?")
            self._said_standby = True
        self.held_until = now + timedelta(seconds=self.settings.lease_seconds) if held else None

    async def run(self, job_id: str) -> None:
        if self.active:
            await run_job(self.database, self.settings, self.clock, job_id, self.holder)

    def add_listener(self, callback: Callable[[JobEvent], None], mask: int) -> None:
        self.apscheduler.add_listener(callback, mask)

    async def stop(self) -> None:
        if self.apscheduler.running:
            self.apscheduler.shutdown(wait=False)
        if self.active:
            await lease.let_go(self.database, self.holder, self.clock.now())
        self.held_until = None
