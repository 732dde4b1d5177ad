"""Seeded random cities for tests and benchmarks: orders and candidates on a 20 km square."""

from __future__ import annotations

import numpy as np

from matching.problem import WEEK_MIN, Candidate, Order, Problem, Weights

CITY_M = 20_000.0
COMMUNITY_M = 2_000.0  # communities as 2 km squares of the city
CATEGORIES = [f"cat-{n:02d}" for n in range(20)]
SKILLS = [f"skill-{n}" for n in range(10)]


def city(orders: int, candidates_per_order: float, seed: int, team_share: float = 0.0,
         weights: Weights | None = None, nearest: int = 30, headcounts: tuple[int, ...] = (2, 3)) -> Problem:
    """`candidates_per_order`: 5 is abundant, 0.4 scarce; `team_share` of the orders are teams of `headcounts`."""
    rng = np.random.default_rng(seed)
    candidate_count = max(1, round(orders * candidates_per_order))
    return Problem(weights=weights or Weights(), nearest=nearest,
                   orders=[_order(rng, n, team_share, headcounts) for n in range(orders)],
                   candidates=[_candidate(rng, n) for n in range(candidate_count)])


def _community(x: float, y: float) -> str:
    return f"c-{int(x // COMMUNITY_M)}-{int(y // COMMUNITY_M)}"


def _order(rng: np.random.Generator, n: int, team_share: float, headcounts: tuple[int, ...]) -> Order:
    x, y = (float(v) for v in rng.uniform(0, CITY_M, 2))
    start = int(rng.integers(0, WEEK_MIN - 3 * 1440))
    team = bool(rng.random() < team_share)
    return Order(
        id=f"o-{n}", category=CATEGORIES[int(rng.integers(len(CATEGORIES)))], x_m=round(x, 1), y_m=round(y, 1),
        skills=[SKILLS[int(rng.integers(len(SKILLS)))]] if rng.random() < 0.2 else [],
        headcount=int(rng.choice(headcounts)) if team else 1, team=team, urgency=int(rng.integers(1, 6)),
        waiting_hours=int(rng.integers(0, 72)), community=_community(x, y), start_min=start,
        end_min=start + int(rng.integers(240, 3 * 1440)),
    )


def _candidate(rng: np.random.Generator, n: int) -> Candidate:
    x, y = (float(v) for v in rng.uniform(0, CITY_M, 2))
    categories = sorted(CATEGORIES[int(i)] for i in rng.choice(len(CATEGORIES), int(rng.integers(1, 4)), replace=False))
    skills = sorted(SKILLS[int(i)] for i in rng.choice(len(SKILLS), int(rng.integers(0, 3)), replace=False))
    windows = []
    for day in sorted(rng.choice(7, int(rng.integers(3, 8)), replace=False).tolist()):
        start = day * 1440 + int(rng.integers(7 * 60, 14 * 60))
        windows.append((start, start + int(rng.integers(4 * 60, 10 * 60))))
    return Candidate(
        id=f"m-{n}", categories=categories, x_m=round(x, 1), y_m=round(y, 1), capacity=int(rng.integers(1, 4)),
        skills=skills, radius_m=float(rng.choice([3000.0, 4000.0, 5000.0])), load=int(rng.integers(0, 8)),
        community=_community(x, y), available=windows,
    )
