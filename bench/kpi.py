"""KPI benchmark: the KPI report of a district against a bare SQL COUNT(*) of the same orders, in the same run.

A database of 1,000,000 orders over two years (a district of 4 streets, 20 communities and 80 grids, and a
neighbouring district with a twentieth of the orders), with a realistic mix of statuses, about 1.2 offers per
dispatched order, ratings, 六访 visits, 督办 notices and 吹哨 summons, is bulk-inserted in SQL on SQLite and on
a throwaway PostgreSQL cluster. Each timed item runs the service function the API uses (here
`market.kpis.service.area_report`, five grouped statements) beside a bare `SELECT COUNT(*)` of the orders it
reports on (the district's orders posted in the range); the best of the rounds counts. Target: each item
<= 10x its bare count.

To time another report, add an `Item` to `ITEMS`: a name, the async callable timed, and its bare count.
Usage: `.venv/bin/python bench/kpi.py [--orders 1000000] [--rounds 3] [--backends sqlite,postgresql]`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.ext.asyncio import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import bench_database  # noqa: E402
from market import migrate  # noqa: E402
from market.access import Actor, Grant  # noqa: E402
from market.database import Database  # noqa: E402
from market.kpis.service import area_report  # noqa: E402
from market.points.rules import PointRules  # noqa: E402
from market.ratings import scoring  # noqa: E402
from market.ratings.figures import area_figures, members_in, units_in  # noqa: E402
from market.visits.periods import local_midnight  # noqa: E402
from market.vocab import Role  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY = "2024-12-01 00:00:00"  # UTC; orders are posted evenly from here over two years
SPAN_SECONDS = 730 * 86400
MEMBERS = 10_000
DISTRICT, DISTRICT_PATH = 2, "/1/2/"
STREETS = range(3, 7)  # 4 streets, 5 communities each, 4 grids per community; area 107-109 the other district
COMMUNITIES = range(7, 27)
GRIDS = range(27, 107)
ADMIN = Actor(1, "bench", 0, (Grant(Role.ADMIN, 1, "/1/", None),))


@dataclass(frozen=True)
class Item:
    """One timed row: `ours` and the bare count it is judged against, each run in its own read transaction."""

    name: str
    # Returns how many orders it covered, which must be what `bare` counted (None: nothing to check).
    ours: Callable[[AsyncSession], Awaitable[int | None]]
    bare: Callable[[AsyncSession], Awaitable[int]]


def kpi_report(date_from: date, date_to: date) -> Callable[[AsyncSession], Awaitable[int]]:
    async def run(session: AsyncSession) -> int:
        return (await area_report(session, ADMIN, DISTRICT, date_from, date_to, SHANGHAI)).orders
    return run


def bare_count(date_from: date, date_to: date) -> Callable[[AsyncSession], Awaitable[int]]:
    """COUNT(*) of the district's orders posted in the range: the subtree by path, local midnights as UTC."""
    async def run(session: AsyncSession) -> int:
        start, end = local_midnight(date_from, SHANGHAI), local_midnight(date_to + timedelta(days=1), SHANGHAI)
        return await session.scalar(text(
            "SELECT count(*) FROM orders o JOIN areas a ON a.id = o.area_id "
            "WHERE a.path LIKE :prefix AND o.created_at >= :start AND o.created_at < :end"),
            {"prefix": DISTRICT_PATH + "%", **_moments(session, start, end)}) or 0
    return run


def _moments(session: AsyncSession, start: object, end: object) -> dict[str, object]:
    # SQLite keeps UTC wall time as text (market/models/base.py); PostgreSQL an aware timestamp.
    if session.bind.dialect.name == "sqlite":
        return {k: v.astimezone(ZoneInfo("UTC")).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
                for k, v in (("start", start), ("end", end))}
    return {"start": start, "end": end}


