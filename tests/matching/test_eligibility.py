"""The hard rules, one feasible and one infeasible case each, the nearest limit, and bulk = the checker."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from matching.arrays import columns_of
from matching.check import eligible_by_order
from matching.eligibility import eligible_pairs
from matching.instances import city
from matching.problem import Problem
from tests.matching.helpers import MEMBER, ORDER, checked, problem

# Each rule: a change that keeps the pair eligible, and one that breaks it.
RULES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "category": ({}, {"categories": ["repair", "shopping"]}, {"category": "shopping"}, {"categories": ["repair"]}),
    "skills": ({"skills": ["electrician"]}, {"skills": ["electrician", "plumber"]},
               {"skills": ["electrician"]}, {"skills": ["plumber"]}),
    "radius": ({}, {"radius_m": 500.0}, {}, {"radius_m": 499.9}),
    "availability": ({"start_min": 600, "end_min": 720}, {"available": [[700, 800]]},
                     {"start_min": 600, "end_min": 720}, {"available": [[720, 800], [0, 600]]}),
    "exclude": ({"exclude": ["m-2"]}, {}, {"exclude": ["m-1"]}, {}),
    "capacity": ({}, {"capacity": 1}, {}, {"capacity": 0}),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_hard_rule_allows_the_pair_when_it_holds(rule: str) -> None:
    order, member, _, _ = RULES[rule]
    result = checked(problem([{**ORDER, **order}], [{**MEMBER, **member}]))
    assert [(a.order, a.candidate) for a in result.assignments] == [("o-1", "m-1")]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_hard_rule_forbids_the_pair_when_it_fails(rule: str) -> None:
    _, _, order, member = RULES[rule]
    result = checked(problem([{**ORDER, **order}], [{**MEMBER, **member}]))
    assert result.assignments == []
    assert [(u.order, u.reason) for u in result.unserved] == [("o-1", "no_eligible_candidate")]


def test_only_the_nearest_eligible_count_ties_broken_by_id() -> None:
    members = [{**MEMBER, "id": "m-far", "x_m": 900.0, "y_m": 0.0, "capacity": 3},
               {**MEMBER, "id": "m-b", "x_m": 0.0, "y_m": 500.0},
               {**MEMBER, "id": "m-a", "x_m": 500.0, "y_m": 0.0}]
    orders = [{**ORDER, "id": f"o-{n}"} for n in range(3)]
    result = checked(problem(orders, members, nearest=2))
    # m-far has room for all three, but it is third nearest: only m-a and m-b (equally near) may serve.
    assert {a.candidate for a in result.assignments} == {"m-a", "m-b"}
    assert [u.reason for u in result.unserved] == ["capacity"]
    result = checked(problem(orders[:1], members, nearest=1))
    assert [a.candidate for a in result.assignments] == ["m-a"]


@pytest.mark.parametrize(("seed", "per_order"), [(1, 5.0), (2, 0.4), (3, 1.5)])
def test_bulk_eligibility_equals_the_checkers_order_by_order_answer(seed: int, per_order: float) -> None:
    # nearest=8 makes the k-nearest queries run out on some orders and ask again with a larger k.
    given = city(300, per_order, seed=seed, nearest=8)
    cols = columns_of(given)
    pairs = eligible_pairs(given, cols)
    bulk: dict[str, list[str]] = {order.id: [] for order in given.orders}
    for o, c in zip(pairs.order.tolist(), pairs.candidate.tolist(), strict=True):
        bulk[given.orders[o].id].append(given.candidates[c].id)
    assert bulk == eligible_by_order(given)
    assert sum(map(len, bulk.values())) > len(given.orders) // 2  # the instance is not trivially empty


def _bulk(given: Problem) -> dict[str, list[str]]:
    pairs = eligible_pairs(given, columns_of(given))
    found: dict[str, list[str]] = {order.id: [] for order in given.orders}
    for o, c in zip(pairs.order.tolist(), pairs.candidate.tolist(), strict=True):
        found[given.orders[o].id].append(given.candidates[c].id)
    return found


def test_an_order_asks_again_when_its_nearest_candidates_are_away() -> None:
    # Half the candidates are available in the window, so a few neighbours look enough; but the 30
    # nearest are all away, and only the ten farthest can serve.
    members = [{**MEMBER, "id": f"m-{n:02d}", "x_m": 10.0 * (n + 1), "y_m": 0.0,
                "available": [[0, 60]] if n < 30 else [[600, 800]]} for n in range(40)]
    members += [{**MEMBER, "id": f"x-{n:02d}", "categories": ["shopping"], "available": [[600, 800]]}
                for n in range(40)]
    given = problem([{**ORDER, "start_min": 600, "end_min": 720}], members, nearest=3)
    assert _bulk(given) == {"o-1": ["m-30", "m-31", "m-32"]} == eligible_by_order(given)


def test_a_candidate_with_many_intervals_is_available_in_its_tenth() -> None:
    intervals = [[day * 1440, day * 1440 + 60] for day in range(12)]
    members = [{**MEMBER, "id": "m-many", "available": intervals},
               {**MEMBER, "id": "m-none", "available": intervals[:9]}]
    given = problem([{**ORDER, "start_min": 9 * 1440 + 30, "end_min": 9 * 1440 + 90}], members)
    assert _bulk(given) == {"o-1": ["m-many"]} == eligible_by_order(given)


def _unchecked(orders: list[dict[str, Any]], candidates: list[dict[str, Any]]) -> Problem:
    """A problem whose values the reader would refuse: eligibility must not depend on that check."""
    return msgspec.convert({"orders": orders, "candidates": candidates}, Problem)


def test_a_missing_interval_never_reads_as_available() -> None:
    # m-1 has one interval and m-2 two: the gap left by m-1's missing second one overlaps no window.
    members = [{**MEMBER, "id": "m-1", "available": [[500, 600]]},
               {**MEMBER, "id": "m-2", "available": [[500, 600], [-200, -60]]}]
    given = _unchecked([{**ORDER, "start_min": -100, "end_min": 50}], members)
    assert _bulk(given) == {"o-1": ["m-2"]} == eligible_by_order(given)


def test_times_beyond_the_minute_axis_are_still_checked_exactly() -> None:
    far = 10**9
    members = [{**MEMBER, "id": "m-1", "available": [[0, 60], [far, far + 60]]},
               {**MEMBER, "id": "m-2", "available": [[0, 60]]}]
    given = _unchecked([{**ORDER, "start_min": far + 30, "end_min": far + 90}], members)
    assert _bulk(given) == {"o-1": ["m-1"]} == eligible_by_order(given)
