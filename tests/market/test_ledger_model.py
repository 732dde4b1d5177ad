"""A Hypothesis state machine: orders posted, served, rated and closed, settled, audited and corrected, in any
order, against a small in-memory model of what the ledger must then hold."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from litestar.testing import TestClient
from sqlalchemy import text

from market.app import create_app
from market.clock import ManualClock
from market.database import open_sync_engine
from market.points.rules import PointRules
from market.settings import Settings
from tests.market.world import PASSWORD, START, WISH, World

RULES = PointRules()
BASE = RULES.base_default + RULES.accept_bonus + RULES.on_time_bonus  # the clock stands still: always on time


def expected_points(stars: int, award_disputed: bool) -> int:
    """What the model expects for one order served alone, written from the rules' defaults, not the code's."""
    if stars <= 2:
        return BASE * RULES.disputed_award_percent // 100 if award_disputed else 0
    return BASE * {5: 120, 4: 110, 3: 100}[stars] // 100


@dataclass
class Award:
    entry_id: int | None
    points: int
    status: str = "pending"  # pending → posted | voided; posted → reversed


def test_the_ledger_matches_its_model_whatever_happens_in_whatever_order(settings: Settings, world: World) -> None:
    engine = open_sync_engine(settings.database_url)
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE member_profiles SET capacity = 100000 WHERE account_id = {world.member}"))
    with TestClient(app=create_app(settings, clock=ManualClock(START))) as client:
        headers = {}
        for who in (world.resident, world.dispatcher, world.member, world.auditor, world.admin):
            token = client.post("/api/auth/login", json={"login": world.login_of(who), "password": PASSWORD})
            headers[who] = {"Authorization": f"Bearer {token.json()['access_token']}"}

        def call(method: str, url: str, who: int, **kwargs: object) -> dict:
            response = client.request(method, url, headers=headers[who], **kwargs)
            assert response.status_code < 300, f"{method} {url}: {response.status_code} {response.text}"
            return response.json()

        def scalar(sql: str) -> int:
            with engine.connect() as connection:
                value = connection.execute(text(sql)).scalar()
            assert value is None or isinstance(value, int), f"{sql} gave {value!r}: points are whole numbers"
            return value or 0

        class LedgerMachine(RuleBasedStateMachine):
            def __init__(self) -> None:
                super().__init__()
                self.state: dict[int, str] = {}
                self.offer: dict[int, int] = {}
                self.stars: dict[int, int] = {}
                self.award_disputed: dict[int, bool] = {}
                self.awards: dict[int, Award] = {}  # by order id
                self.settled: set[int] = set()
                self.balance_before = scalar(f"SELECT balance FROM point_accounts WHERE account_id = {world.member}")

            def _in(self, state: str) -> list[int]:
                return sorted(order for order, s in self.state.items() if s == state)

            def _awards(self, status: str) -> list[int]:
                return sorted(order for order, a in self.awards.items() if a.status == status)

            @rule()
            def post(self) -> None:
                order_id = call("POST", "/api/orders", world.resident, json=WISH)["id"]
                call("POST", f"/api/orders/{order_id}/approve", world.dispatcher, json={"triage": "general"})
                self.state[order_id] = "open"

            @precondition(lambda self: self._in("open"))
            @rule(data=st.data())
            def offer(self, data: st.DataObject) -> None:
                order_id = data.draw(st.sampled_from(self._in("open")))
                body = call("POST", f"/api/orders/{order_id}/offers", world.dispatcher, json={"member_id": world.member})
                self.offer[order_id] = body["assignees"][0]["offer_id"]
                self.state[order_id] = "offered"

            @precondition(lambda self: self._in("offered"))
            @rule(data=st.data())
            def accept(self, data: st.DataObject) -> None:
                order_id = data.draw(st.sampled_from(self._in("offered")))
                call("POST", f"/api/offers/{self.offer[order_id]}/accept", world.member)
                call("POST", f"/api/orders/{order_id}/start", world.member)
                self.state[order_id] = "in_progress"

            @precondition(lambda self: self._in("in_progress"))
            @rule(data=st.data())
            def complete(self, data: st.DataObject) -> None:
                order_id = data.draw(st.sampled_from(self._in("in_progress")))
                call("POST", f"/api/orders/{order_id}/complete", world.member, data={"note": "办好了"},
                     files={"photos": ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")})
                self.state[order_id] = "completed"

            @precondition(lambda self: self._in("completed"))
            @rule(data=st.data(), stars=st.integers(1, 5))
            def rate(self, data: st.DataObject, stars: int) -> None:
                order_id = data.draw(st.sampled_from(self._in("completed")))
                call("POST", f"/api/orders/{order_id}/rate", world.resident, json={"stars": stars})
                self.stars[order_id] = stars
                self.state[order_id] = "reopened" if stars <= 2 else "confirmed"

            @precondition(lambda self: self._in("confirmed") + self._in("reopened"))
            @rule(data=st.data(), award_disputed=st.booleans())
            def close(self, data: st.DataObject, award_disputed: bool) -> None:
                order_id = data.draw(st.sampled_from(self._in("confirmed") + self._in("reopened")))
                body = {"note": "销号"} | ({"award_points": award_disputed} if self.state[order_id] == "reopened" else {})
                call("POST", f"/api/orders/{order_id}/close", world.dispatcher, json=body)
                self.award_disputed[order_id] = award_disputed
                self.state[order_id] = "closed"

            @rule()
            def award(self) -> None:
                call("POST", "/api/jobs/points_settlement/run", world.admin)
                for order_id in self._in("closed"):
                    if order_id in self.settled:
                        continue
                    self.settled.add(order_id)
                    points = expected_points(self.stars[order_id], self.award_disputed[order_id])
                    if points:
                        entry_id = scalar(f"SELECT id FROM ledger_entries WHERE kind = 'award' "
                                          f"AND order_id = {order_id}")
                        self.awards[order_id] = Award(entry_id, points)

            @precondition(lambda self: self._awards("pending"))
            @rule(data=st.data(), post=st.booleans())
            def audit(self, data: st.DataObject, post: bool) -> None:
                order_id = data.draw(st.sampled_from(self._awards("pending")))
                action = "post" if post else "void"
                call("POST", f"/api/points/entries/{self.awards[order_id].entry_id}/{action}", world.auditor,
                     json={"note": "审核"})
                self.awards[order_id].status = "posted" if post else "voided"

            @precondition(lambda self: self._awards("posted"))
            @rule(data=st.data())
            def reverse(self, data: st.DataObject) -> None:
                order_id = data.draw(st.sampled_from(self._awards("posted")))
                call("POST", f"/api/points/entries/{self.awards[order_id].entry_id}/reverse", world.auditor,
                     json={"reason": "核实后冲正"})
                self.awards[order_id].status = "reversed"

            @invariant()
            def balance_is_the_sum_of_posted_entries(self) -> None:
                stored = scalar(f"SELECT balance FROM point_accounts WHERE account_id = {world.member}")
                summed = scalar("SELECT sum(e.points) FROM ledger_entries e JOIN point_accounts a "
                                "ON a.id = e.point_account_id WHERE e.kind IN ('post', 'reversal') "
                                f"AND a.account_id = {world.member}")
                posted = sum(a.points for a in self.awards.values() if a.status == "posted")
                assert stored == summed == self.balance_before + posted

            @invariant()
            def every_award_has_its_source_and_no_source_two_awards(self) -> None:
                orders = ",".join(map(str, self.state)) or "-1"
                awarded = scalar(f"SELECT count(*) FROM ledger_entries WHERE kind = 'award' AND order_id IN ({orders})")
                assert awarded == len(self.awards)
                assert scalar("SELECT count(*) FROM (SELECT order_id FROM ledger_entries WHERE kind = 'award' "
                              "GROUP BY order_id, point_account_id HAVING count(*) > 1) twice") == 0
                assert scalar("SELECT count(*) FROM ledger_entries e LEFT JOIN order_events v "
                              "ON v.id = e.source_event_id AND v.order_id = e.order_id AND v.to_status = 'closed' "
                              "WHERE e.kind = 'award' AND v.id IS NULL") == 0
                for award in self.awards.values():
                    assert scalar(f"SELECT points FROM ledger_entries WHERE id = {award.entry_id}") == award.points

        run_state_machine_as_test(LedgerMachine, settings=hypothesis_settings(
            max_examples=12, stateful_step_count=25, deadline=None, database=None,
            suppress_health_check=list(HealthCheck)))
    engine.dispose()
