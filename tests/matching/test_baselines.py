"""Greedy and grab: valid answers (the checker passes them) that the optimiser never loses to."""

from __future__ import annotations

import pytest

from matching.instances import city
from tests.matching.helpers import MEMBER, ORDER, checked, pairs_of, problem


def test_greedy_serves_in_arrival_order_even_when_a_later_order_is_more_urgent() -> None:
    orders = [{**ORDER, "id": "o-first", "urgency": 1}, {**ORDER, "id": "o-urgent", "urgency": 5}]
    assert pairs_of(checked(problem(orders, [MEMBER]), "greedy")) == {("o-first", "m-1")}
    assert pairs_of(checked(problem(orders, [MEMBER]), "flow")) == {("o-urgent", "m-1")}


def test_greedy_takes_the_cheapest_free_member() -> None:
    members = [{**MEMBER, "id": "m-far", "x_m": 2000.0, "y_m": 0.0}, {**MEMBER, "id": "m-near", "x_m": 10.0}]
    assert pairs_of(checked(problem([ORDER], members), "greedy")) == {("o-1", "m-near")}


@pytest.mark.parametrize(("seed", "per_order", "teams"), [(21, 5.0, 0.0), (22, 0.4, 0.0), (23, 0.4, 0.1)])
def test_the_optimiser_is_never_worse_than_greedy_or_grab(seed: int, per_order: float, teams: float) -> None:
    given = city(200, per_order, seed=seed, team_share=teams)
    ours = checked(given, "flow").objective
    assert ours <= checked(given, "greedy").objective
    assert ours <= checked(given, "grab").objective


def test_grab_is_reproducible() -> None:
    given = city(100, 1.0, seed=3)
    assert checked(given, "grab") == checked(given, "grab")
