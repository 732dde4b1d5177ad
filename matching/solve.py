"""One entry point: a problem in, a result out, by the solver named."""

from __future__ import annotations

import time

import msgspec
import numpy as np

from matching.arrays import columns_of
from matching.baselines import grab, greedy
from matching.eligibility import eligible_pairs
from matching.flow import min_cost_assignment
from matching.outcome import outcome
from matching.problem import Problem
from matching.result import Result, SolverName
from matching.teams import assign_with_teams


def solve(problem: Problem, solver: SolverName = "flow", timed: bool = False) -> Result:
    """The result; `timed` adds the measured seconds (which then differ from run to run)."""
    started = time.perf_counter()
    cols = columns_of(problem)
    pairs = eligible_pairs(problem, cols)
    if solver == "greedy":
        result = outcome(problem, cols, pairs, greedy(cols, pairs), solver, lower_bound=None)
    elif solver == "grab":
        result = outcome(problem, cols, pairs, grab(cols, pairs), solver, lower_bound=None)
    elif solver == "flow" and not cols.team.any():
        chosen, cost = min_cost_assignment(cols, pairs) if cols.order_count else (np.zeros(0, dtype=bool), 0)
        result = outcome(problem, cols, pairs, chosen, solver, lower_bound=cost, proven=True)
    elif solver == "flow":
        answer = assign_with_teams(cols, pairs)
        result = outcome(problem, cols, pairs, answer.chosen, solver, answer.lower_bound, answer.proven)
    else:
        raise ValueError(f"solver: unknown solver {solver!r}")
    if timed:
        stats = msgspec.structs.replace(result.stats, seconds=round(time.perf_counter() - started, 3))
        result = msgspec.structs.replace(result, stats=stats)
    return result
