"""Reading a problem file: defaults, and every bad value named by its id and field."""

from __future__ import annotations

import msgspec
import pytest

from matching.problem import MAX_LOAD, MAX_METRES, MAX_MINUTE, MAX_WEIGHT, WEEK_MIN, ProblemError, read_problem
from tests.matching.helpers import MEMBER, ORDER, checked, problem


def test_missing_optional_keys_take_the_documented_defaults() -> None:
    given = problem([ORDER], [MEMBER])
    order, member = given.orders[0], given.candidates[0]
    assert (order.headcount, order.team, order.urgency, order.start_min, order.end_min) == (1, False, 1, 0, WEEK_MIN)
    assert (member.radius_m, member.load, member.available) == (5000.0, 0, [(0, WEEK_MIN)])
    assert (given.nearest, given.weights.unserved_per_urgency, given.weights.fairness_per_order) == (30, 10000, 5)


@pytest.mark.parametrize(("orders", "candidates", "message"), [
    ([ORDER, ORDER], [MEMBER], "order o-1: duplicate id"),
    ([ORDER], [MEMBER, MEMBER], "candidate m-1: duplicate id"),
    ([{**ORDER, "headcount": 0}], [MEMBER], "order o-1: headcount"),
    ([{**ORDER, "urgency": 6}], [MEMBER], "order o-1: urgency"),
    ([{**ORDER, "start_min": 60, "end_min": 60}], [MEMBER], "order o-1: end_min"),
    ([ORDER], [{**MEMBER, "capacity": -1}], "candidate m-1: capacity"),
    ([ORDER], [{**MEMBER, "available": [[100, 50]]}], "candidate m-1: available"),
    ([{**ORDER, "colour": "red"}], [MEMBER], "order o-1: Object contains unknown field `colour`"),
    ([{**ORDER, "x_m": "far"}], [MEMBER], "order o-1: x_m"),
    ([ORDER], [{**MEMBER, "capacity": None}], "candidate m-1: capacity"),
    ([{**ORDER, "start_min": -10}], [MEMBER], "order o-1: start_min: must be between 0 and"),
    ([{**ORDER, "end_min": 10**12}], [MEMBER], "order o-1: end_min: must be between 0 and"),
    ([ORDER], [{**MEMBER, "available": [[-30, 100]]}], "candidate m-1: available: must be between 0 and"),
    ([ORDER], [{**MEMBER, "capacity": 10**30}], "candidate m-1: capacity: must be between 0 and 10000"),
    ([ORDER], [{**MEMBER, "load": 2**62}], "candidate m-1: load: must be between 0 and"),
    ([{**ORDER, "waiting_hours": 2**62}], [MEMBER], "order o-1: waiting_hours: must be between 0 and"),
    ([{**ORDER, "x_m": 2e7}], [MEMBER], "order o-1: x_m: must be between"),
    ([ORDER], [{**MEMBER, "radius_m": 1e8}], "candidate m-1: radius_m: must be between 0"),
])
def test_a_bad_value_names_the_id_and_the_field(orders: list, candidates: list, message: str) -> None:
    with pytest.raises(ProblemError, match=message):
        problem(orders, candidates)


def test_unknown_top_level_keys_and_bad_weights_are_refused() -> None:
    with pytest.raises(ProblemError, match="unknown field `extra`"):
        problem([ORDER], [MEMBER], extra=1)
    with pytest.raises(ProblemError, match="weights.fairness_per_order"):
        problem([ORDER], [MEMBER], weights={"fairness_per_order": -1})
    with pytest.raises(ProblemError, match="weights.unserved_per_urgency: must be between 0 and 1000000"):
        problem([ORDER], [MEMBER], weights={"unserved_per_urgency": 2**61})
    with pytest.raises(ProblemError, match="not valid JSON"):
        read_problem(b"{")
    with pytest.raises(ProblemError, match="y_m: Number out of range"):
        read_problem(b'{"orders": [], "candidates": [{"id": "m-1", "categories": [], "x_m": 0, "y_m": 1e999, '
                     b'"capacity": 1}]}')


def test_a_problem_survives_writing_and_reading_back() -> None:
    given = problem([{**ORDER, "skills": ["electrician"], "exclude": ["m-9"]}], [MEMBER], nearest=5)
    assert read_problem(msgspec.json.encode(given)) == given


def test_every_value_at_its_bound_solves_without_overflow() -> None:
    weights = {name: MAX_WEIGHT for name in ("distance_per_100m", "fairness_per_order", "outside_community",
                                             "unserved_per_urgency", "unserved_per_waiting_hour")}
    orders = [{**ORDER, "id": f"o-{n}", "x_m": MAX_METRES, "y_m": MAX_METRES, "urgency": 5,
               "waiting_hours": MAX_LOAD, "community": "far", "end_min": MAX_MINUTE} for n in range(3)]
    members = [{**MEMBER, "id": f"m-{n}", "x_m": 0.0, "y_m": MAX_METRES, "radius_m": float(MAX_METRES),
                "capacity": 2, "load": load, "available": [[MAX_MINUTE - 1, MAX_MINUTE]]}
               for n, load in enumerate((0, MAX_LOAD))]
    given = problem(orders, members, weights=weights)
    # Two go to the member without load; the loaded one costs more than leaving the third unserved.
    assert len(checked(given).assignments) == 2
    for solver in ("flow", "greedy", "grab"):  # the checker recomputes every term with Python's integers
        assert checked(given, solver).objective > 2**40
