"""The ledger itself: append-only in the database, one award per source, one resolution per entry, sound chains."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from market import cli
from market.database import Database
from market.errors import Conflict
from market.models import LedgerEntry, Order
from market.points import ledger
from market.points.settlement import award_orders
from market.points.verify import verify_ledger
from market.settings import Settings
from tests.market.flows import Flows, signed_in
from tests.market.points_flows import ZONE, entries_of, settle, totals_of
from tests.market.world import START, World

LATER = START + timedelta(hours=2)


async def _closed(client: AsyncTestClient, world: World, database: Database, count: int = 1) -> list[int]:
    flows: Flows = await signed_in(client, world, database, world.resident, world.dispatcher, world.member)
    return [(await flows.order_in("closed")).order_id for _ in range(count)]


@pytest.mark.parametrize("statement", ["UPDATE ledger_entries SET points = points + 100",
                                       "DELETE FROM ledger_entries"])
async def test_the_database_refuses_to_change_or_delete_an_entry(
        client: AsyncTestClient, world: World, database: Database, statement: str) -> None:
    await _closed(client, world, database)
    await settle(database, LATER)
    with pytest.raises(DBAPIError, match="append-only"):
        async with database.transaction() as session:
            await session.execute(text(statement))
    [entry] = await entries_of(database, member_id=world.member)
    assert entry.points > 0


async def test_awarding_an_order_again_and_again_writes_one_award(client: AsyncTestClient, world: World,
                                                                   database: Database) -> None:
    [order_id] = await _closed(client, world, database)

    async def award() -> int:
        async with database.transaction() as session:
            return await award_orders(session, [order_id], LATER, ZONE)

    assert [await award() for _ in range(2)] == [1, 0]
    assert sum(await asyncio.gather(*(award() for _ in range(20)))) == 0
    assert len(await entries_of(database, member_id=world.member)) == 1


async def test_twenty_settlements_at_once_award_each_order_once(client: AsyncTestClient, world: World,
                                                                database: Database) -> None:
    orders = await _closed(client, world, database, count=3)
    async with database.transaction() as session:  # back to unsettled, as if the claim never happened
        await session.execute(Order.__table__.update().values(points_settled_at=None))
    results = await asyncio.gather(*(settle(database, LATER) for _ in range(20)))
    assert sum(r["orders_settled"] for r in results) == 3
    awards = await entries_of(database, member_id=world.member)
    assert sorted(e.order_id for e in awards) == sorted(orders)


async def test_fifty_auditors_at_once_resolve_a_pending_award_once(client: AsyncTestClient, world: World,
                                                                   database: Database) -> None:
    await _closed(client, world, database)
    await settle(database, LATER)
    [award] = await entries_of(database, member_id=world.member)

    async def resolve(outcome: str) -> str:
        try:
            async with database.transaction() as session:
                entry = await session.get(LedgerEntry, award.id)
                assert entry is not None
                await ledger.resolve(session, entry, outcome, world.auditor, "并发审核", LATER)
                return outcome
        except Conflict:
            return "conflict"

    outcomes = await asyncio.gather(*(resolve("post" if n % 2 else "void") for n in range(50)))
    winners = [o for o in outcomes if o != "conflict"]
    assert len(winners) == 1
    resolutions = [e for e in await entries_of(database, member_id=world.member) if e.resolves_id == award.id]
    assert [e.kind for e in resolutions] == winners
    balance, pending = await totals_of(database, world.member)
    assert (balance, pending) == ((award.points, 0) if winners == ["post"] else (0, 0))


async def test_every_entry_chains_to_the_one_before_and_verify_finds_it_sound(
        client: AsyncTestClient, world: World, database: Database) -> None:
    await _closed(client, world, database, count=2)
    await settle(database, LATER)
    first, second = await entries_of(database, member_id=world.member)
    async with database.transaction() as session:
        await ledger.resolve(session, first, "post", world.auditor, "", LATER)
        await ledger.resolve(session, second, "void", world.auditor, "", LATER)
    entries = await entries_of(database, member_id=world.member)
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert [e.prev_hash for e in entries] == [ledger.GENESIS] + [e.entry_hash for e in entries[:-1]]
    async with database.transaction(write=False) as session:
        assert await verify_ledger(session) == (4, [])


async def test_verify_finds_an_entry_changed_behind_the_triggers_back(
        client: AsyncTestClient, world: World, database: Database, settings: Settings, backend: str,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    await _closed(client, world, database)
    await settle(database, LATER)
    monkeypatch.setenv("MARKET_DATABASE_URL", settings.database_url)
    assert await asyncio.to_thread(cli.main, ["ledger", "verify"]) == 0
    assert "1 entries checked, 0 problems" in capsys.readouterr().out
    disable, enable = (("ALTER TABLE ledger_entries DISABLE TRIGGER USER", "ALTER TABLE ledger_entries ENABLE TRIGGER USER")
                       if backend == "postgresql" else ("DROP TRIGGER ledger_entries_no_update", None))
    async with database.transaction() as session:
        await session.execute(text(disable))
        await session.execute(text("UPDATE ledger_entries SET points = points * 10"))
        if enable:
            await session.execute(text(enable))
    assert await asyncio.to_thread(cli.main, ["ledger", "verify"]) == 1
    out = capsys.readouterr().out
    assert "内容与哈希不符" in out and "按明细应为" in out


async def test_an_award_names_an_event_that_exists(client: AsyncTestClient, world: World, database: Database) -> None:
    await _closed(client, world, database, count=2)
    await settle(database, LATER)
    async with database.transaction(write=False) as session:
        orphans = await session.scalar(text(
            "SELECT count(*) FROM ledger_entries e LEFT JOIN order_events v ON v.id = e.source_event_id "
            "WHERE e.kind = 'award' AND (v.id IS NULL OR v.order_id != e.order_id OR v.to_status != 'closed')"))
        foreign_keys = (await session.execute(text("PRAGMA foreign_keys"))).scalar() \
            if session.bind.dialect.name == "sqlite" else 1
        awards = await session.scalar(select(LedgerEntry.id).where(LedgerEntry.kind == "award").limit(1))
    assert (orphans, foreign_keys) == (0, 1) and awards is not None
