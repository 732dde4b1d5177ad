"""The hard rules, one feasible and one infeasible case each, the nearest limit, and bulk = the checker."""

from __future__ import annotations

from typing import Any

import pytest

from matching.arrays import columns_of
from matching.check import eligible_by_order
from matching.eligibility import eligible_pairs
from matching.instances import city
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
