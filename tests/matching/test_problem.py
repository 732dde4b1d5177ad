"""Reading a problem file: defaults, and every bad value named by its id and field."""

from __future__ import annotations

import msgspec
import pytest

from matching.problem import WEEK_MIN, ProblemError, read_problem
from tests.matching.helpers import MEMBER, ORDER, problem


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
])
def test_a_bad_value_names_the_id_and_the_field(orders: list, candidates: list, message: str) -> None:
    with pytest.raises(ProblemError, match=message):
        problem(orders, candidates)


def test_unknown_top_level_keys_and_bad_weights_are_refused() -> None:
    with pytest.raises(ProblemError, match="unknown field `extra`"):
        problem([ORDER], [MEMBER], extra=1)
    with pytest.raises(ProblemError, match="weights.fairness_per_order"):
        problem([ORDER], [MEMBER], weights={"fairness_per_order": -1})
    with pytest.raises(ProblemError, match="not valid JSON"):
        read_problem(b"{")


def test_a_problem_survives_writing_and_reading_back() -> None:
    given = problem([{**ORDER, "skills": ["electrician"], "exclude": ["m-9"]}], [MEMBER], nearest=5)
    assert read_problem(msgspec.json.encode(given)) == given
