"""The specification as code: re-derives eligibility and every number of a result from the problem alone.

It shares nothing with the solvers but the file structures: eligibility is computed order by order
against every candidate (no spatial index, no nearest-neighbour query), which is slow on large
problems and meant to be plainly correct.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from matching.problem import Candidate, Order, Problem
from matching.result import Result


class _Candidates:
    def __init__(self, candidates: list[Candidate]) -> None:
        self.items = candidates
        self.x = np.array([c.x_m for c in candidates], dtype=np.float64)
        self.y = np.array([c.y_m for c in candidates], dtype=np.float64)
        self.radius = np.array([c.radius_m for c in candidates], dtype=np.float64)
        self.open = np.array([c.capacity >= 1 for c in candidates], dtype=bool)
        self.ids = np.array([c.id for c in candidates], dtype=object)
        self.index = {c.id: i for i, c in enumerate(candidates)}
        self._having: dict[tuple[str, str], np.ndarray] = {}

    def having(self, attribute: str, value: str) -> np.ndarray:
        """Who lists `value` in `attribute`; orders ask for the same few categories and skills again and again."""
        key = (attribute, value)
        if key not in self._having:
            self._having[key] = np.array([value in getattr(c, attribute) for c in self.items], dtype=bool)
        return self._having[key]

    def available_for(self, order: Order) -> np.ndarray:
        return np.array([any(a < order.end_min and b > order.start_min for a, b in c.available) for c in self.items],
                        dtype=bool)


def eligible_by_order(problem: Problem) -> dict[str, list[str]]:
    """Each order's eligible candidates after the nearest limit, nearest first."""
    candidates = _Candidates(problem.candidates)
    eligible: dict[str, list[str]] = {}
    for order in problem.orders:
        dx, dy = order.x_m - candidates.x, order.y_m - candidates.y
        distance = np.sqrt(dx * dx + dy * dy)
        ok = candidates.open & candidates.having("categories", order.category) & (distance <= candidates.radius)
        for skill in order.skills:
            ok &= candidates.having("skills", skill)
        ok &= candidates.available_for(order)
        for excluded in order.exclude:
            if excluded in candidates.index:
                ok[candidates.index[excluded]] = False
        found = sorted(zip(distance[ok].tolist(), candidates.ids[ok].tolist(), strict=True))
        eligible[order.id] = [item for _, item in found[:problem.nearest]]
    return eligible


