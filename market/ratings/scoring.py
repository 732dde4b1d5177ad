"""A period's figures → a score (tenths of a point, 0–1000) → stars (0–5): plain integer arithmetic."""

from __future__ import annotations

from dataclasses import dataclass

from market.points.rules import StarRules


@dataclass(frozen=True)
class Figures:
    points: int  # posted in the period, net of reversals
    taken: int  # assignments accepted in the period
    completed: int
    on_time: int
    rated: int
    satisfied: int  # rated ≥ 4★


def score(figures: Figures, rules: StarRules) -> int:
    """Each part in per-mille, weighted in percent: integers all the way, so the same data gives the same score."""
    points = min(1000, max(0, figures.points) * 1000 // rules.full_points)
    completion = figures.completed * 1000 // figures.taken if figures.taken else 0
    on_time = figures.on_time * 1000 // figures.completed if figures.completed else 0
    satisfaction = figures.satisfied * 1000 // figures.rated if figures.rated else rules.unrated_satisfaction * 10
    return (rules.weight_points * points + rules.weight_completion * completion + rules.weight_on_time * on_time
            + rules.weight_satisfaction * satisfaction) // 100


def stars(score_tenths: int, rules: StarRules) -> int:
    """How many of the bands (the lowest score of 1★ … 5★) the score reaches."""
    return sum(score_tenths >= band * 10 for band in rules.bands)
