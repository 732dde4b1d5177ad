"""The test client itself: requests gathered together are in the app at the same time."""

from __future__ import annotations

import asyncio

from litestar import Litestar, get

from market.access import PUBLIC
from tests.conftest import serving

TOGETHER = 20


async def test_gathered_requests_are_served_together() -> None:
    inside = 0
    everyone_in = asyncio.Event()

    @get("/wait", opt=PUBLIC)
    async def wait_for_the_others() -> int:
        nonlocal inside
        inside += 1
        if inside == TOGETHER:
            everyone_in.set()
        await everyone_in.wait()  # a client that serves one request at a time never gets past here
        return inside

    async with serving(Litestar([wait_for_the_others])) as client:
        responses = await asyncio.wait_for(asyncio.gather(*(client.get("/wait") for _ in range(TOGETHER))), 30)
    assert [r.json() for r in responses] == [TOGETHER] * TOGETHER
