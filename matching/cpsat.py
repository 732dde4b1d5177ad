"""The whole model in CP-SAT, or a part of it with the rest held fixed: exact for teams, given time.

Variables: one boolean per pair of a free order; per team order, one boolean for "staffed whole"; per
candidate, one boolean per slot of its remaining capacity (the j-th slot costs fairness × (load + j),
load counting the orders held fixed). Orders outside the free part keep the pairs given in `fixed`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from matching.arrays import Columns
from matching.eligibility import Pairs


@dataclass(frozen=True)
class Limits:
    """Wall-clock seconds (the reference run) or deterministic time (reproducible runs), and workers."""

    seconds: float | None = None
    deterministic: float | None = None
    workers: int = 1


@dataclass(frozen=True)
class Answer:
    chosen: np.ndarray  # mask over pairs, the whole problem
    bound: int  # a proven lower bound of the whole problem's objective, given the fixed part
    proven: bool  # the free part was solved to optimality


def solve_part(cols: Columns, pairs: Pairs, free: np.ndarray, fixed: np.ndarray, limits: Limits,
               hint: np.ndarray | None = None) -> Answer | None:
    """The best choice for the `free` orders (a mask over orders), the others keeping `fixed`; None if none found."""
    in_part = free[pairs.order]
    kept = fixed & ~in_part
    held = np.bincount(pairs.candidate[kept], minlength=cols.candidate_count)
    fixed_cost = int(pairs.cost[kept].sum() + _fairness_of_counts(cols, held).sum())
    kept_served = np.bincount(pairs.order[kept], minlength=cols.order_count)
    fixed_cost += int((cols.unserved_cost * (cols.headcount - kept_served))[~free].sum())

    model = cp_model.CpModel()
    part = np.flatnonzero(in_part)
    x = [model.new_bool_var("") for _ in part]
    objective: list = []
    constant = 0
    by_order: dict[int, list[int]] = {}
    by_candidate: dict[int, list[int]] = {}
    for k, p in enumerate(part.tolist()):
        by_order.setdefault(int(pairs.order[p]), []).append(k)
        by_candidate.setdefault(int(pairs.candidate[p]), []).append(k)
        objective.append(int(pairs.cost[p]) * x[k])
    for order in np.flatnonzero(free).tolist():
        taken = [x[k] for k in by_order.get(order, [])]
        need, price = int(cols.headcount[order]), int(cols.unserved_cost[order])
        constant += need * price
        objective.extend(-price * var for var in taken)
        if not taken:
            continue
        if cols.team[order]:
            staffed = model.new_bool_var("")
            model.add(sum(taken) == need * staffed)
        elif len(taken) > need:
            model.add(sum(taken) <= need)
    for candidate, ks in by_candidate.items():
        room = min(int(cols.capacity[candidate] - held[candidate]), len(ks))
        if room <= 0:
            model.add(sum(x[k] for k in ks) == 0)
            continue
        slots = [model.new_bool_var("") for _ in range(room)]
        model.add(sum(x[k] for k in ks) == sum(slots))
        for j in range(room - 1):
            model.add_implication(slots[j + 1], slots[j])
        base = int(cols.load[candidate] + held[candidate])
        objective.extend(cols.fairness * (base + j) * slot for j, slot in enumerate(slots))
    model.minimize(sum(objective) + constant)
    if hint is not None:
        for k, p in enumerate(part.tolist()):
            model.add_hint(x[k], bool(hint[p]))

    solver = cp_model.CpSolver()
    _apply(solver.parameters, limits)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = kept.copy()
    chosen[part] = [solver.boolean_value(var) for var in x]
    return Answer(chosen, fixed_cost + int(np.ceil(solver.best_objective_bound - 1e-6)), status == cp_model.OPTIMAL)


def _fairness_of_counts(cols: Columns, counts: np.ndarray) -> np.ndarray:
    """Per candidate, the fairness cost of `counts` orders: the format's n × load + n(n − 1)/2, weighted."""
    n = counts
    return cols.fairness * (n * cols.load + n * (n - 1) // 2)


def _apply(parameters: object, limits: Limits) -> None:
    parameters.num_workers = limits.workers  # type: ignore[attr-defined]
    parameters.random_seed = 0  # type: ignore[attr-defined]
    if limits.seconds is not None:
        parameters.max_time_in_seconds = limits.seconds  # type: ignore[attr-defined]
    if limits.deterministic is not None:
        parameters.max_deterministic_time = limits.deterministic  # type: ignore[attr-defined]
        parameters.interleave_search = limits.workers > 1  # type: ignore[attr-defined]
