"""Which candidate may serve which order: the hard rules and the `nearest` limit, in bulk.

Orders are searched in groups (their category and rarest skill) among the candidates who serve that
category and hold that skill (`matching.nearest`); the other rules are array operations on the pairs
the search proposes (`matching.rules`).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from matching.arrays import Columns
from matching.nearest import SearchGroup, answer, first_k
from matching.problem import Problem
from matching.rules import Availability, Rules, availability_of, membership, rules_of

# The time axis counted minute by minute to size the searches; wider problems search without the estimate.
MAX_TIME_AXIS = 1 << 22


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


def eligible_pairs(problem: Problem, cols: Columns) -> Pairs:
    skills = sorted({skill for order in problem.orders for skill in order.skills})
    has_skill = membership([c.skills for c in problem.candidates], skills)
    order_has_skill = membership([o.skills for o in problem.orders], skills)
    availability = availability_of(problem)
    groups = _search_groups(problem, cols, has_skill, order_has_skill, availability)
    # Two halves on two threads: building and asking the trees, and most numpy passes, run without the GIL.
    # Meanwhile this thread gathers the other rules (Python work), which the halves wait for only to choose.
    halves = [groups[0::2], groups[1::2]]
    rules: Future[Rules] = Future()
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = [pool.submit(answer, half, rules, cols, problem.nearest) for half in halves]
        try:
            rules.set_result(rules_of(problem, cols, order_has_skill, has_skill, availability))
        except BaseException as error:
            rules.set_exception(error)
            raise
        communities = _communities(problem)
        found = [chosen for part in parts for chosen in part.result()]
    if not found:
        return _priced(problem, communities, *(np.zeros(0, dtype=dtype) for dtype in (np.int64, np.int64, np.float64)))
    return _priced(problem, communities, *(np.concatenate([f[n] for f in found]) for n in range(3)))


def _search_groups(problem: Problem, cols: Columns, has_skill: np.ndarray, order_has_skill: np.ndarray,
                   availability: Availability) -> list[SearchGroup]:
    """Orders and the candidates searched for them: those of the order's category with its rarest skill.

    Searching only candidates who have the skill keeps the k nearest mostly eligible; otherwise an
    order needing a rare skill would ask again and again for more neighbours. An order that no
    candidate of its category is available for is in no group: it has no eligible candidate.
    """
    categories = sorted({o.category for o in problem.orders})
    serving = membership([c.categories for c in problem.candidates], categories) & (cols.capacity >= 1)[:, None]
    code = {category: n for n, category in enumerate(categories)}
    order_category = np.fromiter(map(code.__getitem__, (o.category for o in problem.orders)), dtype=np.int64,
                                 count=cols.order_count)
    share = _available_share(cols, availability)
    rarest = _rarest_skill(order_has_skill, has_skill)
    key = order_category * (has_skill.shape[1] + 1) + rarest
    by_key = np.argsort(key, kind="stable")
    serving_members = [np.flatnonzero(serving[:, n]) for n in range(len(categories))]
    groups = []
    for orders in np.split(by_key, np.flatnonzero(np.diff(key[by_key])) + 1):
        if not len(orders):
            continue
        members = serving_members[order_category[orders[0]]]
        if rarest[orders[0]]:
            members = members[has_skill[members, rarest[orders[0]] - 1]]
        orders = orders[share[orders] > 0]
        if len(members) and len(orders):
            groups.append(SearchGroup(orders, members, first_k(share[orders], len(members), problem.nearest)))
    return groups


def _rarest_skill(order_has_skill: np.ndarray, has_skill: np.ndarray) -> np.ndarray:
    """Per order: 0 if it asks for no skill, else 1 + the column of its skill fewest candidates hold (ties by name)."""
    if not order_has_skill.size:
        return np.zeros(len(order_has_skill), dtype=np.int64)
    holders = np.where(order_has_skill, has_skill.sum(axis=0), np.iinfo(np.int64).max)
    return np.where(order_has_skill.any(axis=1), np.argmin(holders, axis=1) + 1, 0)


def _available_share(cols: Columns, availability: Availability) -> np.ndarray:
    """Per order: the expected share of candidates with room who are available in its window; 0 means none is.

    Counted exactly as intervals that overlap the window (those starting before its end, less those
    ended by its start) on a minute axis. The share is over all categories: an estimate, which only
    sizes the searches, except that 0 is exact.
    """
    a = availability
    with_room = cols.capacity[a.owner] >= 1
    if not with_room.any():
        return np.zeros(cols.order_count)
    start, end = a.start[with_room], a.end[with_room]
    lo, hi = int(min(start.min(), end.min())), int(max(start.max(), end.max()))
    span = hi - lo + 1
    if span > MAX_TIME_AXIS:
        return np.ones(cols.order_count)
    started, ended = _before(start - lo, span), _before(end - lo, span)
    overlapping = started[np.clip(cols.order_end - lo, 0, span)] - ended[np.clip(cols.order_start - lo + 1, 0, span)]
    return np.minimum(overlapping / np.count_nonzero(cols.capacity >= 1), 1.0)


def _before(positions: np.ndarray, span: int) -> np.ndarray:
    """At index i: how many positions are below i."""
    table = np.zeros(span + 1, dtype=np.int64)
    np.cumsum(np.bincount(positions, minlength=span), out=table[1:])
    return table


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
