"""The problem as numpy columns, built once: what the solvers work on instead of Python objects."""

from __future__ import annotations

from dataclasses import dataclass

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
    ids = [candidate.id for candidate in candidates]
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    return Columns(
        order_x=np.array([o.x_m for o in orders], dtype=np.float64),
        order_y=np.array([o.y_m for o in orders], dtype=np.float64),
        order_start=np.array([o.start_min for o in orders], dtype=np.int64),
        order_end=np.array([o.end_min for o in orders], dtype=np.int64),
        headcount=np.array([o.headcount for o in orders], dtype=np.int64),
        team=np.array([o.team and o.headcount > 1 for o in orders], dtype=bool),
        unserved_cost=np.array([weights.unserved_per_urgency * o.urgency
                                + weights.unserved_per_waiting_hour * o.waiting_hours for o in orders], dtype=np.int64),
        candidate_x=np.array([c.x_m for c in candidates], dtype=np.float64),
        candidate_y=np.array([c.y_m for c in candidates], dtype=np.float64),
        radius=np.array([c.radius_m for c in candidates], dtype=np.float64),
        capacity=np.array([c.capacity for c in candidates], dtype=np.int64),
        load=np.array([c.load for c in candidates], dtype=np.int64),
        candidate_rank=rank,
        fairness=weights.fairness_per_order,
    )
