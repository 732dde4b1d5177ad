"""Scheduler benchmark: one offer-expiry sweep against a bare SQL UPDATE of the same rows, in the same run.

A database of 1,000,000 orders holds 100,000 offers past their acceptance deadline (spread over 10,000
members); the rest are closed orders. The sweep (`market.orders.expiry.expire_offers`) expires each due
offer, frees the member's capacity and counts the lapse, reopens the order with its event, and writes a
notification and an outbox row per offer. The limit is the same state change in bare SQL: `UPDATE offers
SET status = 'expired' WHERE status = 'offered' AND accept_due_at <= now`, then `UPDATE orders SET status
= 'open'` for their orders (the offers' update alone is printed too). Between timings every change is
undone; the best of the rounds counts. Target: ours <= 3x the bare update, on SQLite and on PostgreSQL
(a throwaway cluster).
Usage: `.venv/bin/python bench/scheduler.py [--orders 1000000] [--due 100000] [--rounds 2]`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import bench_database  # noqa: E402
from market import migrate  # noqa: E402
from market.database import Database  # noqa: E402
from market.orders.expiry import expire_offers  # noqa: E402

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
MEMBERS = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"{'database':>10} {'orders':>9} {'due':>7} {'ours s':>7} {'bare s':>7} {'ratio':>6}  (target <= 3)"
          f" {'offers only s':>14} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            url, stop = bench_database(backend, Path(folder))
            try:
                ours, bare, offers_only = _measure(url, args.orders, args.due, args.rounds)
            finally:
                stop()
            print(f"{backend:>10} {args.orders:>9,} {args.due:>7,} {ours:>7.2f} {bare:>7.2f} {ours / bare:>6.2f}"
                  f"{'':>15} {offers_only:>14.2f} {ours / offers_only:>6.2f}", flush=True)


def _measure(url: str, orders: int, due: int, rounds: int) -> tuple[float, float, float]:
    migrate.upgrade(url)
    engine = create_engine(url.replace("+aiosqlite", ""))
    try:
        _load(engine, orders, due)
        ours, bare, offers_only = [], [], []
        for _ in range(rounds):  # alternate, undoing each, so that neither runs on a warmer cache only
            bare.append(_timed(lambda: _bare_update(engine, with_orders=True)))
            _undo(engine)
            offers_only.append(_timed(lambda: _bare_update(engine, with_orders=False)))
            _undo(engine)
            ours.append(_timed(lambda: _sweep(url, due)))
            _undo(engine)
        return min(ours), min(bare), min(offers_only)
    finally:
        engine.dispose()


def _timed(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


def _sweep(url: str, due: int) -> None:
    async def run() -> dict[str, int]:
        database = Database(url)
        try:
            return await expire_offers(database, NOW)
        finally:
            await database.dispose()

    counts = asyncio.run(run())
    assert counts == {"expired": due}, counts


def _bare_update(engine: Engine, with_orders: bool) -> None:
    with engine.begin() as connection:
        changed = connection.execute(text("UPDATE offers SET status = 'expired', responded_at = :now "
                                          "WHERE status = 'offered' AND accept_due_at <= :now"), {"now": _at(engine)})
        assert changed.rowcount > 0
        if with_orders:
            connection.execute(text("UPDATE orders SET status = 'open' WHERE status = 'offered' AND id IN "
                                    "(SELECT order_id FROM offers WHERE status = 'expired')"))


def _undo(engine: Engine) -> None:
    with engine.begin() as connection:
        for statement in ("DELETE FROM outbox_messages", "DELETE FROM notifications",
                          "DELETE FROM order_events WHERE action = 'expire'",
                          "UPDATE offers SET status = 'offered', responded_at = NULL, version = 1 "
                          "WHERE status = 'expired'",
                          "UPDATE orders SET status = 'offered' WHERE status = 'open'",
                          "UPDATE member_profiles SET live_orders = 10, lapsed_offers = 0"):
            connection.execute(text(statement))
    _analyze(engine)


def _at(engine: Engine) -> object:
    # SQLite keeps UTC wall time as text (see market/models/base.py); PostgreSQL an aware timestamp.
    return NOW.replace(tzinfo=None).isoformat(sep=" ") if engine.dialect.name == "sqlite" else NOW


def _load(engine: Engine, orders: int, due: int) -> None:
    """Areas, members, `orders` orders (the last `due` of them offered, each offer past its deadline)."""
    sqlite = engine.dialect.name == "sqlite"
    stamp = _at(engine)
    old = (NOW - timedelta(days=1)).replace(tzinfo=None).isoformat(sep=" ") if sqlite else NOW - timedelta(days=1)
    numbers = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) SELECT i FROM n"
               if sqlite else "SELECT i FROM generate_series(1, {count}) AS i")
    empty = "'[]'" if sqlite else "'[]'::jsonb"
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO areas (id, parent_id, level, code, name, path) VALUES "
                                "(1, NULL, 'city', 'b', '本市', '1/'), (2, 1, 'community', 'b-c', '社区', '1/2/'), "
                                "(3, 2, 'grid', 'b-g', '网格', '1/2/3/')"))
        connection.execute(text(
            f"INSERT INTO accounts (id, username, display_name, password_hash, is_active, created_at) "
            f"SELECT i, 'm' || i, '党员' || i, '-', true, :now FROM ({numbers.format(count=MEMBERS)}) AS s"),
            {"now": stamp})
        connection.execute(text(
            f"INSERT INTO member_profiles (account_id, community_id, reported_at, skills, categories, availability, "
            f"capacity, live_orders, lapsed_offers, radius_m, yearly_target, yearly_target_unit) "
            f"SELECT i, 2, :now, {empty}, {empty}, {empty}, 50, 10, 0, 3000, 12, 'count' "
            f"FROM ({numbers.format(count=MEMBERS)}) AS s"), {"now": stamp})
        connection.execute(text(
            f"INSERT INTO orders (id, kind, source, category_code, title, description, skills, headcount, urgency, "
            f"area_id, address, claimable, status, version, sla_level, created_at, updated_at) "
            f"SELECT i, 'service', 'resident', 'repair', '订单' || i, '压力测试', {empty}, 1, 3, 3, '和平路12号', "
            f"false, "
            f"CASE WHEN i > {orders - due} THEN 'offered' ELSE 'closed' END, 2, 'green', :old, :old "
            f"FROM ({numbers.format(count=orders)}) AS s"), {"old": old})
        connection.execute(text(
            "INSERT INTO offers (order_id, slot, member_id, status, version, accept_due_at, offered_at) "
            f"SELECT id, 1, 1 + id % {MEMBERS}, 'offered', 1, :old, :old FROM orders WHERE status = 'offered'"),
            {"old": old})
        if not sqlite:
            connection.execute(text("SELECT setval(pg_get_serial_sequence('orders', 'id'), "
                                    "(SELECT max(id) FROM orders))"))
            connection.execute(text("SELECT setval(pg_get_serial_sequence('accounts', 'id'), "
                                    "(SELECT max(id) FROM accounts))"))
    _analyze(engine)


def _analyze(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


if __name__ == "__main__":
    main()
