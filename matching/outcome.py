"""From chosen pairs to a Result: each assignment's terms, each unserved order's reason, the objective."""

from __future__ import annotations

import numpy as np

from matching.arrays import Columns
from matching.eligibility import Pairs
from matching.problem import Problem
from matching.result import (
    Assignment,
    Reason,
    Result,
    SolverName,
    Stats,
    Terms,
    Unserved,
)


def outcome(problem: Problem, cols: Columns, pairs: Pairs, chosen: np.ndarray, solver: SolverName,
            lower_bound: int | None, proven: bool = False) -> Result:
    """`chosen`: a boolean mask over the pairs."""
    picked = np.flatnonzero(chosen)
    fairness = _fairness_terms(cols, pairs.order[picked], pairs.candidate[picked])
    assignments = [
        Assignment(problem.orders[o].id, problem.candidates[c].id, Terms(int(d), int(x), int(f)))
        for o, c, d, x, f in zip(pairs.order[picked].tolist(), pairs.candidate[picked].tolist(),
                                 pairs.distance_cost[picked].tolist(), pairs.outside_cost[picked].tolist(),
                                 fairness.tolist(), strict=True)]
    served = np.bincount(pairs.order[picked], minlength=cols.order_count)
    unserved = _unserved(problem, cols, pairs, chosen, served)
    objective = int(pairs.distance_cost[picked].sum() + pairs.outside_cost[picked].sum() + fairness.sum()
                    + sum(item.slots * int(cols.unserved_cost[index]) for index, item in unserved))
    optimal = proven or (lower_bound is not None and lower_bound >= objective)
    return Result(status="optimal" if optimal else "feasible", objective=objective,
                  lower_bound=objective if optimal else lower_bound, assignments=assignments,
                  unserved=[item for _, item in unserved],
                  stats=Stats(orders=cols.order_count, candidates=cols.candidate_count, pairs=len(pairs),
                              solver=solver))


def _fairness_terms(cols: Columns, order: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    """The j-th order of a candidate (by order position, from 0) costs fairness × (load + j)."""
    ranked = np.lexsort((order, candidate))
    slot = np.empty(len(order), dtype=np.int64)
    sorted_candidates = candidate[ranked]
    slot[ranked] = np.arange(len(order)) - np.searchsorted(sorted_candidates, sorted_candidates)
    return cols.fairness_cost(candidate, slot)


def _unserved(problem: Problem, cols: Columns, pairs: Pairs, chosen: np.ndarray,
              served: np.ndarray) -> list[tuple[int, Unserved]]:
    used = np.bincount(pairs.candidate[chosen], minlength=cols.candidate_count)
    # An eligible candidate still free for an order: not at capacity and not already serving it.
    free = (used[pairs.candidate] < cols.capacity[pairs.candidate]) & ~chosen
    has_pair = np.bincount(pairs.order, minlength=cols.order_count) > 0
    has_free = np.bincount(pairs.order[free], minlength=cols.order_count) > 0
    missing = cols.headcount - served
    items = []
    for index in np.flatnonzero(missing > 0).tolist():
        reason: Reason
        if not has_pair[index]:
            reason = "no_eligible_candidate"
        elif not has_free[index]:
            reason = "capacity"
        elif cols.team[index]:
            reason = "team_incomplete"
        else:
            reason = "cost"
        items.append((index, Unserved(problem.orders[index].id, int(missing[index]), reason)))
    return items
