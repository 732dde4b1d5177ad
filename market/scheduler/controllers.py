"""HTTP routes of the scheduler for admins: the jobs with their last run, the runs, and run one now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from market.access import policy
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller
from market.errors import InvalidInput
from market.models import JobRun
from market.orders.controllers import Limit, Offset
from market.scheduler import lease
from market.scheduler.jobs import JOBS
from market.scheduler.runs import list_runs, run_job
from market.vocab import JobOutcome, Role


class JobRunRead(msgspec.Struct):
    id: int
    job_id: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    outcome_name: str
    counts: dict[str, Any]
    error: str | None
    runner: str | None


class JobRead(msgspec.Struct):
    id: str
    name: str
    every_seconds: int
    last_run: JobRunRead | None


class SchedulerRead(msgspec.Struct):
    lease_holder: str | None
    lease_expires_at: datetime | None
    jobs: list[JobRead]


class JobRunPage(msgspec.Struct):
    items: list[JobRunRead]
    total: int
    limit: int
    offset: int


class JobController(Controller):
    path = "/api/jobs"
    tags = ["定时任务"]

    @get("/", opt=policy(Role.ADMIN), summary="定时任务、各自最近一次运行，以及当前运行调度的进程")
    async def list_jobs(self, database: AppDatabase, settings: AppSettings) -> SchedulerRead:
        held = await lease.current(database)
        jobs = [JobRead(job.id, job.name, job.every_seconds(settings),
                        next(iter(_reads((await list_runs(database, job.id, 1, 0))[0])), None))
                for job in JOBS.values()]
        return SchedulerRead(held.holder if held else None, held.expires_at if held else None, jobs)

    @get("/runs", opt=policy(Role.ADMIN), summary="定时任务运行记录（最新在前）")
    async def runs(self, database: AppDatabase, job_id: FromQuery[str | None] = None, limit: Limit = 20,
                   offset: Offset = 0) -> JobRunPage:
        if job_id and job_id not in JOBS:
            raise InvalidInput(f"没有这个任务：{job_id}", field="job_id")
        runs, total = await list_runs(database, job_id, limit, offset)
        return JobRunPage(_reads(runs), total, limit, offset)

    @post("/{job_id:str}/run", opt=policy(Role.ADMIN), status_code=200, summary="立即运行一次定时任务")
    async def run_now(self, job_id: FromPath[str], database: AppDatabase, settings: AppSettings, actor: Caller,
                      clock: AppClock) -> JobRunRead:
        # Sweepers are safe beside a scheduled run of the same job, so no lease is needed here.
        return _reads([await run_job(database, settings, clock, job_id, f"manual:{actor.account_id}")])[0]


def _reads(runs: list[JobRun]) -> list[JobRunRead]:
    return [JobRunRead(r.id, r.job_id, r.started_at, r.finished_at, r.outcome, JobOutcome(r.outcome).label,
                       dict(r.counts), r.error, r.runner) for r in runs]
