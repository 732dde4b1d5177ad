"""Team orders (all or nothing): the flow's relaxation gives the bound, then the partly staffed teams are repaired.

1. The flow on the whole problem, where a team may be partly staffed: its cost is a lower bound.
2. A first feasible answer: close the partly staffed teams and solve the flow again, until none is left.
3. The contested part (the closed teams, every order that could use one of their candidates) is solved
   by CP-SAT with everything else held fixed, hinted by step 2, within a deterministic time budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.arrays import Columns
from matching.cpsat import Limits, solve_part
from matching.eligibility import Pairs
from matching.flow import min_cost_assignment

# CP-SAT's deterministic time for the contested part: about ten seconds of work on this 2-core machine.
REPAIR_BUDGET = 20.0
REPAIR_WORKERS = 2


@dataclass(frozen=True)
class TeamAnswer:
    chosen: np.ndarray
    lower_bound: int
    proven: bool


def assign_with_teams(cols: Columns, pairs: Pairs, budget: float = REPAIR_BUDGET) -> TeamAnswer:
    relaxed, bound = min_cost_assignment(cols, pairs)
    partial = partly_staffed(cols, pairs, relaxed)
    if not partial.any():
        return TeamAnswer(relaxed, bound, proven=True)
    chosen, closed = relaxed, np.zeros(cols.order_count, dtype=bool)
    while partial.any():
        closed |= partial
        chosen, _ = min_cost_assignment(cols, pairs, closed)
        partial = partly_staffed(cols, pairs, chosen)
    contested = contested_orders(cols, pairs, closed)
    answer = solve_part(cols, pairs, contested, chosen, Limits(deterministic=budget, workers=REPAIR_WORKERS),
                        hint=chosen)
    if answer is None:
        return TeamAnswer(chosen, bound, proven=False)
    whole = bool(contested.all())
    return TeamAnswer(answer.chosen, max(bound, answer.bound) if whole else bound, proven=whole and answer.proven)


def partly_staffed(cols: Columns, pairs: Pairs, chosen: np.ndarray) -> np.ndarray:
    served = np.bincount(pairs.order[chosen], minlength=cols.order_count)
    return cols.team & (served > 0) & (served < cols.headcount)


def contested_orders(cols: Columns, pairs: Pairs, closed: np.ndarray) -> np.ndarray:
    """The closed teams and every order that shares an eligible candidate with one of them."""
    their_candidates = np.zeros(cols.candidate_count, dtype=bool)
    their_candidates[pairs.candidate[closed[pairs.order]]] = True
    contested = closed.copy()
    contested[pairs.order[their_candidates[pairs.candidate]]] = True
    return contested
