"""The hard rules other than category and capacity, as arrays, tested on many pairs at once."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter

import numpy as np

from matching.arrays import Columns
from matching.problem import Problem

# Pairs whose candidate has more intervals than this are looked at again alone, not the whole batch.
SHARED_INTERVAL_COLUMNS = 8
# An interval that overlaps no window: it starts after every end and ends before every start.
_NEVER = (np.iinfo(np.int64).max, np.iinfo(np.int64).min)


@dataclass(frozen=True)
class Availability:
    """Every candidate's intervals, flat in candidate order and as columns (the j-th interval of each)."""

    owner: np.ndarray  # per interval: its candidate
    start: np.ndarray  # per interval, int64
    end: np.ndarray
    count: np.ndarray  # per candidate: how many intervals
    start_columns: np.ndarray  # (widest, candidates), padded with an interval that overlaps nothing
    end_columns: np.ndarray

    def overlaps(self, candidate: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Per pair: does any of the candidate's intervals overlap the window [start, end)."""
        ok = np.zeros(len(candidate), dtype=bool)
        rest: slice | np.ndarray = slice(None)
        for j in range(len(self.start_columns)):
            if j and j % SHARED_INTERVAL_COLUMNS == 0:
                rest = np.flatnonzero(~ok & (self.count[candidate] > j))
            c = candidate[rest]
            ok[rest] |= (self.start_columns[j][c] < end[rest]) & (self.end_columns[j][c] > start[rest])
        return ok


def availability_of(problem: Problem) -> Availability:
    lists = list(map(attrgetter("available"), problem.candidates))
    count = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(lists)), dtype=np.int64,
                       count=2 * int(count.sum())).reshape(-1, 2)
    owner = np.repeat(np.arange(len(lists)), count)
    slot = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    widest = int(count.max(initial=0))
    start_columns = np.full((widest, len(lists)), _NEVER[0], dtype=np.int64)
    end_columns = np.full((widest, len(lists)), _NEVER[1], dtype=np.int64)
    start_columns[slot, owner], end_columns[slot, owner] = flat[:, 0], flat[:, 1]
    return Availability(owner, flat[:, 0], flat[:, 1], count, start_columns, end_columns)


@dataclass(frozen=True)
class Rules:
    """Skills, availability and exclusions, for the pairs the spatial search proposes."""

    order_skills: np.ndarray  # (orders, words) uint64 bit masks
    candidate_skills: np.ndarray  # (candidates, words)
    availability: Availability
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
        o = order[rest]
        ok[rest] = self.availability.overlaps(candidate[rest], cols.order_start[o], cols.order_end[o])
        if len(self.excluded):
            rest = np.flatnonzero(ok)
            ok[rest] = ~np.isin(order[rest] * cols.candidate_count + candidate[rest], self.excluded)
        return ok


def rules_of(problem: Problem, cols: Columns, order_has_skill: np.ndarray, has_skill: np.ndarray,
             availability: Availability) -> Rules:
    excluded: list[int] = []
    if any(order.exclude for order in problem.orders):
        ids = {candidate.id: index for index, candidate in enumerate(problem.candidates)}
        excluded = sorted({order_index * cols.candidate_count + ids[member]
                           for order_index, order in enumerate(problem.orders)
                           for member in order.exclude if member in ids})
    return Rules(
        order_skills=_masks(order_has_skill),
        candidate_skills=_masks(has_skill), availability=availability,
        excluded=np.array(excluded, dtype=np.int64), columns=cols,
    )


def membership(lists: list[list[str]], names: list[str]) -> np.ndarray:
    """A (len(lists), len(names)) boolean table: does list i hold name j."""
    column = {name: n for n, name in enumerate(names)}
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    names_in_order = chain.from_iterable(lists)
    codes = np.fromiter(map(column.get, names_in_order, repeat(-1)), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(lists)), lengths)
    table = np.zeros((len(lists), len(names)), dtype=bool)
    table[rows[codes >= 0], codes[codes >= 0]] = True
    return table


def _masks(table: np.ndarray) -> np.ndarray:
    """A boolean table of skills held → one bit per skill, 64 to a word."""
    masks = np.zeros((len(table), max(1, (table.shape[1] + 63) // 64)), dtype=np.uint64)
    for b in range(table.shape[1]):  # one pass per skill asked for: a handful
        masks[table[:, b], b // 64] |= np.uint64(1 << (b % 64))
    return masks
