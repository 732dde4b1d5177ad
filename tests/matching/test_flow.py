"""The flow solver: known optima on tiny problems, and the same objective as an independent LP on random ones."""

from __future__ import annotations

import numpy as np
import pytest
from msgspec.structs import replace
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from matching.check import eligible_by_order
from matching.instances import city
from matching.problem import Problem
from matching.result import write_result
from matching.solve import solve
from tests.matching.helpers import MEMBER, ORDER, checked, pairs_of, problem


def test_the_nearer_member_serves_when_both_are_free() -> None:
    members = [{**MEMBER, "id": "m-near", "x_m": 100.0, "y_m": 0.0}, {**MEMBER, "id": "m-far", "x_m": 2000.0}]
    result = checked(problem([ORDER], members))
    assert pairs_of(result) == {("o-1", "m-near")}
    assert (result.status, result.objective, result.lower_bound) == ("optimal", 1 + 0, 1)


def test_fairness_prefers_the_member_who_served_less_this_period() -> None:
    members = [{**MEMBER, "id": "m-busy", "x_m": 100.0, "y_m": 0.0, "load": 10},
               {**MEMBER, "id": "m-idle", "x_m": 600.0, "y_m": 0.0, "load": 0}]
    result = checked(problem([ORDER], members))
    # busy: 1 + 5×10 = 51; idle: 6 + 0 = 6.
    assert pairs_of(result) == {("o-1", "m-idle")} and result.objective == 6


def test_a_member_with_capacity_two_pays_a_rising_fairness_cost() -> None:
    orders = [{**ORDER, "id": "o-1"}, {**ORDER, "id": "o-2"}]
    result = checked(problem(orders, [{**MEMBER, "capacity": 2, "load": 1}]))
    assert sorted(a.terms.fairness for a in result.assignments) == [5, 10]
    assert result.objective == 2 * 5 + 5 + 10


def test_the_most_urgent_order_wins_a_scarce_member() -> None:
    orders = [{**ORDER, "id": "o-low", "urgency": 1}, {**ORDER, "id": "o-high", "urgency": 4}]
    result = checked(problem(orders, [MEMBER]))
    assert pairs_of(result) == {("o-high", "m-1")}
    assert [(u.order, u.reason) for u in result.unserved] == [("o-low", "capacity")]


def test_an_order_is_left_unserved_when_serving_costs_more() -> None:
    far = {**MEMBER, "x_m": 4000.0, "y_m": 0.0}
    result = checked(problem([ORDER], [far], weights={"unserved_per_urgency": 10}))
    assert result.assignments == [] and [u.reason for u in result.unserved] == ["cost"]


def test_headcount_two_takes_two_different_members() -> None:
    members = [{**MEMBER, "capacity": 3}, {**MEMBER, "id": "m-2", "x_m": 900.0, "y_m": 0.0}]
    result = checked(problem([{**ORDER, "headcount": 3}], members))
    assert pairs_of(result) == {("o-1", "m-1"), ("o-1", "m-2")}
    assert [(u.slots, u.reason) for u in result.unserved] == [(1, "capacity")]


def lp_optimum(given: Problem) -> int:
    """The same objective as a linear program (HiGHS), over the checker's eligible pairs: a network LP is integral."""
    eligible = eligible_by_order(given)
    orders = {o.id: n for n, o in enumerate(given.orders)}
    members = {c.id: c for c in given.candidates}
    pairs = [(o, c) for o, found in eligible.items() for c in found]
    used = {c for _, c in pairs}
    slots = [(c, j) for c in sorted(used) for j in range(min(members[c].capacity, len(pairs)))]
    slot_row = {c: n for n, c in enumerate(sorted(used))}
    w = given.weights
    costs, rows, cols, vals = [], [], [], []
    for k, (o, c) in enumerate(pairs):
        order, member = given.orders[orders[o]], members[c]
        distance = np.sqrt((order.x_m - member.x_m) ** 2 + (order.y_m - member.y_m) ** 2)
        costs.append(w.distance_per_100m * np.floor(distance / 100)
                     + (w.outside_community if order.community != member.community else 0))
        rows += [orders[o], len(orders) + slot_row[c]]
        cols += [k, k]
        vals += [1, 1]
    for n, order in enumerate(given.orders):  # unserved slots
        costs.append(w.unserved_per_urgency * order.urgency + w.unserved_per_waiting_hour * order.waiting_hours)
        rows.append(n)
        cols.append(len(costs) - 1)
        vals.append(1)
    for c, j in slots:
        costs.append(w.fairness_per_order * (members[c].load + j))
        rows.append(len(orders) + slot_row[c])
        cols.append(len(costs) - 1)
        vals.append(-1)
    upper = [1] * len(pairs) + [o.headcount for o in given.orders] + [1] * len(slots)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(orders) + len(used), len(costs)))
    equal = [o.headcount for o in given.orders] + [0] * len(used)
    solved = linprog(costs, A_eq=matrix.tocsr(), b_eq=equal, bounds=list(zip([0] * len(costs), upper, strict=True)), method="highs")
    assert solved.status == 0
    return round(solved.fun)


@pytest.mark.parametrize(("seed", "per_order"), [(11, 5.0), (12, 0.4), (13, 1.0), (14, 0.6)])
def test_the_flow_objective_equals_an_independent_lp_on_random_cities(seed: int, per_order: float) -> None:
    given = city(300, per_order, seed=seed, headcounts=(2, 3), team_share=0.0)
    # Every seventh order needs two members (not a team: one of two is still worth having).
    given = replace(given, orders=[o if n % 7 else replace(o, headcount=2) for n, o in enumerate(given.orders)])
    result = checked(given)
    assert result.status == "optimal"
    assert result.objective == lp_optimum(given)


def test_the_same_problem_gives_the_same_bytes() -> None:
    given = city(400, 1.0, seed=5, team_share=0.1)
    assert write_result(solve(given)) == write_result(solve(given))


def test_empty_problems_have_empty_answers() -> None:
    assert checked(problem([], [])).objective == 0
    lonely = checked(problem([ORDER, {**ORDER, "id": "o-2", "headcount": 2, "team": True}], []))
    assert [(u.order, u.slots, u.reason) for u in lonely.unserved] == [
        ("o-1", 1, "no_eligible_candidate"), ("o-2", 2, "no_eligible_candidate")]
