"""Team orders, all or nothing: never partly staffed, and as good as CP-SAT's proven optimum on small cities."""

from __future__ import annotations

import pytest

from matching.arrays import columns_of
from matching.cpsat import Limits, solve_part
from matching.eligibility import eligible_pairs
from matching.flow import min_cost_assignment
from matching.instances import city
from matching.outcome import outcome
from matching.problem import Problem
from matching.result import Result
from matching.teams import partly_staffed
from tests.matching.helpers import MEMBER, ORDER, checked, pairs_of, problem

TEAM = {**ORDER, "id": "o-team", "headcount": 2, "team": True, "urgency": 5}


def test_a_team_with_too_few_members_takes_none_and_leaves_them_to_others() -> None:
    orders = [TEAM, {**ORDER, "id": "o-single", "urgency": 1}]
    result = checked(problem(orders, [MEMBER]))
    assert pairs_of(result) == {("o-single", "m-1")}
    assert [(u.order, u.slots, u.reason) for u in result.unserved] == [("o-team", 2, "capacity")]


def test_a_team_is_staffed_whole_when_that_is_cheaper() -> None:
    members = [MEMBER, {**MEMBER, "id": "m-2"}]
    orders = [TEAM, {**ORDER, "id": "o-single", "urgency": 1}]
    result = checked(problem(orders, members))
    assert pairs_of(result) == {("o-team", "m-1"), ("o-team", "m-2")}
    assert [(u.order, u.reason) for u in result.unserved] == [("o-single", "capacity")]


def test_the_flow_relaxation_is_reported_as_the_lower_bound() -> None:
    # The relaxation staffs the team half (one slot); the answer cannot, so the bound sits below the objective.
    orders = [TEAM, {**ORDER, "id": "o-single", "urgency": 2}]
    result = checked(problem(orders, [MEMBER]))
    assert result.lower_bound is not None and result.lower_bound <= result.objective


def cpsat_optimum(given: Problem) -> Result:
    cols = columns_of(given)
    pairs = eligible_pairs(given, cols)
    everything = cols.team | ~cols.team
    answer = solve_part(cols, pairs, everything, pairs.order < 0, Limits(seconds=60, workers=2))
    assert answer is not None and answer.proven
    return outcome(given, cols, pairs, answer.chosen, "cpsat", answer.bound, proven=True)


@pytest.mark.parametrize("seed", [100, 101, 102, 103, 107, 108, 110, 111])
def test_teams_reach_the_optimum_cpsat_proves_on_small_scarce_cities(seed: int) -> None:
    given = city(40, 0.5, seed=seed, team_share=0.3)
    cols = columns_of(given)
    pairs = eligible_pairs(given, cols)
    relaxed, _ = min_cost_assignment(cols, pairs)
    assert partly_staffed(cols, pairs, relaxed).any()  # the relaxation staffs some team in part: repair is needed
    assert checked(given).objective == cpsat_optimum(given).objective