def star_ratings(date_from: date, date_to: date) -> Callable[[AsyncSession], Awaitable[None]]:
    """What a rating run computes for every member and unit of the district: figures by SQL, then the scores."""
    async def run(session: AsyncSession) -> None:
        start, end = local_midnight(date_from, SHANGHAI), local_midnight(date_to + timedelta(days=1), SHANGHAI)
        figures = await area_figures(session, members_in(DISTRICT_PATH), units_in(DISTRICT_PATH), start, end)
        rules = PointRules().stars
        assert len(figures) > MEMBERS // 2
        [scoring.stars(scoring.score(f, rules), rules) for f in figures.values()]
    return run


YEAR = (date(2025, 12, 1), date(2026, 11, 30))
MONTH = (date(2026, 11, 1), date(2026, 11, 30))
ITEMS = [
    Item("KPI report, district, 12 months", kpi_report(*YEAR), bare_count(*YEAR)),
    Item("KPI report, district, 1 month", kpi_report(*MONTH), bare_count(*MONTH)),
    Item("Star ratings, district, 12 months", star_ratings(*YEAR), bare_count(*YEAR)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"{'database':>10} {'item':<34} {'orders':>9} {'in range':>9} {'ours s':>7} {'bare s':>7} {'ratio':>6}"
          f"  (target <= 10)", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            url, stop = bench_database(backend, Path(folder))
            try:
                started = time.perf_counter()
                _build(url, args.orders)
                print(f"{backend:>10} (loaded in {time.perf_counter() - started:.0f} s)", flush=True)
                for item in ITEMS:
                    covered, ours, bare = asyncio.run(_measure(url, item, args.rounds))
                    print(f"{backend:>10} {item.name:<34} {args.orders:>9,} {covered:>9,} {ours:>7.3f} {bare:>7.3f}"
                          f" {ours / bare:>6.2f}", flush=True)
            finally:
                stop()


async def _measure(url: str, item: Item, rounds: int) -> tuple[int, float, float]:
    """Best of `rounds` for each, alternating so that neither runs on a warmer cache only (one warm-up each)."""
    database = Database(url)
    try:
        ours: list[float] = []
        bare: list[float] = []
        covered: set[int | None] = set()
        counted: set[int] = set()
        for round_number in range(rounds + 1):
            for work, times, seen in ((item.bare, bare, counted), (item.ours, ours, covered)):
                started = time.perf_counter()
                async with database.transaction(write=False) as session:
                    seen.add(await work(session))
                if round_number:  # the first round warms the caches and the connection pool
                    times.append(time.perf_counter() - started)
        assert covered - {None} <= counted, f"{item.name}: ours covered {covered}, the bare count {counted}"
        return counted.pop(), min(ours), min(bare)
    finally:
        await database.dispose()


def _build(url: str, orders: int) -> None:
    migrate.upgrade(url)
    engine = create_engine(url.replace("+aiosqlite", ""))
    try:
        with engine.begin() as connection:
            for statement in _load_statements(engine, orders):
                connection.execute(text(statement))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # What autovacuum would have done by now on PostgreSQL (visibility maps for index-only scans).
            connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    finally:
        engine.dispose()


def _load_statements(engine: Engine, orders: int) -> list[str]:
    """Everything in INSERT … SELECT over a generated series: no rows pass through Python."""
    sqlite = engine.dialect.name == "sqlite"
    numbers = ("(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) SELECT i FROM n)"
               if sqlite else "(SELECT i FROM generate_series(1, {count}) AS i)")
    empty = "'[]'" if sqlite else "'[]'::jsonb"
    true = "1" if sqlite else "true"

    def at(seconds: str) -> str:
        """FIRST_DAY plus an integer number of seconds, stored as the models store it."""
        if sqlite:
            return f"(datetime('{FIRST_DAY}', '+' || ({seconds}) || ' seconds') || '.000000')"
        return f"(TIMESTAMPTZ '{FIRST_DAY}+00' + ({seconds}) * INTERVAL '1 second')"

    def seconds_of(column: str) -> str:
        """A stored time back to seconds after FIRST_DAY."""
        if sqlite:
            return f"CAST(round((julianday({column}) - julianday('{FIRST_DAY}')) * 86400) AS INTEGER)"
        return f"CAST(extract(epoch FROM {column} - TIMESTAMPTZ '{FIRST_DAY}+00') AS BIGINT)"

    def pick(salt: int, modulo: int, column: str = "i") -> str:
        """A well-spread pseudo-random integer in [0, modulo) from a row number."""
        return f"((({column}) * 2654435761 + {salt * 40503}) % 1000003 % {modulo})"

    areas = ["(1, NULL, 'city', 'b', '本市', '/1/')", f"({DISTRICT}, 1, 'district', 'b-d', '示范区', '/1/2/')"]
    areas += [f"({s}, 2, 'street', 'b-s{s}', '街道{s}', '/1/2/{s}/')" for s in STREETS]
    for c in COMMUNITIES:
        street = STREETS[(c - COMMUNITIES[0]) // 5]
        areas.append(f"({c}, {street}, 'community', 'b-c{c}', '社区{c}', '/1/2/{street}/{c}/')")
    for g in GRIDS:
        community = COMMUNITIES[(g - GRIDS[0]) // 4]
        street = STREETS[(community - COMMUNITIES[0]) // 5]
        areas.append(f"({g}, {community}, 'grid', 'b-g{g}', '网格{g}', '/1/2/{street}/{community}/{g}/')")
    areas += ["(107, 1, 'district', 'b-d2', '邻区', '/1/107/')", "(108, 107, 'street', 'b-s2', '邻街', '/1/107/108/')",
              "(109, 108, 'community', 'b-c2', '邻社区', '/1/107/108/109/')"]
    created = f"(i * {SPAN_SECONDS // orders} + {pick(9, 60)})"
    # 90 % on the district's 80 grids, 5 % on its communities directly, 5 % next door.
    area = (f"CASE WHEN {pick(2, 100)} < 90 THEN {GRIDS[0]} + {pick(3, 80)} "
            f"WHEN {pick(2, 100)} < 95 THEN {COMMUNITIES[0]} + {pick(3, 20)} ELSE 109 END")
    status = ("CASE WHEN r < 3 THEN 'submitted' WHEN r < 5 THEN 'rejected' WHEN r < 7 THEN 'cancelled' "
              "WHEN r < 10 THEN 'open' WHEN r < 13 THEN 'offered' WHEN r < 16 THEN 'accepted' "
              "WHEN r < 19 THEN 'in_progress' WHEN r < 29 THEN 'completed' WHEN r < 36 THEN 'confirmed' "
              "WHEN r < 38 THEN 'reopened' ELSE 'closed' END")
    done = "r >= 19"
    # Hours to completion: most within the 3 days of a general order, some late.
    hours = f"(1 + {pick(4, 90)})"
    return [
        "INSERT INTO areas (id, parent_id, level, code, name, path) VALUES " + ", ".join(areas),
        f"INSERT INTO accounts (id, username, display_name, password_hash, is_active, created_at) "
        f"SELECT i, 'm' || i, '党员' || i, '-', {true}, {at('0')} FROM {numbers.format(count=MEMBERS)} AS s",
        f"INSERT INTO member_profiles (account_id, community_id, reported_at, skills, categories, availability, "
        f"capacity, live_orders, lapsed_offers, radius_m, yearly_target, yearly_target_unit) "
        f"SELECT i, {COMMUNITIES[0]} + i % 20, {at('0')}, {empty}, {empty}, {empty}, 50, 0, 0, 3000, 12, 'count' "
        f"FROM {numbers.format(count=MEMBERS)} AS s",
        f"INSERT INTO units (id, name, kind, area_id, created_at, categories, skills, round_capacity, radius_m) "
        f"SELECT i, '单位' || i, CASE WHEN i <= 5 THEN 'department' ELSE 'business' END, {STREETS[0]} + i % 4, "
        f"{at('0')}, {empty}, {empty}, 0, 5000 FROM {numbers.format(count=20)} AS s",
        f"INSERT INTO visit_plans (id, resident_id, tag, frequency, category_code, note, active, created_by_id, "
        f"created_at, next_due_at) SELECT i, i, 'living_alone', 'monthly', 'repair', '', {true}, 1, {at('0')}, "
        f"{at('0')} FROM {numbers.format(count=2000)} AS s",
        f"INSERT INTO orders (id, kind, source, category_code, title, description, skills, headcount, urgency, "
        f"triage, area_id, address, claimable, status, version, accept_due_at, due_at, sla_level, started_at, "
        f"completed_at, points_settled_at, created_at, updated_at) "
        f"SELECT i, CASE WHEN i % 50 = 0 THEN 'visit' WHEN r < 40 THEN 'wish' ELSE 'service' END, 'resident', "
        f"'repair', '订单' || i, '压力测试', {empty}, 1, 3, "
        f"CASE WHEN r < 5 THEN NULL WHEN {pick(5, 10)} = 0 THEN 'emergency' ELSE 'general' END, {area}, "
        f"'和平路12号', false, {status}, 3, "
        f"CASE WHEN r >= 5 THEN {at(created + ' + 1800 * (1 + ' + pick(22, 8) + ')')} END, "
        f"CASE WHEN r >= 5 THEN {at(created + ' + 259200')} END, 'green', "
        f"CASE WHEN r >= 16 THEN {at(created + ' + 3600')} END, "
        f"CASE WHEN {done} THEN {at(created + ' + 3600 * ' + hours)} END, "
        f"CASE WHEN r >= 38 THEN {at(created + ' + 3600 * ' + hours)} END, {at(created)}, {at(created)} "
        f"FROM (SELECT i, {pick(1, 100)} AS r FROM {numbers.format(count=orders)} AS n) AS s",
        # The accepted offer of every order taken up, 5 % of them by a unit naming its member.
        f"INSERT INTO offers (order_id, slot, member_id, unit_id, status, version, accept_due_at, offered_at, "
        f"responded_at) SELECT id, 1, 1 + {pick(6, MEMBERS, 'id')}, CASE WHEN {pick(7, 20, 'id')} = 0 "
        f"THEN 1 + {pick(8, 20, 'id')} END, CASE WHEN status = 'offered' THEN 'offered' ELSE 'accepted' END, 2, "
        f"{at(seconds_of('created_at') + ' + 86400 + 600')}, {at(seconds_of('created_at') + ' + 600')}, "
        f"CASE WHEN status != 'offered' THEN {at(seconds_of('created_at') + ' + 600 + ' + pick(10, 7200, 'id'))} END"
        f" FROM orders WHERE status NOT IN ('submitted', 'rejected', 'cancelled', 'open')",
        # Before it, a declined or lapsed offer for a fifth of them, and for a third of the open ones.
        f"INSERT INTO offers (order_id, slot, member_id, status, version, accept_due_at, offered_at, responded_at) "
        f"SELECT id, 1, 1 + {pick(11, MEMBERS, 'id')}, CASE WHEN {pick(12, 4, 'id')} = 0 THEN 'expired' "
        f"ELSE 'declined' END, 2, {at(seconds_of('created_at') + ' + 86400')}, {at(seconds_of('created_at'))}, "
        f"{at(seconds_of('created_at') + ' + 300')} FROM orders "
        f"WHERE (status NOT IN ('submitted', 'rejected', 'cancelled', 'open') AND {pick(13, 5, 'id')} = 0) "
        f"OR (status = 'open' AND {pick(13, 3, 'id')} = 0)",
        f"INSERT INTO ratings (order_id, stars, comment, created_at) SELECT id, CASE WHEN status = 'reopened' "
        f"THEN 1 + {pick(14, 2, 'id')} WHEN {pick(15, 10, 'id')} < 6 THEN 5 WHEN {pick(15, 10, 'id')} < 9 THEN 4 "
        f"ELSE 3 END, '', completed_at FROM orders WHERE status = 'reopened' "
        f"OR (status IN ('confirmed', 'closed') AND {pick(16, 10, 'id')} < 6)",
        "INSERT INTO visits (plan_id, period_start, order_id, created_at) SELECT 1 + (id / 50) % 2000, created_at, "
        "id, created_at FROM orders WHERE kind = 'visit'",
        # 督办 at the community for 3 % of the orders taken up, a third of them escalated to the street.
        f"INSERT INTO supervisions (order_id, area_id, level, created_at, grace_until, escalated_at) "
        f"SELECT o.id, CASE WHEN a.level = 'grid' THEN a.parent_id ELSE a.id END, 'community', o.due_at, o.due_at, "
        f"CASE WHEN {pick(17, 3, 'o.id')} = 0 THEN o.due_at END FROM orders o JOIN areas a ON a.id = o.area_id "
        f"WHERE o.status NOT IN ('submitted', 'rejected', 'cancelled') AND {pick(18, 100, 'o.id')} < 3",
        "INSERT INTO supervisions (order_id, area_id, level, created_at, grace_until) "
        "SELECT s.order_id, a.parent_id, 'street', s.escalated_at, s.escalated_at FROM supervisions s "
        "JOIN areas a ON a.id = s.area_id WHERE s.escalated_at IS NOT NULL",
        # 吹哨 to a department for 1 % of the approved orders, acknowledged within 0–60 of its 30 minutes.
        f"INSERT INTO summons (order_id, unit_id, summoned_by_id, note, created_at, ack_due_at, report_due_at, "
        f"acknowledged_at) SELECT id, 1 + {pick(19, 5, 'id')}, 1, '请协助', created_at, "
        f"{at(seconds_of('created_at') + ' + 1800')}, {at(seconds_of('created_at') + ' + 86400')}, "
        f"{at(seconds_of('created_at') + ' + 60 * ' + pick(20, 60, 'id'))} FROM orders "
        f"WHERE triage IS NOT NULL AND {pick(21, 100, 'id')} = 0",
        # The ledger: every closed order's award to its member, posted (ids and seq spread by order id; the
        # hashes are placeholders, as `market ledger verify` is not what is timed).
        "INSERT INTO point_rule_versions (version, rules, note, created_at) VALUES "
        f"(1, {empty}, '', {at('0')})".replace("'[]'", "'{}'"),
        f"INSERT INTO point_accounts (id, account_id, area_id, balance, pending, entry_count, head_hash, updated_at) "
        f"SELECT account_id, account_id, community_id, 0, 0, 0, '-', {at('0')} FROM member_profiles",
        "INSERT INTO order_events (id, order_id, action, from_status, to_status, note, at) "
        "SELECT id, id, 'close', 'confirmed', 'closed', '', points_settled_at FROM orders WHERE status = 'closed'",
        "INSERT INTO ledger_entries (id, point_account_id, seq, kind, points, source_key, order_id, source_event_id, "
        "resolves_id, rule_version, needs_review, area_id, note, prev_hash, entry_hash, created_at) "
        "SELECT 2 * o.id + k.k, f.member_id, 2 * o.id + k.k, CASE WHEN k.k = 0 THEN 'award' ELSE 'post' END, "
        "12 + o.id % 7, CASE WHEN k.k = 0 THEN 'order:' || o.id ELSE 'resolve:' || (2 * o.id) END, o.id, "
        "CASE WHEN k.k = 0 THEN o.id END, CASE WHEN k.k = 1 THEN 2 * o.id END, 1, false, o.area_id, '', '-', '-', "
        "o.points_settled_at FROM orders o JOIN offers f ON f.order_id = o.id AND f.status = 'accepted' "
        "CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1) AS k WHERE o.status = 'closed'",
    ]


if __name__ == "__main__":
    main()
