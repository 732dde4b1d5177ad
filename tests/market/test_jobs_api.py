"""Admins see the scheduled jobs with their last run and the lease holder, read the runs, and run a job now."""

from __future__ import annotations

from datetime import timedelta

from litestar.testing import AsyncTestClient

from market.clock import ManualClock
from market.database import Database
from market.scheduler import lease
from market.scheduler.jobs import JOBS
from tests.conftest import SECRET
from tests.market.sweeps import due_offers
from tests.market.world import START, World, bearer


async def test_an_admin_runs_a_job_now_and_reads_its_run(client: AsyncTestClient, world: World, database: Database,
                                                         clock: ManualClock) -> None:
    [admin, dispatcher] = await bearer(database, [world.admin, world.dispatcher], SECRET)
    await due_offers(database, world, count=3, due_at=START - timedelta(minutes=1))
    await lease.hold(database, "web-1:123:abc", START, 30)

    run = await client.post("/api/jobs/offer_expiry/run", headers=admin)
    assert run.status_code == 200
    body = run.json()
    assert (body["job_id"], body["outcome"], body["outcome_name"], body["counts"]) == (
        "offer_expiry", "ok", "完成", {"expired": 3})
    assert body["runner"] == f"manual:{world.admin}" and body["finished_at"] is not None

    jobs = (await client.get("/api/jobs", headers=admin)).json()
    assert jobs["lease_holder"] == "web-1:123:abc"
    by_id = {job["id"]: job for job in jobs["jobs"]}
    assert set(by_id) == set(JOBS) and by_id["auto_close"]["last_run"] is None
    assert by_id["offer_expiry"]["last_run"]["id"] == body["id"] and by_id["offer_expiry"]["name"] == "派单超时收回"

    runs = (await client.get("/api/jobs/runs", params={"job_id": "offer_expiry"}, headers=admin)).json()
    assert [r["id"] for r in runs["items"]] == [body["id"]] and runs["total"] == 1

    bad_filter = await client.get("/api/jobs/runs", params={"job_id": "nope"}, headers=admin)
    assert bad_filter.status_code == 400 and bad_filter.json()["field"] == "job_id"
    unknown = await client.post("/api/jobs/no_such_job/run", headers=admin)
    assert unknown.status_code == 404 and unknown.json()["message"] == "没有这个任务"
    assert (await client.get("/api/jobs", headers=dispatcher)).status_code == 403
