"""KPIs (考核指标): each figure is what the scenario built over HTTP implies, for an area and its children, a unit
and a member; local-date ranges; who may read what; bad ranges refused."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text, update

from market.access import Actor, Grant
from market.clock import ManualClock
from market.database import Database
from market.kpis.definitions import KPIS
from market.kpis.service import area_report
from market.models import Area, Order, RoleGrant, Unit
from market.orders.expiry import expire_offers
from market.supervision.jobs import watch_deadlines
from market.visits.jobs import make_due_visits
from market.vocab import Role
from tests.market.flows import PNG, Flows, move_clock, signed_in
from tests.market.world import START, WISH, World

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINUTE = timedelta(minutes=1)
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
ANSWERED = ("accept", "decline", "lapse")
GRACE = (24, 48, 72)  # hours each level has before a red order goes up


@dataclass(frozen=True)
class Answer:
    to: str  # the World attribute of the member offered, or "unit" (accepted for the unit naming its member)
    outcome: str  # accept, decline, lapse (past the offer's deadline, swept), withdraw, wait (no answer yet)
    after: int = 10  # minutes from the offer to the answer


@dataclass(frozen=True)
class Plan:
    requester: str = "resident"  # resident (grid of community 1) or other_resident (grid of community 2)
    triage: str | None = "general"  # None: left waiting for review
    answers: tuple[Answer, ...] = ()
    claim: str | None = None  # the World attribute of a member who claims it from the open board instead
    complete_after: int | None = None  # minutes from acceptance to completion
    stars: int | None = None


@dataclass
class OfferDone:
    member: int | None
    unit: int | None
    outcome: str
    offered_at: datetime
    answered_at: datetime
    order_accept_due_at: datetime


@dataclass
class OrderDone:
    plan: Plan
    order_id: int
    area_id: int
    created_at: datetime
    accept_due_at: datetime | None = None
    due_at: datetime | None = None
    completed_at: datetime | None = None
    offers: list[OfferDone] = field(default_factory=list)


# A street's worth of outcomes: on time and late, declined, lapsed, withdrawn, unit service, every rating band.
PLANS = (
    Plan(answers=(Answer("member", "accept", 10),), complete_after=180, stars=5),
    # General orders are due in 3 days: this one is done late.
    Plan(answers=(Answer("member", "decline", 5), Answer("second_member", "accept", 50)), complete_after=4400,
         stars=4),
    # Emergencies must be accepted within 30 minutes: accepted late, done within its 4 hours.
    Plan(triage="emergency", answers=(Answer("member", "accept", 45),), complete_after=120, stars=3),
    Plan(answers=(Answer("member", "lapse"), Answer("second_member", "withdraw", 5), Answer("unit", "accept", 20)),
         complete_after=60, stars=1),
    Plan(answers=(Answer("second_member", "wait"),)),
    Plan(),
    Plan(triage=None),
    Plan(requester="other_resident", answers=(Answer("other_member", "accept", 30),), complete_after=90, stars=5),
    Plan(requester="other_resident", answers=(Answer("unit_member", "accept", 15),)),
    # Claimed from the open board (抢单): served, but no dispatch to answer.
    Plan(claim="second_member", complete_after=30, stars=4),
)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Scenario:
    """Runs plans over HTTP as the people involved would, moving the clock, and records what happened."""

    def __init__(self, client: AsyncTestClient, world: World, database: Database, clock: ManualClock,
                 flows: Flows) -> None:
        self.client, self.world, self.database, self.clock, self.flows = client, world, database, clock, flows
        self.done: list[OrderDone] = []

    @classmethod
    async def start(cls, client: AsyncTestClient, world: World, database: Database,
                    clock: ManualClock) -> Scenario:
        w = world
        flows = await signed_in(client, world, database, w.resident, w.other_resident, w.dispatcher,
                                w.other_dispatcher, w.member, w.second_member, w.other_member, w.unit_member,
                                w.unit_admin, w.auditor, w.admin, now=clock.now())
        return cls(client, world, database, clock, flows)

    async def wait(self, minutes: int) -> None:
        await move_clock(self.clock.now() + minutes * MINUTE, self.flows, self.database, self.clock)

    async def run(self, plans: Iterable[Plan]) -> list[OrderDone]:
        for plan in plans:
            self.done.append(await self._one(plan))
        return self.done

    async def _one(self, plan: Plan) -> OrderDone:
        w, call = self.world, self.flows.call
        requester = getattr(w, plan.requester)
        dispatcher = w.dispatcher if plan.requester == "resident" else w.other_dispatcher
        order_id = (await call("POST", "/api/orders", requester, json=WISH))["id"]
        url = f"/api/orders/{order_id}"
        done = OrderDone(plan, order_id, w.grid if plan.requester == "resident" else w.other_grid, self.clock.now())
        if plan.triage is None:
            return done
        approved = await call("POST", f"{url}/approve", dispatcher,
                              json={"triage": plan.triage, "claimable": plan.claim is not None})
        done.accept_due_at, done.due_at = _at(approved["accept_due_at"]), _at(approved["due_at"])
        server = None
        if plan.claim is not None:
            await self.wait(20)
            server = getattr(w, plan.claim)
            await call("POST", f"{url}/claim", server)
            done.offers.append(OfferDone(server, None, "claim", self.clock.now(), self.clock.now(),
                                         done.accept_due_at))
        for answer in plan.answers:
            to = {"unit_id": w.unit} if answer.to == "unit" else {"member_id": getattr(w, answer.to)}
            made = await call("POST", f"{url}/offers", dispatcher, json={**to, "accept_within_minutes": 600})
            offer_id = max(a["offer_id"] for a in made["assignees"] if a["status"] == "offered")
            offered_at = self.clock.now()
            if answer.outcome == "wait":
                continue
            await self.wait(601 if answer.outcome == "lapse" else answer.after)
            member = None if answer.to == "unit" else getattr(w, answer.to)
            if answer.outcome == "lapse":
                assert await expire_offers(self.database, self.clock.now()) == {"expired": 1}
            elif answer.outcome == "decline":
                await call("POST", f"/api/offers/{offer_id}/decline", member, json={"reason": "busy"})
            elif answer.outcome == "withdraw":
                await call("POST", f"/api/offers/{offer_id}/withdraw", dispatcher)
            elif answer.to == "unit":
                member = w.unit_member
                await call("POST", f"/api/offers/{offer_id}/accept-for-unit", w.unit_admin,
                           json={"member_id": member})
            else:
                await call("POST", f"/api/offers/{offer_id}/accept", member)
            if answer.outcome == "accept":
                server = member
            done.offers.append(OfferDone(member if answer.outcome == "accept" or answer.to != "unit" else None,
                                         w.unit if answer.to == "unit" else None, answer.outcome, offered_at,
                                         self.clock.now(), done.accept_due_at))
        if plan.complete_after is not None and server is not None:
            await call("POST", f"{url}/start", server)
            await self.wait(plan.complete_after)
            await call("POST", f"{url}/complete", server, data={"note": "已办结"},
                       files={"photos": ("a.png", PNG, "image/png")})
            done.completed_at = self.clock.now()
        if plan.stars is not None:
            await self.wait(1)
            await call("POST", f"{url}/rate", requester, json={"stars": plan.stars})
        return done

    async def get(self, caller: int, url: str, **params: str) -> dict:
        return await self.flows.call("GET", url, caller, params=params or NOVEMBER)


def expected(orders: list[OrderDone], offers: list[OfferDone]) -> dict[str, tuple[int, int]]:
    """Each KPI's (numerator, denominator), worked out from what the scenario did to these orders and offers."""
    answered = [o for o in offers if o.outcome in ANSWERED]
    accepted = [o for o in offers if o.outcome == "accept"]
    approved = [d for d in orders if d.plan.triage is not None]
    completed = [d for d in orders if d.completed_at is not None]
    rated = [d.plan.stars for d in orders if d.plan.stars is not None]
    return {
        "accept_rate": (len(accepted), len(answered)),
        "timely_accept_rate": (sum(o.answered_at <= o.order_accept_due_at for o in accepted), len(accepted)),
        "completion_rate": (len(completed), len(approved)),
        "on_time_completion_rate": (sum(d.completed_at <= d.due_at for d in completed), len(completed)),
        "satisfaction_rate": (sum(s >= 4 for s in rated), len(rated)),
        "praise_rate": (sum(s == 5 for s in rated), len(rated)),
        "avg_response_minutes": (sum(_seconds(o.offered_at, o.answered_at) for o in accepted), len(accepted)),
        "avg_completion_hours": (sum(_seconds(d.created_at, d.completed_at) for d in completed), len(completed)),
        "visit_coverage": (0, 0), "escalation_rate": (0, 0), "summons_on_time_rate": (0, 0),
    }


