"""Bringing an order to a given state over HTTP, as the people involved would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar.testing import AsyncTestClient

from market.clock import ManualClock
from market.database import Database
from tests.conftest import SECRET
from tests.market.world import START, WISH, World, bearer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# Each state, and the step that leads to it from the one before.
STATES = ["submitted", "open", "offered", "accepted", "in_progress", "completed", "confirmed", "closed"]


@dataclass
class Made:
    order_id: int
    offer_id: int | None = None
    photo_id: int | None = None


async def signed_in(client: AsyncTestClient, world: World, database: Database, *account_ids: int,
                    now: datetime = START) -> Flows:
    """Flows for these accounts, each with a login minted at `now`."""
    headers = await bearer(database, list(account_ids), SECRET, now=now)
    return Flows(client, world, dict(zip(account_ids, headers, strict=True)))


async def move_clock(moment: datetime, flows: Flows, database: Database, clock: ManualClock) -> None:
    """Move the clock, with fresh logins for everyone in `flows` (tokens are short-lived)."""
    clock.set(moment)
    flows.headers = (await signed_in(flows.client, flows.world, database, *flows.headers, now=moment)).headers


class Flows:
    def __init__(self, client: AsyncTestClient, world: World, headers: dict[int, dict[str, str]]) -> None:
        self.client, self.world, self.headers = client, world, headers

    async def call(self, method: str, url: str, account_id: int, **kwargs: object) -> dict:
        response = await self.client.request(method, url, headers=self.headers[account_id], **kwargs)
        assert response.status_code < 300, f"{method} {url}: {response.status_code} {response.text}"
        return response.json()

    async def order_in(self, state: str, *, claimable: bool = False, headcount: int = 1,
                       reopened: bool = False) -> Made:
        w = self.world
        made = Made((await self.call("POST", "/api/orders", w.resident, json={**WISH, "headcount": headcount}))["id"])
        steps = STATES[1:STATES.index(state) + 1]
        for step in steps:
            await self._step(made, step, claimable, reopened)
        return made

    async def _step(self, made: Made, step: str, claimable: bool, reopened: bool) -> None:
        w, url = self.world, f"/api/orders/{made.order_id}"
        if step == "open":
            await self.call("POST", f"{url}/approve", w.dispatcher, json={"triage": "general", "claimable": claimable})
        elif step == "offered":
            body = await self.call("POST", f"{url}/offers", w.dispatcher, json={"member_id": w.member})
            made.offer_id = body["assignees"][0]["offer_id"]
        elif step == "accepted":
            await self.call("POST", f"/api/offers/{made.offer_id}/accept", w.member)
        elif step == "in_progress":
            await self.call("POST", f"{url}/start", w.member)
        elif step == "completed":
            body = await self.call("POST", f"{url}/complete", w.member, data={"note": "已修好"},
                                   files={"photos": ("a.png", PNG, "image/png")})
            made.photo_id = body["photo_ids"][0]
        elif step == "confirmed":
            await self.call("POST", f"{url}/rate", w.resident, json={"stars": 1 if reopened else 5})
        elif step == "closed":
            await self.call("POST", f"{url}/close", w.dispatcher,
                            json={"note": "销号", **({"award_points": False} if reopened else {})})
