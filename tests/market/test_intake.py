"""Group commit of residents' posts by a child writer process: same answers, and it survives the child."""

from __future__ import annotations

import asyncio
import os
import signal

from msgspec.structs import replace

from market.app import create_app
from market.clock import ManualClock
from market.database import Database
from market.settings import Settings
from tests.conftest import SECRET, serving
from tests.market.world import WISH, World, bearer


async def test_a_child_writer_process_answers_as_the_thread_does(settings: Settings, world: World,
                                                                 database: Database, clock: ManualClock) -> None:
    [resident] = await bearer(database, [world.resident], SECRET)
    async with serving(create_app(replace(settings, intake_writer="process"), clock=clock)) as client:
        posts = await asyncio.gather(*(client.post("/api/orders", json={**WISH, "urgency": n % 5 + 1},
                                                   headers=resident) for n in range(30)))
        assert {p.status_code for p in posts} == {201} and len({p.json()["id"] for p in posts}) == 30
        refused = await client.post("/api/orders", json={**WISH, "category": "nonsense"}, headers=resident)
        assert refused.status_code == 400 and refused.json()["field"] == "category"
        read_back = await client.get(f"/api/orders/{posts[0].json()['id']}", headers=resident)
        assert read_back.json() == posts[0].json()


async def test_a_batch_in_flight_when_the_child_dies_fails_cleanly_and_the_next_gets_a_new_child(
        settings: Settings, world: World, database: Database, clock: ManualClock) -> None:
    [resident] = await bearer(database, [world.resident], SECRET)
    keyed = {**resident, "Idempotency-Key": "k-1"}
    async with serving(create_app(replace(settings, intake_writer="process"), clock=clock)) as client:
        assert (await client.post("/api/orders", json=WISH, headers=resident)).status_code == 201
        writer = client.app.state.intake.writer
        os.kill(writer.pid, signal.SIGSTOP)  # the child holds the next batch without answering
        pending = asyncio.ensure_future(client.post("/api/orders", json=WISH, headers=keyed))
        while writer.in_flight == 0:
            await asyncio.sleep(0)
        os.kill(writer.pid, signal.SIGKILL)
        lost = await pending
        # The web process cannot know whether that batch committed, so it does not guess: a clean 500,
        # and the client retries with its Idempotency-Key, here on a new child.
        assert lost.status_code == 500 and lost.json()["code"] == "internal_error"
        again = await client.post("/api/orders", json=WISH, headers=keyed)
        assert again.status_code == 201
