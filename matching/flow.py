"""The min-cost flow: orders → eligible candidates → sink, with a bypass per order for its unfilled slots.

Each order supplies its headcount. An order reaches a candidate by a unit arc costing the pair's
distance and community terms, or the sink by its bypass at the unserved cost per slot. A candidate
reaches the sink by one unit arc per slot of capacity, the j-th costing fairness × (load + j): rising
costs, so the flow fills a candidate's cheap slots first and the sum is exactly the fairness term.
Without team orders the optimal flow is an optimal result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.arrays import Columns
from matching.eligibility import Pairs


class FlowFailed(RuntimeError):
    """The flow solver did not find an optimum (it always should: every order has its bypass)."""


@dataclass(frozen=True)
class Network:
    """Arcs as columns; the first `pair_arcs` arcs are the pairs in use, in `pair_index` order."""

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    pair_index: np.ndarray

    @property
    def pair_arcs(self) -> int:
        return len(self.pair_index)


def min_cost_assignment(cols: Columns, pairs: Pairs, closed: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """The optimal choice of pairs (a mask) and its cost; orders marked `closed` stay unserved."""
    net = network(cols, pairs, closed)
    flows, cost = solve_network(net)
    chosen = np.zeros(len(pairs), dtype=bool)
    chosen[net.pair_index] = flows[:net.pair_arcs] > 0
    return chosen, cost


def network(cols: Columns, pairs: Pairs, closed: np.ndarray | None = None) -> Network:
    usable = np.flatnonzero(np.ones(len(pairs), dtype=bool) if closed is None else ~closed[pairs.order])
    orders, candidates = cols.order_count, cols.candidate_count
    sink = orders + candidates
    degree = np.bincount(pairs.candidate[usable], minlength=candidates)
    slots = np.minimum(cols.capacity, degree)
    slot_owner = np.repeat(np.arange(candidates), slots)
    slot_index = np.arange(len(slot_owner)) - np.repeat(np.cumsum(slots) - slots, slots)
    return Network(
        tails=np.concatenate([pairs.order[usable], np.arange(orders), orders + slot_owner]).astype(np.int32),
        heads=np.concatenate([orders + pairs.candidate[usable], np.full(orders + len(slot_owner), sink)])
        .astype(np.int32),
        capacities=np.concatenate([np.ones(len(usable), dtype=np.int64), cols.headcount,
                                   np.ones(len(slot_owner), dtype=np.int64)]),
        costs=np.concatenate([pairs.cost[usable], cols.unserved_cost, cols.fairness_cost(slot_owner, slot_index)])
        .astype(np.int64),
        supplies=np.concatenate([cols.headcount, np.zeros(candidates, dtype=np.int64),
                                 [-int(cols.headcount.sum())]]).astype(np.int64),
        pair_index=usable,
    )


def solve_network(net: Network) -> tuple[np.ndarray, int]:
    """Every arc's flow and the total cost."""
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.capacities, net.costs)
    solver.set_nodes_supplies(np.arange(len(net.supplies), dtype=np.int32), net.supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise FlowFailed(f"min cost flow ended with status {status}")
    return solver.flows(arcs), int(solver.optimal_cost())
