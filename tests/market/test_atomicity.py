"""A failure in the middle of any transition leaves nothing half-written: the database and disk as before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event, func, select

from market.database import Database
from market.models import Base, MemberProfile, Order
from market.settings import Settings
from tests.conftest import SECRET
from tests.market.flows import PNG, Flows
from tests.market.world import World, bearer


class Injected(Exception):
    pass


@contextmanager
def failing_after(client: AsyncTestClient, first_words: str) -> Iterator[None]:
    """Raise right after the first statement that starts with `first_words` has run."""
    engine = client.app.state.database.engine.sync_engine
    armed = {"on": True}

    def explode(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if armed["on"] and statement.lstrip().upper().startswith(first_words):
            armed["on"] = False
            raise Injected(statement[:60])

    event.listen(engine, "after_cursor_execute", explode)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", explode)
    assert not armed["on"], "the failure was never injected"


async def _snapshot(database: Database, order_id: int) -> tuple[dict[str, int], tuple, list[int]]:
    async with database.transaction(write=False) as session:
        counts = {t.name: await session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
        order = await session.get(Order, order_id)
        loads = list((await session.scalars(select(MemberProfile.live_orders).order_by(MemberProfile.account_id))).all())
    return counts, (order.status, order.version, order.triage, order.updated_at), loads


# transition → (state it starts from, method, url, body)
TRANSITIONS = {
    "approve": ("submitted", "dispatcher", "/api/orders/{o}/approve", {"json": {"triage": "general"}}),
    "offer": ("open", "dispatcher", "/api/orders/{o}/offers", {"json": {"member_id": "{m}"}}),
    "accept": ("offered", "member", "/api/offers/{f}/accept", {}),
    "decline": ("offered", "member", "/api/offers/{f}/decline", {"json": {"reason": "busy"}}),
    "claim": ("open", "second_member", "/api/orders/{o}/claim", {}),
    "start": ("accepted", "member", "/api/orders/{o}/start", {}),
    "complete": ("in_progress", "member", "/api/orders/{o}/complete",
                 {"data": {"note": "好了"}, "files": {"photos": ("a.png", PNG, "image/png")}}),
    "rate": ("completed", "resident", "/api/orders/{o}/rate", {"json": {"stars": 5}}),
    "cancel": ("offered", "resident", "/api/orders/{o}/cancel", {"json": {"reason": "不需要了"}}),
}


def _fill(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return names[value[1:-1]] if isinstance(value, str) and value in ("{m}",) else value


async def _prepared(client: AsyncTestClient, world: World, database: Database, name: str):  # noqa: ANN202
    state, who, url, body = TRANSITIONS[name]
    ids = [world.dispatcher, world.member, world.second_member, world.resident]
    headers = dict(zip(ids, await bearer(database, ids, SECRET), strict=True))
    made = await Flows(client, world, headers).order_in(state, claimable=True)
    caller = {"dispatcher": world.dispatcher, "member": world.member, "second_member": world.second_member,
              "resident": world.resident}[who]
    return made, headers[caller], url.format(o=made.order_id, f=made.offer_id), _fill(body, {"m": world.second_member})


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
async def test_a_failure_after_the_first_write_changes_nothing(name: str, client: AsyncTestClient, world: World,
                                                              database: Database, settings: Settings) -> None:
    made, headers, url, body = await _prepared(client, world, database, name)
    before = await _snapshot(database, made.order_id)
    files_before = sorted(Path(settings.data_dir).rglob("*"))
    with failing_after(client, "UPDATE" if name != "claim" else "UPDATE ORDERS"):
        response = await client.post(url, headers=headers, **body)
    assert response.status_code == 500
    assert await _snapshot(database, made.order_id) == before
    assert sorted(Path(settings.data_dir).rglob("*")) == files_before


async def test_a_failure_while_recording_photos_leaves_no_file(client: AsyncTestClient, world: World,
                                                               database: Database, settings: Settings) -> None:
    made, headers, url, body = await _prepared(client, world, database, "complete")
    before = await _snapshot(database, made.order_id)
    files_before = sorted(Path(settings.data_dir).rglob("*.png"))
    with failing_after(client, "INSERT INTO ORDER_PHOTOS"):
        response = await client.post(url, headers=headers, **body)
    assert response.status_code == 500
    assert await _snapshot(database, made.order_id) == before
    assert sorted(Path(settings.data_dir).rglob("*.png")) == files_before
