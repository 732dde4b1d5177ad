"""Small problems for the optimiser's tests, and a solve that always goes through the checker."""

from __future__ import annotations

from typing import Any

import msgspec

from matching.check import check
from matching.problem import Problem, read_problem
from matching.result import Result, SolverName
from matching.solve import solve

ORDER: dict[str, Any] = {"id": "o-1", "category": "repair", "x_m": 0.0, "y_m": 0.0}
MEMBER: dict[str, Any] = {"id": "m-1", "categories": ["repair"], "x_m": 300.0, "y_m": 400.0, "capacity": 1}


def problem(orders: list[dict[str, Any]], candidates: list[dict[str, Any]], **top: Any) -> Problem:
    return read_problem(msgspec.json.encode({"orders": orders, "candidates": candidates, **top}))


def checked(given: Problem, solver: SolverName = "flow") -> Result:
    result = solve(given, solver)
    assert check(given, result) == []
    return result


def pairs_of(result: Result) -> set[tuple[str, str]]:
    return {(a.order, a.candidate) for a in result.assignments}
