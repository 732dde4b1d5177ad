"""Each order's nearest eligible candidates: a k-d tree per search group, asked for as many as the order needs.

How many neighbours to ask for comes from how many candidates of the order's category are available
in its window: asking for too few means asking again, too many means testing pairs for nothing.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from matching.arrays import Columns
from matching.rules import Rules

# Asked for: the nearest limit over the expected share of available candidates, times this margin.
K_MARGIN = 1.2
# k is rounded up to a step of this ratio, so that a group's orders share a few queries.
K_STEP = 1.25
# An order still short after its query asks again for this many times as many.
WIDEN = 3
# Pairs examined in one pass: small enough that its arrays stay in the CPU cache (measured fastest).
MAX_QUERY_CELLS = 250_000


@dataclass(frozen=True)
class SearchGroup:
    """Orders searched among the same candidates, and how many neighbours each asks for first."""

    orders: np.ndarray
    members: np.ndarray
    k: np.ndarray


def first_k(available_share: np.ndarray, members: int, nearest: int) -> np.ndarray:
    """Per order: neighbours to ask for, given the expected share of candidates available (> 0)."""
    wanted = nearest * K_MARGIN / np.maximum(available_share, 1e-12)
    steps = np.ceil(np.log(np.maximum(wanted, nearest) / nearest) / np.log(K_STEP) - 1e-9)
    return np.minimum(np.ceil(nearest * K_STEP ** steps), members).astype(np.int64)


def answer(groups: list[SearchGroup], rules: Future[Rules], cols: Columns,
           nearest: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The chosen pairs of these groups' orders, asking again with a larger k for orders left short."""
    searches = [_Search.of(cols, group) for group in groups]
    done = np.zeros(cols.order_count, dtype=bool)
    found = []
    while searches:
        for batch in _batches(searches, cols):
            order, candidate, distance, complete_rows = _choose(batch, rules.result(), nearest)
            found.append((order, candidate, distance))
            done[complete_rows] = True
        searches = [search.widened(~done[search.pending]) for search in searches]
        searches = [search for search in searches if len(search.pending)]
    return found


@dataclass(frozen=True)
class _Search:
    """Orders still to answer, the candidates searched for them (as a k-d tree), and each order's k."""

    pending: np.ndarray
    k: np.ndarray
    members: np.ndarray
    tree: cKDTree
    bound: float

    @classmethod
    def of(cls, cols: Columns, group: SearchGroup) -> _Search:
        # A little beyond the largest radius, so that rounding in the tree never hides a candidate at its edge.
        bound = float(cols.radius[group.members].max()) * (1 + 1e-9) + 1e-6
        tree = cKDTree(np.column_stack([cols.candidate_x[group.members], cols.candidate_y[group.members]]))
        return cls(group.orders, group.k, group.members, tree, bound)

    def widened(self, still: np.ndarray) -> _Search:
        k = np.minimum(self.k[still] * WIDEN, len(self.members))
        return _Search(self.pending[still], k, self.members, self.tree, self.bound)


@dataclass(frozen=True)
class _Neighbours:
    rows: np.ndarray  # order index per row
    row: np.ndarray  # per pair: its row
    candidate: np.ndarray  # per pair
    farthest: np.ndarray  # per row: the tree distance of the k-th neighbour, inf if fewer came back
    exhausted: np.ndarray  # per row: no candidate is left unseen


def _batches(searches: list[_Search], cols: Columns) -> list[list[_Neighbours]]:
    """Every pending order's k nearest, grouped so that one batch holds about MAX_QUERY_CELLS pairs."""
    batches: list[list[_Neighbours]] = [[]]
    cells = 0
    for search in searches:
        for k in np.unique(search.k).tolist():
            asking = search.pending[search.k == k]
            step = max(1, MAX_QUERY_CELLS // k)
            for start in range(0, len(asking), step):
                rows = asking[start:start + step]
                if cells + len(rows) * k > MAX_QUERY_CELLS and batches[-1]:
                    batches.append([])
                    cells = 0
                batches[-1].append(_query(search, rows, k, cols))
                cells += len(rows) * k
    return [batch for batch in batches if batch]


def _query(search: _Search, rows: np.ndarray, k: int, cols: Columns) -> _Neighbours:
    tree_distance, position = search.tree.query(np.column_stack([cols.order_x[rows], cols.order_y[rows]]),
                                                k=k, distance_upper_bound=search.bound)
    position = position.reshape(len(rows), -1)
    returned = position < len(search.members)
    row, column = np.nonzero(returned)
    # Neighbours come nearest first, so the last column is each row's farthest (inf when the row ran out).
    return _Neighbours(rows, row, search.members[position[row, column]],
                       tree_distance.reshape(len(rows), -1)[:, -1],
                       ~returned[:, -1] | (k >= len(search.members)))


def _choose(batch: list[_Neighbours], rules: Rules, nearest: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The chosen pairs (with distances) of the orders whose answer is complete, and those orders."""
    cols = rules.columns
    offsets = np.cumsum([0] + [len(n.rows) for n in batch[:-1]])
    rows = np.concatenate([n.rows for n in batch])
    row = np.concatenate([n.row + offset for n, offset in zip(batch, offsets, strict=True)])
    candidate = np.concatenate([n.candidate for n in batch])
    farthest = np.concatenate([n.farthest for n in batch])
    exhausted = np.concatenate([n.exhausted for n in batch])
    order = rows[row]
    distance = distance_between(cols, order, candidate)

    ok = rules.allow(order, candidate, distance)
    row, order, candidate, distance = row[ok], order[ok], candidate[ok], distance[ok]
    ranked = _nearest_first(row, distance, cols.candidate_rank[candidate])
    row, order, candidate, distance = row[ranked], order[ranked], candidate[ranked], distance[ranked]
    place = np.arange(len(row)) - np.searchsorted(row, row)  # 0 for each row's nearest
    count = np.bincount(row, minlength=len(rows))
    edge = np.full(len(rows), np.inf)
    at_edge = place == nearest - 1
    edge[row[at_edge]] = distance[at_edge]
    # Complete when nothing unseen could be eligible and nearer than (or as near as) the last one kept.
    complete = exhausted | ((count >= nearest) & (edge < farthest - 1e-3))
    keep = (place < nearest) & complete[row]
    return order[keep], candidate[keep], distance[keep], rows[complete]


def _nearest_first(row: np.ndarray, distance: np.ndarray, rank: np.ndarray) -> np.ndarray | slice:
    """The permutation that orders pairs by row, distance and candidate rank.

    The tree's order (rows ascending, each nearest first) is already ours except where two distances tie
    or round differently: only the rows where that happens are sorted again.
    """
    same_row = row[1:] == row[:-1]
    earlier = (distance[1:] < distance[:-1]) | ((distance[1:] == distance[:-1]) & (rank[1:] < rank[:-1]))
    unsorted = np.flatnonzero(same_row & earlier)
    if not len(unsorted):
        return slice(None)
    # Rows come in ascending blocks, so a row's pairs are contiguous and sorting them in place suffices.
    permutation = np.arange(len(row))
    redo = np.flatnonzero(np.isin(row, row[unsorted]))
    permutation[redo] = redo[np.lexsort((rank[redo], distance[redo], row[redo]))]
    return permutation


def distance_between(cols: Columns, order: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    dx, dy = cols.order_x[order] - cols.candidate_x[candidate], cols.order_y[order] - cols.candidate_y[candidate]
    return np.sqrt(dx * dx + dy * dy)
