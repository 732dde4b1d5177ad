"""Baselines to compare the optimiser with, never the default: greedy, and grab (first come, 抢单)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matching.arrays import Columns
from matching.eligibility import Pairs

GRAB_SEED = 20261123
# Chooses, among an order's pairs (`span`) whose candidate is still free, the positions of those it takes.
Pick = Callable[[np.ndarray, slice, int], np.ndarray]


def greedy(cols: Columns, pairs: Pairs) -> np.ndarray:
    """Each order in arrival order takes its cheapest free candidates (pair cost plus their next fairness cost)."""
    used = np.zeros(cols.candidate_count, dtype=np.int64)

    def pick(free: np.ndarray, span: slice, need: int) -> np.ndarray:
        candidates = pairs.candidate[span][free]
        price = pairs.cost[span][free] + cols.fairness_cost(candidates, used[candidates])
        return np.flatnonzero(free)[np.argsort(price, kind="stable")[:need]]

    return _first_come(cols, pairs, used, pick)


def grab(cols: Columns, pairs: Pairs, seed: int = GRAB_SEED) -> np.ndarray:
    """Each order in arrival order takes random free eligible candidates, as members grabbing from a board do."""
    rng = np.random.default_rng(seed)
    used = np.zeros(cols.candidate_count, dtype=np.int64)

    def pick(free: np.ndarray, span: slice, need: int) -> np.ndarray:
        return rng.permutation(np.flatnonzero(free))[:need]

    return _first_come(cols, pairs, used, pick)


def _first_come(cols: Columns, pairs: Pairs, used: np.ndarray, pick: Pick) -> np.ndarray:
    chosen = np.zeros(len(pairs), dtype=bool)
    starts = np.searchsorted(pairs.order, np.arange(cols.order_count + 1))
    for order in range(cols.order_count):
        span = slice(starts[order], starts[order + 1])
        free = used[pairs.candidate[span]] < cols.capacity[pairs.candidate[span]]
        need = int(cols.headcount[order])
        if cols.team[order] and free.sum() < need:
            continue
        taken = pick(free, span, need) + starts[order]
        chosen[taken] = True
        used[pairs.candidate[taken]] += 1
    return chosen
