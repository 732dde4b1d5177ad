"""Which candidate may serve which order: the hard rules and the `nearest` limit, in bulk.

Per category, a k-d tree of the candidates who serve it answers each order's k nearest within the
largest radius; the other rules are then array operations on those pairs. An order whose k nearest
held too few eligible candidates (or a tie at the edge) asks again with a larger k.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
from scipy.spatial import cKDTree

from matching.arrays import Columns
from matching.problem import Problem

FIRST_K_SLACK = 40
# Pairs examined in one pass: small enough that its arrays stay in the CPU cache (measured fastest).
MAX_QUERY_CELLS = 250_000


@dataclass(frozen=True)
class Pairs:
    """Eligible (order, candidate) pairs, sorted by order, then distance, then candidate id."""

    order: np.ndarray  # int64 index into problem.orders
    candidate: np.ndarray  # int64 index into problem.candidates
    distance_m: np.ndarray  # float64
    distance_cost: np.ndarray  # int64
    outside_cost: np.ndarray  # int64
    cost: np.ndarray  # int64: distance_cost + outside_cost, summed once (solvers read it per pair)

    def __len__(self) -> int:
        return len(self.order)


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
        ok[rest] = np.any((self.available_from[c] < cols.order_end[o, None])
                          & (self.available_to[c] > cols.order_start[o, None]), axis=1)
        if len(self.excluded):
            rest = np.flatnonzero(ok)
            ok[rest] = ~np.isin(order[rest] * cols.candidate_count + candidate[rest], self.excluded)
        return ok


def eligible_pairs(problem: Problem, cols: Columns) -> Pairs:
    skills = sorted({skill for order in problem.orders for skill in order.skills})
    has_skill = _membership([c.skills for c in problem.candidates], skills)
    groups = _search_groups(problem, cols, skills, has_skill)
    # Two halves on two threads: building and asking the trees, and most numpy passes, run without the GIL.
    # Meanwhile this thread gathers the other rules (Python work), which the halves wait for only to choose.
    halves = [groups[0::2], groups[1::2]]
    rules: Future[Rules] = Future()
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = [pool.submit(_answer, half, rules, cols, problem.nearest) for half in halves]
        try:
            rules.set_result(rules_of(problem, cols, skills, has_skill))
        except BaseException as error:
            rules.set_exception(error)
            raise
        communities = _communities(problem)
        found = [chosen for part in parts for chosen in part.result()]
    if not found:
        return _priced(problem, communities, *(np.zeros(0, dtype=dtype) for dtype in (np.int64, np.int64, np.float64)))
    return _priced(problem, communities, *(np.concatenate([f[n] for f in found]) for n in range(3)))


def _answer(groups: list[tuple[np.ndarray, np.ndarray]], rules: Future[Rules], cols: Columns,
            nearest: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The chosen pairs of these groups' orders, widening k for the orders not yet answered."""
    searches = [_Search.of(cols, orders, members, nearest) for orders, members in groups]
    done = np.zeros(cols.order_count, dtype=bool)
    found = []
    while searches:
        for batch in _batches(searches, cols):
            order, candidate, distance, complete_rows = _choose(batch, rules.result(), nearest)
            found.append((order, candidate, distance))
            done[complete_rows] = True
        searches = [search.widened(search.pending[~done[search.pending]]) for search in searches]
        searches = [search for search in searches if len(search.pending)]
    return found