def _seconds(start: datetime, end: datetime | None) -> int:
    assert end is not None
    return int((end - start).total_seconds())


def figures(report: dict) -> dict[str, tuple[int, int]]:
    return {k["code"]: (k["numerator"], k["denominator"]) for k in report["kpis"]}


def in_areas(done: list[OrderDone], *area_ids: int) -> tuple[list[OrderDone], list[OfferDone]]:
    orders = [d for d in done if d.area_id in area_ids]
    return orders, [o for d in orders for o in d.offers]


def served_by(done: list[OrderDone], holds: Callable[[OfferDone], bool]) -> tuple[list[OrderDone], list[OfferDone]]:
    orders = [d for d in done if any(o.outcome in ("accept", "claim") and holds(o) for o in d.offers)]
    return orders, [o for d in done for o in d.offers if holds(o)]


async def test_an_areas_kpis_are_what_its_orders_offers_and_ratings_imply(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    scenario = await Scenario.start(client, world, database, clock)
    done = await scenario.run(PLANS)
    street = await scenario.get(world.auditor, f"/api/kpis/areas/{world.street}")
    assert (street["name"], street["level_name"], street["date_from"], street["date_to"]) == (
        "t-street", "街道", "2026-11-01", "2026-11-30")
    orders, offers = in_areas(done, world.grid, world.other_grid)
    assert street["orders"] == len(PLANS)
    assert figures(street) == expected(orders, offers)
    # Not a trivial scenario: each rate has cases on both sides.
    assert all(0 < n < d for n, d in (figures(street)[k] for k in (
        "accept_rate", "timely_accept_rate", "completion_rate", "on_time_completion_rate", "satisfaction_rate",
        "praise_rate")))
    for kpi in street["kpis"]:
        n, d = kpi["numerator"], kpi["denominator"]
        if d == 0:
            assert kpi["value"] is None
        elif kpi["unit"] == "‰":
            assert kpi["value"] == int(Fraction(1000 * n, d) + Fraction(1, 2))  # per mille, halves up
        else:
            assert kpi["value"] == round(n / d / (60 if kpi["unit"] == "分钟" else 3600), 1)
    assert [k["name"] for k in street["kpis"]] == [k.name for k in KPIS]
    community = await scenario.get(world.dispatcher, f"/api/kpis/areas/{world.community}")
    assert figures(community) == expected(*in_areas(done, world.grid))


async def test_the_drill_down_gives_each_child_its_own_figures_and_they_add_up_to_the_area(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    scenario = await Scenario.start(client, world, database, clock)
    done = await scenario.run(PLANS)
    # An order hung on the community itself rather than one of its grids.
    on_community = next(d for d in done if d.area_id == world.grid and d.completed_at is not None)
    async with database.transaction() as session:
        await session.execute(update(Order).where(Order.id == on_community.order_id).values(area_id=world.community))
    on_community.area_id = world.community
    street = await scenario.get(world.auditor, f"/api/kpis/areas/{world.street}")
    assert [c["area_id"] for c in street["children"]] == [world.community, world.other_community]
    assert [c["level_name"] for c in street["children"]] == ["社区", "社区"]
    first, second = street["children"]
    assert figures(first) == expected(*in_areas(done, world.community, world.grid))
    assert figures(second) == expected(*in_areas(done, world.other_grid))
    assert street["direct"]["orders"] == 0 and first["orders"] + second["orders"] == street["orders"]
    for code, (n, d) in figures(street).items():
        assert (figures(first)[code][0] + figures(second)[code][0], figures(first)[code][1]
                + figures(second)[code][1]) == (n, d), code
    community = await scenario.get(world.dispatcher, f"/api/kpis/areas/{world.community}")
    [grid] = community["children"]
    assert figures(grid) == expected(*in_areas(done, world.grid))
    assert figures(community["direct"]) == expected(*in_areas(done, world.community))
    assert community["direct"]["orders"] == 1 and grid["orders"] + 1 == community["orders"]
    assert {code: (a[0] + b[0], a[1] + b[1]) for (code, a), b in zip(
        figures(grid).items(), figures(community["direct"]).values(), strict=True)} == figures(community)
    # The service function other modules call gives the API's report.
    async with database.transaction(write=False) as session:
        district = await session.get(Area, (await session.get(Area, world.street)).parent_id)
        actor = Actor(world.auditor, "auditor", 0, (Grant(Role.AUDITOR, district.id, district.path, None),))
        report = await area_report(session, actor, world.street, date(2026, 11, 1), date(2026, 11, 30), SHANGHAI)
    assert msgspec.to_builtins(report) == street
    assert report.kpi("completion_rate").numerator == figures(street)["completion_rate"][0]


async def test_a_member_and_a_unit_count_their_own_offers_and_the_orders_they_served(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    scenario = await Scenario.start(client, world, database, clock)
    done = await scenario.run(PLANS)
    for member in (world.member, world.second_member, world.unit_member):
        mine = await scenario.get(member, f"/api/kpis/members/{member}")
        orders, offers = served_by(done, lambda o, m=member: o.member == m)
        assert (mine["account_id"], mine["orders"]) == (member, len(orders))
        assert figures(mine) == expected(orders, offers), member
    # The unit: offers to it, and to its confirmed member in their own right.
    unit = await scenario.get(world.unit_admin, f"/api/kpis/units/{world.unit}")
    orders, offers = served_by(done, lambda o: o.unit == world.unit
                               or (o.unit is None and o.member == world.unit_member))
    assert (unit["name"], unit["orders"]) == ("测试单位", len(orders)) and len(orders) == 2
    assert figures(unit) == expected(orders, offers)


async def test_a_range_is_local_dates_in_shanghai_from_midnight_to_midnight(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    last_moment_of_november = datetime(2026, 11, 30, 16, 0, tzinfo=UTC) - timedelta(seconds=1)
    scenario = await Scenario.start(client, world, database, clock)
    for moment in (last_moment_of_november, last_moment_of_november + timedelta(seconds=1)):
        await move_clock(moment, scenario.flows, database, clock)
        await scenario.run([Plan()])
    url = f"/api/kpis/areas/{world.street}"
    november = await scenario.get(world.auditor, url, date_from="2026-11-30", date_to="2026-11-30")
    december = await scenario.get(world.auditor, url, date_from="2026-12-01", date_to="2026-12-01")
    both = await scenario.get(world.auditor, url, date_from="2026-11-30", date_to="2026-12-01")
    assert (november["orders"], december["orders"], both["orders"]) == (1, 1, 2)
    assert figures(both)["completion_rate"] == (0, 2)


async def test_without_dates_the_range_is_this_month_so_far(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    scenario = await Scenario.start(client, world, database, clock)
    await move_clock(START - timedelta(days=23), scenario.flows, database, clock)  # 31 October, local
    await scenario.run([Plan(), Plan()])
    await move_clock(START, scenario.flows, database, clock)  # 23 November, local
    await scenario.run([Plan()])
    url = f"/api/kpis/areas/{world.street}"
    this_month = await scenario.flows.call("GET", url, world.auditor)
    assert (this_month["date_from"], this_month["date_to"], this_month["orders"]) == ("2026-11-01", "2026-11-23", 1)
    october = await scenario.flows.call("GET", url, world.auditor, params={"date_to": "2026-10-31"})
    assert (october["date_from"], october["orders"]) == ("2026-10-01", 2)


async def test_nothing_to_count_gives_zeros_and_no_rate(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    scenario = await Scenario.start(client, world, database, clock)
    report = await scenario.get(world.auditor, f"/api/kpis/areas/{world.street}")
    assert report["orders"] == 0 and len(report["children"]) == 2
    assert all((k["numerator"], k["denominator"], k["value"]) == (0, 0, None) for k in report["kpis"])


async def test_visit_coverage_escalations_and_summons_answered_in_time_count_per_area_and_unit(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    scenario = await Scenario.start(client, world, database, clock)
    w, call = world, scenario.flows.call
    # 六访: one monthly visit in each community; the first community's is done.
    for resident, dispatcher in ((w.resident, w.dispatcher), (w.other_resident, w.other_dispatcher)):
        await call("POST", "/api/visit-plans", dispatcher, json={"resident_id": resident, "tag": "living_alone",
                                                                 "category": "daily_help"})
    assert await make_due_visits(database, clock.now(), SHANGHAI) == {"visits": 2}
    async with database.transaction(write=False) as session:
        visit = await session.scalar(select(Order.id).where(Order.kind == "visit", Order.area_id == w.grid))
    made = await call("POST", f"/api/orders/{visit}/offers", w.dispatcher, json={"member_id": w.member})
    await call("POST", f"/api/offers/{made['assignees'][0]['offer_id']}/accept", w.member)
    await call("POST", f"/api/orders/{visit}/start", w.member)
    await call("POST", f"/api/orders/{visit}/complete", w.member, data={"note": "已走访"},
               files={"photos": ("a.png", PNG, "image/png")})
    # 督办: two emergencies accepted and left undone turn red; one is done before the community's grace ends,
    # the other goes up to the street.
    late = await scenario.run([Plan(triage="emergency", answers=(Answer("member", "accept", 5),))] * 2)
    due = max(d.due_at for d in late if d.due_at)
    assert (await watch_deadlines(database, due + MINUTE, stall_days=3, grace_hours=GRACE))["red"] == 2
    await move_clock(due + timedelta(hours=1), scenario.flows, database, clock)
    done_late, still_late = (d.order_id for d in late)
    await call("POST", f"/api/orders/{done_late}/start", w.member)
    await call("POST", f"/api/orders/{done_late}/complete", w.member, data={"note": "已办结"},
               files={"photos": ("a.png", PNG, "image/png")})
    assert (await watch_deadlines(database, due + timedelta(hours=25), stall_days=3,
                                  grace_hours=GRACE))["escalated"] == 1
    # 吹哨: a department summoned to the late order and to the second community's visit; it acknowledges the
    # first within its 30 minutes and the second after them.
    async with database.transaction() as session:
        department = Unit(name="城管执法中队", kind="department", area_id=w.street, created_at=START)
        session.add(department)
        await session.flush()
        session.add(RoleGrant(account_id=w.unit_admin, role=Role.UNIT_ADMIN, area_id=w.street, unit_id=department.id,
                              created_at=START))
        other_visit = await session.scalar(select(Order.id).where(Order.kind == "visit", Order.area_id == w.other_grid))
    await move_clock(due + timedelta(hours=26), scenario.flows, database, clock)
    asked = [await call("POST", f"/api/orders/{order_id}/summons", dispatcher,
                        json={"unit_id": department.id, "note": "请协助"})
             for order_id, dispatcher in ((still_late, w.dispatcher), (other_visit, w.other_dispatcher))]
    await scenario.wait(10)
    await call("POST", f"/api/summons/{asked[0]['id']}/acknowledge", w.unit_admin)
    await scenario.wait(30)
    await call("POST", f"/api/summons/{asked[1]['id']}/acknowledge", w.unit_admin)

    month = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    street = await scenario.get(w.auditor, f"/api/kpis/areas/{w.street}", **month)
    first, second = street["children"]
    assert (figures(street)["visit_coverage"], figures(first)["visit_coverage"],
            figures(second)["visit_coverage"]) == ((1, 2), (1, 1), (0, 1))
    assert figures(street)["escalation_rate"] == (1, 2) == figures(first)["escalation_rate"]
    assert figures(second)["escalation_rate"] == (0, 0)
    assert (figures(street)["summons_on_time_rate"], figures(first)["summons_on_time_rate"],
            figures(second)["summons_on_time_rate"]) == ((1, 2), (1, 1), (0, 1))
    unit = await scenario.get(w.unit_admin, f"/api/kpis/units/{department.id}", **month)
    assert figures(unit)["summons_on_time_rate"] == (1, 2)
    member = await scenario.get(w.member, f"/api/kpis/members/{w.member}", **month)
    assert (figures(member)["visit_coverage"], figures(member)["escalation_rate"]) == ((1, 1), (1, 2))
    assert figures(member)["summons_on_time_rate"] == (0, 0)  # summons are a department's, not a member's



async def test_each_caller_reads_only_the_areas_units_and_members_within_reach(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    w = world
    async with database.transaction() as session:
        stranger = Unit(name="外区单位", kind="business", area_id=w.other_community, created_at=START)
        session.add(stranger)
        await session.flush()
    scenario = await Scenario.start(client, world, database, clock)
    rules = {  # caller → {url: status}
        w.dispatcher: {f"areas/{w.community}": 200, f"areas/{w.grid}": 200, f"areas/{w.other_community}": 404,
                       f"areas/{w.street}": 404, f"units/{w.unit}": 200, f"units/{stranger.id}": 404,
                       f"members/{w.member}": 200, f"members/{w.other_member}": 404},
        w.other_dispatcher: {f"areas/{w.community}": 404, f"units/{w.unit}": 404, f"units/{stranger.id}": 200,
                             f"members/{w.member}": 404, f"members/{w.other_member}": 200},
        w.auditor: {f"areas/{w.street}": 200, f"units/{stranger.id}": 200, f"members/{w.other_member}": 200},
        w.admin: {f"areas/{w.city}": 200, "areas/999999": 404, "units/999999": 404, "members/999999": 404,
                  f"members/{w.dispatcher}": 404},
        w.unit_admin: {f"units/{w.unit}": 200, f"units/{stranger.id}": 404, f"members/{w.unit_member}": 200,
                       f"members/{w.member}": 404, f"areas/{w.street}": 403},
        w.member: {f"members/{w.member}": 200, f"members/{w.second_member}": 404, f"units/{w.unit}": 403,
                   f"areas/{w.community}": 403},
        w.unit_member: {f"members/{w.unit_member}": 200, f"members/{w.member}": 404},
        w.resident: {f"members/{w.member}": 403, f"areas/{w.grid}": 403, f"units/{w.unit}": 403},
    }
    answered = {caller: {url: (await client.get(f"/api/kpis/{url}", headers=scenario.flows.headers[caller])).status_code
                         for url in urls} for caller, urls in rules.items()}
    assert answered == rules


async def test_a_bad_range_answers_400_naming_the_field(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    scenario = await Scenario.start(client, world, database, clock)
    cases = [({"date_from": "2026-11-02", "date_to": "2026-11-01"}, "date_from"),
             ({"date_from": "2023-11-01", "date_to": "2026-11-01"}, "date_from"),  # over three years
             ({"date_from": "2026-02-30"}, "date_from"),
             ({"date_to": "yesterday"}, "date_to"),
             ({"date_from": "2026-12-01"}, "date_from")]  # after today, the default end
    for url in (f"areas/{world.street}", f"units/{world.unit}", f"members/{world.member}"):
        for params, field_name in cases:
            response = await client.get(f"/api/kpis/{url}", params=params, headers=scenario.flows.headers[world.admin])
            body = response.json()
            assert (response.status_code, body["field"]) == (400, field_name), (url, params, body)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # said in Chinese
    three_years = await client.get(f"/api/kpis/areas/{world.street}", params={
        "date_from": "2023-11-02", "date_to": "2026-11-01"}, headers=scenario.flows.headers[world.admin])
    assert three_years.status_code == 200


async def test_the_kpi_report_exports_the_area_and_each_child_with_chinese_headers(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    import csv
    import io

    scenario = await Scenario.start(client, world, database, clock)
    await scenario.run(PLANS)
    street = await scenario.get(world.auditor, f"/api/kpis/areas/{world.street}")
    response = await client.get("/api/exports/kpis", params={
        "area_id": world.street, "format": "csv", "date_from": "2026-11-01", "date_to": "2026-11-30"},
        headers=scenario.flows.headers[world.auditor])
    assert response.status_code == 200, response.text
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    assert header[:4] == ["区域", "层级", "订单数", "接单率（%）"] and "平均办结时长（小时）" in header
    assert [r[0] for r in rows] == [street["name"]] + [c["name"] for c in street["children"]]
    for row, scope in zip(rows, [street, *street["children"]], strict=True):
        completion = next(k for k in scope["kpis"] if k["code"] == "completion_rate")
        column = header.index("办结率（%）")
        assert row[2] == str(scope["orders"])
        assert row[column:column + 3] == [
            "" if completion["value"] is None else str(completion["value"] / 10),
            str(completion["numerator"]), str(completion["denominator"])]


async def test_the_reports_planner_settings_end_with_the_report(world: World, database: Database,
                                                                backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    async with database.transaction(write=False) as session:
        area = await session.get(Area, world.street)
        actor = Actor(world.admin, "admin", 0, (Grant(Role.ADMIN, area.id, area.path, None),))
        await area_report(session, actor, world.street, date(2026, 11, 1), date(2026, 11, 30), SHANGHAI)
        settings = (await session.execute(text("SELECT current_setting('enable_sort'), "
                                               "current_setting('work_mem')"))).one()
    assert tuple(settings) == ("on", "4MB")
