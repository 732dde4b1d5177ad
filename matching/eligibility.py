"""Which candidate may serve which order: the hard rules and the `nearest` limit, in bulk.

Per category, a k-d tree of the candidates who serve it answers each order's k nearest within the
largest radius; the other rules are then array operations on those pairs. An order whose k nearest
held too few eligible candidates (or a tie at the edge) asks again with a larger k.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from matching.arrays import Columns
from matching.problem import Problem

FIRST_K_SLACK = 16
# Bounds the memory of one k-nearest query: rows × k distances and indices.
MAX_QUERY_CELLS = 4_000_000


@dataclass(frozen=True)
class Pairs:
    """Eligible (order, candidate) pairs, sorted by order, then distance, then candidate id."""

    order: np.ndarray  # int64 index into problem.orders
    candidate: np.ndarray  # int64 index into problem.candidates
    distance_m: np.ndarray  # float64
    distance_cost: np.ndarray  # int64
    outside_cost: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.order)

    @property
    def cost(self) -> np.ndarray:
        return self.distance_cost + self.outside_cost


@dataclass(frozen=True)
class Rules:
    """The hard rules other than category and capacity, as arrays indexed by order and candidate."""

    order_skills: np.ndarray  # (orders, words) uint64 bit masks
    candidate_skills: np.ndarray  # (candidates, words)
    available_from: np.ndarray  # (candidates, intervals), padded with empty intervals
    available_to: np.ndarray
    excluded: np.ndarray  # sorted int64 keys order * candidates + candidate
    columns: Columns

    def allow(self, order: np.ndarray, candidate: np.ndarray, distance: np.ndarray) -> np.ndarray:
        """A mask of the pairs that pass; each rule looks only at the pairs that passed the ones before."""
        cols = self.columns
        ok = distance <= cols.radius[candidate]
        rest = np.flatnonzero(ok)
        rest = rest[self.order_skills[order[rest]].any(axis=1)]  # most orders need no skill
        ok[rest] = ~np.any(self.order_skills[order[rest]] & ~self.candidate_skills[candidate[rest]], axis=1)
        rest = np.flatnonzero(ok)
        o, c = order[rest], candidate[rest]
        ok[rest] = np.any((self.available_from[c] < cols.order_end[o, None]) & (self.available_to[c] > cols.order_start[o, None]),
                          axis=1)
        if len(self.excluded):
            rest = np.flatnonzero(ok)
            ok[rest] = ~np.isin(order[rest] * cols.candidate_count + candidate[rest], self.excluded)
        return ok


def eligible_pairs(problem: Problem, cols: Columns) -> Pairs:
    rules = rules_of(problem, cols)
    serving: dict[str, list[int]] = defaultdict(list)
    for index, candidate in enumerate(problem.candidates):
        if candidate.capacity >= 1:
            for category in set(candidate.categories):
                serving[category].append(index)
    wanting: dict[str, list[int]] = defaultdict(list)
    for index, order in enumerate(problem.orders):
        wanting[order.category].append(index)
    found = [_nearest_eligible(np.array(orders), np.array(serving[category]), rules, problem.nearest)
             for category, orders in sorted(wanting.items()) if category in serving]
    if not found:
        return _priced(problem, cols, *(np.zeros(0, dtype=dtype) for dtype in (np.int64, np.int64, np.float64)))
    return _priced(problem, cols, *(np.concatenate([f[n] for f in found]) for n in range(3)))


def distance_between(cols: Columns, order: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    dx, dy = cols.order_x[order] - cols.candidate_x[candidate], cols.order_y[order] - cols.candidate_y[candidate]
    return np.sqrt(dx * dx + dy * dy)


def _nearest_eligible(orders: np.ndarray, members: np.ndarray, rules: Rules,
                      nearest: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The `nearest` closest eligible candidates of each order, among `members` (who serve its category)."""
    cols = rules.columns
    tree = cKDTree(np.column_stack([cols.candidate_x[members], cols.candidate_y[members]]))
    k = min(len(members), nearest * 2 + FIRST_K_SLACK)
    chosen_orders, chosen_candidates, chosen_distances = [], [], []
    pending = orders
    while len(pending):
        done = np.zeros(len(pending), dtype=bool)
        step = max(1, MAX_QUERY_CELLS // k)
        for start in range(0, len(pending), step):
            rows = pending[start:start + step]
            order, candidate, distance, complete = _query(tree, rows, members, rules, nearest, k)
            chosen_orders.append(order)
            chosen_candidates.append(candidate)
            chosen_distances.append(distance)
            done[start:start + step] = complete
        pending = pending[~done]
        k = min(len(members), k * 4)
    return np.concatenate(chosen_orders), np.concatenate(chosen_candidates), np.concatenate(chosen_distances)


def _query(tree: cKDTree, rows: np.ndarray, members: np.ndarray, rules: Rules, nearest: int,
           k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The chosen pairs (and distances) of the rows whose answer is complete, and which rows are complete."""
    cols = rules.columns
    # A little beyond the largest radius, so that rounding in the tree never hides a candidate at its edge.
    bound = float(cols.radius[members].max()) * (1 + 1e-9) + 1e-6
    tree_distance, position = tree.query(np.column_stack([cols.order_x[rows], cols.order_y[rows]]), k=k,
                                         distance_upper_bound=bound)
    position = position.reshape(len(rows), -1)
    returned = position < len(members)
    # Neighbours come nearest first, so the last column is each row's farthest (inf when the row ran out).
    farthest = tree_distance.reshape(len(rows), -1)[:, -1]
    exhausted = ~returned[:, -1] | (k >= len(members))
    row, column = np.nonzero(returned)
    order, candidate = rows[row], members[position[row, column]]
    distance = distance_between(cols, order, candidate)

    ok = rules.allow(order, candidate, distance)
    row, order, candidate, distance = row[ok], order[ok], candidate[ok], distance[ok]
    ranked = np.lexsort((cols.candidate_rank[candidate], distance, row))
    row, order, candidate, distance = row[ranked], order[ranked], candidate[ranked], distance[ranked]
    place = np.arange(len(row)) - np.searchsorted(row, row)  # 0 for each row's nearest
    count = np.bincount(row, minlength=len(rows))
    edge = np.full(len(rows), np.inf)
    at_edge = place == nearest - 1
    edge[row[at_edge]] = distance[at_edge]
    # Complete when nothing unseen could be eligible and nearer than (or as near as) the last one kept.
    complete = exhausted | ((count >= nearest) & (edge < farthest - 1e-3))
    keep = (place < nearest) & complete[row]
    return order[keep], candidate[keep], distance[keep], complete


def rules_of(problem: Problem, cols: Columns) -> Rules:
    wanted = sorted({skill for order in problem.orders for skill in order.skills})
    bit = {skill: index for index, skill in enumerate(wanted)}
    words = max(1, (len(wanted) + 63) // 64)
    counts = np.array([len(c.available) for c in problem.candidates], dtype=np.int64)
    widest = int(counts.max(initial=1))
    flat = np.array([window for c in problem.candidates for window in c.available], dtype=np.int32).reshape(-1, 2)
    owner = np.repeat(np.arange(cols.candidate_count), counts)
    slot = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    # Padding is the empty interval [0, 0), which overlaps nothing.
    available_from = np.zeros((cols.candidate_count, widest), dtype=np.int32)
    available_to = np.zeros((cols.candidate_count, widest), dtype=np.int32)
    available_from[owner, slot], available_to[owner, slot] = flat[:, 0], flat[:, 1]
    ids = {candidate.id: index for index, candidate in enumerate(problem.candidates)}
    excluded = sorted({order_index * cols.candidate_count + ids[member]
                       for order_index, order in enumerate(problem.orders) for member in order.exclude if member in ids})
    return Rules(
        order_skills=_masks([order.skills for order in problem.orders], bit, words),
        candidate_skills=_masks([candidate.skills for candidate in problem.candidates], bit, words),
        available_from=available_from, available_to=available_to,
        excluded=np.array(excluded, dtype=np.int64), columns=cols,
    )


def _masks(skill_lists: list[list[str]], bit: dict[str, int], words: int) -> np.ndarray:
    masks = np.zeros((len(skill_lists), words), dtype=np.uint64)
    for row, skills in enumerate(skill_lists):
        for skill in skills:
            if skill in bit:
                masks[row, bit[skill] // 64] |= np.uint64(1 << (bit[skill] % 64))
    return masks


def _priced(problem: Problem, cols: Columns, order: np.ndarray, candidate: np.ndarray,
            distance: np.ndarray) -> Pairs:
    # Each order's pairs come from one category, already nearest first: a stable sort by order keeps that.
    ranked = np.argsort(order, kind="stable")
    order, candidate, distance = order[ranked].astype(np.int64), candidate[ranked].astype(np.int64), distance[ranked]
    communities: dict[str, int] = {}
    order_community = np.array([communities.setdefault(o.community, len(communities)) for o in problem.orders],
                               dtype=np.int64)
    candidate_community = np.array([communities.setdefault(c.community, len(communities))
                                    for c in problem.candidates], dtype=np.int64)
    weights = problem.weights
    outside = order_community[order] != candidate_community[candidate]
    return Pairs(order=order, candidate=candidate, distance_m=distance,
                 distance_cost=weights.distance_per_100m * np.floor(distance / 100).astype(np.int64),
                 outside_cost=np.where(outside, weights.outside_community, 0).astype(np.int64))