@dataclass(frozen=True)
class _Search:
    """Orders still to answer, the candidates searched for them (as a k-d tree), and how many to ask for."""

    pending: np.ndarray
    members: np.ndarray
    tree: cKDTree
    bound: float
    k: int

    @classmethod
    def of(cls, cols: Columns, orders: np.ndarray, members: np.ndarray, nearest: int) -> _Search:
        # A little beyond the largest radius, so that rounding in the tree never hides a candidate at its edge.
        bound = float(cols.radius[members].max()) * (1 + 1e-9) + 1e-6
        tree = cKDTree(np.column_stack([cols.candidate_x[members], cols.candidate_y[members]]))
        return cls(orders, members, tree, bound, min(len(members), nearest + FIRST_K_SLACK))

    def widened(self, pending: np.ndarray) -> _Search:
        return _Search(pending, self.members, self.tree, self.bound, min(len(self.members), self.k * 4))


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
        step = max(1, MAX_QUERY_CELLS // search.k)
        for start in range(0, len(search.pending), step):
            rows = search.pending[start:start + step]
            if cells + len(rows) * search.k > MAX_QUERY_CELLS and batches[-1]:
                batches.append([])
                cells = 0
            batches[-1].append(_query(search, rows, cols))
            cells += len(rows) * search.k
    return [batch for batch in batches if batch]


def _query(search: _Search, rows: np.ndarray, cols: Columns) -> _Neighbours:
    tree_distance, position = search.tree.query(np.column_stack([cols.order_x[rows], cols.order_y[rows]]),
                                                k=search.k, distance_upper_bound=search.bound)
    position = position.reshape(len(rows), -1)
    returned = position < len(search.members)
    row, column = np.nonzero(returned)
    # Neighbours come nearest first, so the last column is each row's farthest (inf when the row ran out).
    return _Neighbours(rows, row, search.members[position[row, column]],
                       tree_distance.reshape(len(rows), -1)[:, -1],
                       ~returned[:, -1] | (search.k >= len(search.members)))


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


def _search_groups(problem: Problem, cols: Columns, skills: list[str],
                   has_skill: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Orders and the candidates searched for them: those of the order's category with its rarest skill.

    Searching only candidates who have the skill keeps the k nearest mostly eligible; otherwise an
    order needing a rare skill would ask again and again for more neighbours.
    """
    has_category = _membership([c.categories for c in problem.candidates], sorted({o.category for o in problem.orders}))
    holders = dict(zip(skills, has_skill.sum(axis=0).tolist(), strict=True))
    wanting: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, order in enumerate(problem.orders):
        rarest = min(order.skills, key=lambda skill: (holders[skill], skill), default="")
        wanting[(order.category, rarest)].append(index)
    category_column = {category: n for n, category in enumerate(sorted({o.category for o in problem.orders}))}
    skill_column = {skill: n for n, skill in enumerate(skills)}
    groups = []
    for (category, skill), orders in sorted(wanting.items()):
        serving = has_category[:, category_column[category]] & (cols.capacity >= 1)
        if skill:
            serving &= has_skill[:, skill_column[skill]]
        if serving.any():
            groups.append((np.array(orders, dtype=np.int64), np.flatnonzero(serving)))
    return groups


def _membership(lists: list[list[str]], names: list[str]) -> np.ndarray:
    """A (len(lists), len(names)) boolean table: does list i hold name j."""
    column = {name: n for n, name in enumerate(names)}
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    names_in_order = chain.from_iterable(lists)
    codes = np.fromiter(map(column.get, names_in_order, repeat(-1)), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(lists)), lengths)
    table = np.zeros((len(lists), len(names)), dtype=bool)
    table[rows[codes >= 0], codes[codes >= 0]] = True
    return table


def distance_between(cols: Columns, order: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    dx, dy = cols.order_x[order] - cols.candidate_x[candidate], cols.order_y[order] - cols.candidate_y[candidate]
    return np.sqrt(dx * dx + dy * dy)


def rules_of(problem: Problem, cols: Columns, skills: list[str], has_skill: np.ndarray) -> Rules:
    counts = np.array([len(c.available) for c in problem.candidates], dtype=np.int64)
    widest = int(counts.max(initial=1))
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(c.available for c in problem.candidates)),
                       dtype=np.int32, count=2 * int(counts.sum())).reshape(-1, 2)
    owner = np.repeat(np.arange(cols.candidate_count), counts)
    slot = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    # Padding is the empty interval [0, 0), which overlaps nothing.
    available_from = np.zeros((cols.candidate_count, widest), dtype=np.int32)
    available_to = np.zeros((cols.candidate_count, widest), dtype=np.int32)
    available_from[owner, slot], available_to[owner, slot] = flat[:, 0], flat[:, 1]
    excluded: list[int] = []
    if any(order.exclude for order in problem.orders):
        ids = {candidate.id: index for index, candidate in enumerate(problem.candidates)}
        excluded = sorted({order_index * cols.candidate_count + ids[member]
                           for order_index, order in enumerate(problem.orders)
                           for member in order.exclude if member in ids})
    return Rules(
        order_skills=_masks(_membership([order.skills for order in problem.orders], skills)),
        candidate_skills=_masks(has_skill),
        available_from=available_from, available_to=available_to,
        excluded=np.array(excluded, dtype=np.int64), columns=cols,
    )


def _masks(table: np.ndarray) -> np.ndarray:
    """A boolean table of skills held → one bit per skill, 64 to a word."""
    masks = np.zeros((len(table), max(1, (table.shape[1] + 63) // 64)), dtype=np.uint64)
    for b in range(table.shape[1]):  # one pass per skill asked for: a handful
        masks[table[:, b], b // 64] |= np.uint64(1 << (b % 64))
    return masks


def _communities(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Each order's and each candidate's community as a number, the same number for the same name."""
    numbers: dict[str, int] = {}
    order_community = np.array([numbers.setdefault(o.community, len(numbers)) for o in problem.orders],
                               dtype=np.int64)
    candidate_community = np.array([numbers.setdefault(c.community, len(numbers)) for c in problem.candidates],
                                   dtype=np.int64)
    return order_community, candidate_community


def _priced(problem: Problem, communities: tuple[np.ndarray, np.ndarray], order: np.ndarray, candidate: np.ndarray,
            distance: np.ndarray) -> Pairs:
    ranked = _by_order(order)
    order, candidate, distance = order[ranked].astype(np.int64), candidate[ranked].astype(np.int64), distance[ranked]
    order_community, candidate_community = communities
    weights = problem.weights
    outside = order_community[order] != candidate_community[candidate]
    distance_cost = weights.distance_per_100m * np.floor(distance / 100).astype(np.int64)
    outside_cost = np.where(outside, weights.outside_community, 0).astype(np.int64)
    return Pairs(order=order, candidate=candidate, distance_m=distance, distance_cost=distance_cost,
                 outside_cost=outside_cost, cost=distance_cost + outside_cost)


def _by_order(order: np.ndarray) -> np.ndarray:
    """The permutation that sorts pairs by order, keeping each order's pairs as they are.

    Each order's pairs arrive as one block (nearest first), so moving whole blocks is enough.
    """
    if not len(order):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, order[1:] != order[:-1]])
    lengths = np.diff(np.r_[starts, len(order)])
    moved = np.argsort(order[starts], kind="stable")
    new_starts = np.cumsum(lengths[moved]) - lengths[moved]
    return np.repeat(starts[moved] - new_starts, lengths[moved]) + np.arange(len(order))
