"""Group commit of residents' posts: written by a child process, it answers the same, and survives the child."""

from __future__ import annotations

import asyncio
import os
import signal

from litestar.testing import AsyncTestClient
from msgspec.structs import replace

from market.app import create_app
from market.clock import ManualClock
from market.database import Database
from market.settings import Settings
from tests.conftest import SECRET
from tests.market.world import WISH, World, bearer


async def test_a_child_writer_process_posts_like_the_thread_and_recovers_when_killed(
        settings: Settings, world: World, database: Database, clock: ManualClock) -> None:
    [resident] = await bearer(database, [world.resident], SECRET)
    async with AsyncTestClient(create_app(replace(settings, intake_writer="process"), clock=clock)) as client:
        posts = await asyncio.gather(*(client.post("/api/orders", json={**WISH, "urgency": n % 5 + 1},
                                                   headers=resident) for n in range(30)))
        assert {p.status_code for p in posts} == {201} and len({p.json()["id"] for p in posts}) == 30
        refused = await client.post("/api/orders", json={**WISH, "category": "nonsense"}, headers=resident)
        assert refused.status_code == 400 and refused.json()["field"] == "category"
        read_back = await client.get(f"/api/orders/{posts[0].json()['id']}", headers=resident)
        assert read_back.json() == posts[0].json()

        child = client.app.state.intake.writer._process
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        # The web process cannot know whether a batch in a dead child committed, so it does not guess:
        # the post fails cleanly, and the client retries (with its Idempotency-Key) on a new child.
        lost = await client.post("/api/orders", json=WISH, headers={**resident, "Idempotency-Key": "k-1"})
        assert lost.status_code == 500 and lost.json()["code"] == "internal_error"
        again = await client.post("/api/orders", json=WISH, headers={**resident, "Idempotency-Key": "k-1"})
        assert again.status_code == 201
