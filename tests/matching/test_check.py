"""The checker finds every kind of broken result: it is the specification, so it must not be lenient."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from msgspec.structs import replace

from matching.check import check
from matching.result import Assignment, Result, Terms, Unserved
from tests.matching.helpers import MEMBER, ORDER, checked, problem

GIVEN = problem([{**ORDER, "id": "o-1", "urgency": 3}, {**ORDER, "id": "o-2", "urgency": 2},
                 {**ORDER, "id": "o-team", "headcount": 2, "team": True}],
                [{**MEMBER, "capacity": 2}, {**MEMBER, "id": "m-2", "categories": ["shopping"]}])
GOOD = checked(GIVEN)


BROKEN: dict[str, tuple[Callable[[Result], Result], str]] = {
    "objective": (lambda r: replace(r, objective=r.objective - 1), "objective"),
    "ineligible pair": (lambda r: replace(r, assignments=[
        replace(r.assignments[0], candidate="m-2"), *r.assignments[1:]]), "not an eligible pair (category repair"),
    "terms": (lambda r: replace(r, assignments=[
        replace(r.assignments[0], terms=Terms(0, 0, r.assignments[0].terms.fairness)), *r.assignments[1:]]),
        "terms distance"),
    "over capacity": (lambda r: replace(r, assignments=[*r.assignments, Assignment("o-team", "m-1", Terms(5, 0, 10))]),
                      "capacity 2"),
    "partial team": (lambda r: replace(r, assignments=[Assignment("o-team", "m-1", Terms(5, 0, 0))],
                                       unserved=[]), "team staffed 1 of 2"),
    "unserved slots": (lambda r: replace(r, unserved=[replace(u, slots=u.slots + 1) for u in r.unserved]),
                       "slots unfilled"),
    "reason": (lambda r: replace(r, unserved=[replace(u, reason="cost") for u in r.unserved]), "reason cost"),
    "unknown unserved": (lambda r: replace(r, unserved=[*r.unserved, Unserved("o-9", 1, "cost")]),
                         "not an order"),
    "bound": (lambda r: replace(r, lower_bound=r.objective + 1), "lower_bound"),
    "stats": (lambda r: replace(r, stats=replace(r.stats, pairs=99)), "stats"),
}


def test_the_good_result_passes() -> None:
    assert check(GIVEN, GOOD) == [] and len(GOOD.assignments) == 2


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_result_is_caught(kind: str) -> None:
    breaking, message = BROKEN[kind]
    assert any(message in line for line in check(GIVEN, breaking(GOOD))), check(GIVEN, breaking(GOOD))
