"""Running a job once and recording the run (`JobRun`): started, finished, outcome, counts, error."""

from __future__ import annotations

import logging
import traceback

from sqlalchemy import func, select

from market.clock import Clock
from market.database import Database
from market.errors import NotFound
from market.models import JobRun
from market.scheduler.jobs import JOBS
from market.settings import Settings
from market.vocab import JobOutcome

log = logging.getLogger(__name__)


async def run_job(database: Database, settings: Settings, clock: Clock, job_id: str, runner: str) -> JobRun:
    """Run the job now; its run is recorded as running first, so a run killed midway is seen as such."""
    job = JOBS.get(job_id)
    if job is None:
        raise NotFound("没有这个任务")
    started_at = clock.now()
    async with database.transaction() as session:
        run = JobRun(job_id=job_id, started_at=started_at, outcome=JobOutcome.RUNNING, counts={}, runner=runner)
        session.add(run)
    try:
        counts = await job.sweep(database, settings, clock)
        outcome, error = JobOutcome.OK, None
    except Exception as failure:  # recorded, then the scheduler carries on with the next run
        log.exception("job %s failed", job_id)
        counts, outcome, error = {}, JobOutcome.ERROR, "".join(traceback.format_exception_only(failure))[:2000]
    async with database.transaction() as session:
        run = await session.get(JobRun, run.id)
        assert run is not None
        run.finished_at, run.outcome, run.counts, run.error = clock.now(), outcome, counts, error
    return run


async def list_runs(database: Database, job_id: str | None, limit: int, offset: int) -> tuple[list[JobRun], int]:
    where = JobRun.job_id == job_id if job_id else JobRun.id.is_not(None)
    async with database.transaction(write=False) as session:
        total = await session.scalar(select(func.count()).select_from(JobRun).where(where)) or 0
        runs = (await session.scalars(select(JobRun).where(where).order_by(JobRun.id.desc())
                                      .limit(limit).offset(offset))).all()
    return list(runs), total