def check(problem: Problem, result: Result) -> list[str]:
    """Every way the result breaks the rules or misstates a number; empty when it is valid."""
    problems: list[str] = []
    orders = {o.id: o for o in problem.orders}
    candidates = {c.id: c for c in problem.candidates}
    eligible = eligible_by_order(problem)
    weights = problem.weights

    served: Counter[str] = Counter()
    used: Counter[str] = Counter()
    fairness_terms: dict[str, list[int]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    total = 0
    for item in result.assignments:
        order, candidate = orders.get(item.order), candidates.get(item.candidate)
        if order is None or candidate is None:
            problems.append(f"assignment {item.order} → {item.candidate}: unknown order or candidate")
            continue
        if (item.order, item.candidate) in seen:
            problems.append(f"assignment {item.order} → {item.candidate}: appears twice")
        seen.add((item.order, item.candidate))
        if item.candidate not in eligible[item.order]:
            problems.append(f"assignment {item.order} → {item.candidate}: not an eligible pair "
                            f"({_why_not(order, candidate, problem.nearest)})")
        served[item.order] += 1
        used[item.candidate] += 1
        distance = math.floor(_distance(order, candidate) / 100) * weights.distance_per_100m
        outside = weights.outside_community if order.community != candidate.community else 0
        if (item.terms.distance, item.terms.outside) != (distance, outside):
            problems.append(f"assignment {item.order} → {item.candidate}: terms distance={item.terms.distance} "
                            f"outside={item.terms.outside}, expected {distance} and {outside}")
        fairness_terms[item.candidate].append(item.terms.fairness)
        total += item.terms.distance + item.terms.outside + item.terms.fairness

    for candidate_id, count in used.items():
        candidate = candidates[candidate_id]
        if count > candidate.capacity:
            problems.append(f"candidate {candidate_id}: {count} assignments, capacity {candidate.capacity}")
        expected = [weights.fairness_per_order * (candidate.load + j) for j in range(count)]
        if sorted(fairness_terms[candidate_id]) != expected:
            problems.append(f"candidate {candidate_id}: fairness terms {sorted(fairness_terms[candidate_id])}, "
                            f"expected {expected}")
    for order in problem.orders:
        count = served[order.id]
        if count > order.headcount:
            problems.append(f"order {order.id}: {count} assignments, headcount {order.headcount}")
        if order.team and 0 < count < order.headcount:
            problems.append(f"order {order.id}: team staffed {count} of {order.headcount}")

    total += _check_unserved(problem, result, eligible, served, used, problems)
    if total != result.objective:
        problems.append(f"objective: {result.objective}, the terms add up to {total}")
    _check_summary(problem, result, eligible, problems)
    return problems


def _check_unserved(problem: Problem, result: Result, eligible: dict[str, list[str]], served: Counter[str],
                    used: Counter[str], problems: list[str]) -> int:
    """The unserved list's slots and reasons; returns the unserved cost."""
    listed = {item.order: item for item in result.unserved}
    if len(listed) != len(result.unserved):
        problems.append("unserved: an order is listed twice")
    capacity = {c.id: c.capacity for c in problem.candidates}
    serving = {(a.order, a.candidate) for a in result.assignments}
    weights, cost = problem.weights, 0
    for order in problem.orders:
        missing = max(order.headcount - served[order.id], 0)
        item = listed.pop(order.id, None)
        if missing == 0:
            if item is not None:
                problems.append(f"unserved {order.id}: listed, but every slot is filled")
            continue
        if item is None or item.slots != missing:
            problems.append(f"unserved {order.id}: {missing} slots unfilled, listed {item.slots if item else 0}")
        free = [c for c in eligible[order.id] if used[c] < capacity[c] and (order.id, c) not in serving]
        reason = ("no_eligible_candidate" if not eligible[order.id] else "capacity" if not free
                  else "team_incomplete" if order.team and order.headcount > 1 else "cost")
        if item is not None and item.reason != reason:
            problems.append(f"unserved {order.id}: reason {item.reason}, expected {reason}")
        cost += missing * (weights.unserved_per_urgency * order.urgency
                           + weights.unserved_per_waiting_hour * order.waiting_hours)
    for order_id in listed:
        problems.append(f"unserved {order_id}: not an order of the problem")
    return cost


def _check_summary(problem: Problem, result: Result, eligible: dict[str, list[str]], problems: list[str]) -> None:
    if result.lower_bound is not None and result.lower_bound > result.objective:
        problems.append(f"lower_bound {result.lower_bound} is above the objective {result.objective}")
    if result.status == "optimal" and result.lower_bound != result.objective:
        problems.append("status optimal, but lower_bound differs from the objective")
    pairs = sum(len(found) for found in eligible.values())
    stats = result.stats
    if (stats.orders, stats.candidates, stats.pairs) != (len(problem.orders), len(problem.candidates), pairs):
        problems.append(f"stats: orders/candidates/pairs {stats.orders}/{stats.candidates}/{stats.pairs}, "
                        f"expected {len(problem.orders)}/{len(problem.candidates)}/{pairs}")


def _why_not(order: Order, candidate: Candidate, nearest: int) -> str:
    """The first hard rule the pair breaks, in the order the format page lists them."""
    if order.category not in candidate.categories:
        return f"category {order.category} not served"
    if missing := sorted(set(order.skills) - set(candidate.skills)):
        return f"lacks skills {', '.join(missing)}"
    if _distance(order, candidate) > candidate.radius_m:
        return f"{_distance(order, candidate):.0f} m is beyond the radius {candidate.radius_m:.0f} m"
    if not any(a < order.end_min and b > order.start_min for a, b in candidate.available):
        return "not available in the order's time window"
    if candidate.id in order.exclude or candidate.capacity < 1:
        return "excluded" if candidate.id in order.exclude else "capacity 0"
    return f"not among the {nearest} nearest eligible"


def _distance(order: Order, candidate: Candidate) -> float:
    dx, dy = order.x_m - candidate.x_m, order.y_m - candidate.y_m
    return math.sqrt(dx * dx + dy * dy)
