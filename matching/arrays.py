"""The problem as numpy columns, built once: what the solvers work on instead of Python objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from matching.problem import Problem


@dataclass(frozen=True)
class Columns:
    """One row per order and per candidate, in the problem's order."""

    order_x: np.ndarray
    order_y: np.ndarray
    order_start: np.ndarray
    order_end: np.ndarray
    headcount: np.ndarray  # int64
    team: np.ndarray  # bool
    unserved_cost: np.ndarray  # int64, per unfilled slot
    candidate_x: np.ndarray
    candidate_y: np.ndarray
    radius: np.ndarray
    capacity: np.ndarray  # int64
    load: np.ndarray  # int64
    candidate_rank: np.ndarray  # int64: position of the candidate's id in sorted order, for ties
    fairness: int

    @property
    def order_count(self) -> int:
        return len(self.headcount)

    @property
    def candidate_count(self) -> int:
        return len(self.capacity)

    def fairness_cost(self, candidate: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """The cost of a candidate's slot-th order (from 0) in this round."""
        return self.fairness * (self.load[candidate] + slot)


def columns_of(problem: Problem) -> Columns:
    orders, candidates, weights = problem.orders, problem.candidates, problem.weights
    ids = list(map(attrgetter("id"), candidates))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    urgency, waiting_hours = _column(orders, "urgency", np.int64), _column(orders, "waiting_hours", np.int64)
    headcount = _column(orders, "headcount", np.int64)
    return Columns(
        order_x=_column(orders, "x_m", np.float64), order_y=_column(orders, "y_m", np.float64),
        order_start=_column(orders, "start_min", np.int64), order_end=_column(orders, "end_min", np.int64),
        headcount=headcount, team=_column(orders, "team", bool) & (headcount > 1),
        unserved_cost=weights.unserved_per_urgency * urgency + weights.unserved_per_waiting_hour * waiting_hours,
        candidate_x=_column(candidates, "x_m", np.float64), candidate_y=_column(candidates, "y_m", np.float64),
        radius=_column(candidates, "radius_m", np.float64), capacity=_column(candidates, "capacity", np.int64),
        load=_column(candidates, "load", np.int64), candidate_rank=rank, fairness=weights.fairness_per_order,
    )


def _column(items: Sequence[object], field: str, dtype: type) -> np.ndarray:
    return np.fromiter(map(attrgetter(field), items), dtype=dtype, count=len(items))
