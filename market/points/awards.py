"""What an order's service earns, as a plain function of the order's facts and the rules (no database)."""

from __future__ import annotations

from dataclasses import dataclass

from market.points.rules import PointRules
from market.vocab import OrderKind

DISPUTED_STARS = 2


@dataclass(frozen=True)
class Assignee:
    member_id: int | None
    # The unit whose own order this is (an offer to the unit); it earns as an assignee.
    unit_id: int | None
    accepted_on_time: bool
    # The member's confirmed work unit, which earns its share of the member's award.
    work_unit_id: int | None = None


@dataclass(frozen=True)
class OrderFacts:
    order_id: int
    title: str
    kind: str
    category: str
    triage: str | None
    completed_on_time: bool
    stars: int | None
    # For a disputed order (≤ 2★): the dispatcher's "award" or "withhold" when closing it.
    decision: str | None
    assignees: tuple[Assignee, ...]


@dataclass(frozen=True)
class Award:
    member_id: int | None
    unit_id: int | None
    points: int
    source_key: str
    note: str


def order_awards(facts: OrderFacts, rules: PointRules) -> list[Award]:
    """Every award the order earns: its base split among the team, bonuses, the rating factor, unit shares."""
    percent = rating_percent(facts, rules)
    if percent == 0 or not facts.assignees:
        return []
    base = base_points(facts, rules)
    assignees = sorted(facts.assignees, key=lambda a: (a.member_id is None, a.member_id or 0, a.unit_id or 0))
    awards = []
    for share, assignee in zip(split(base, len(assignees)), assignees, strict=True):
        accept = rules.accept_bonus if assignee.accepted_on_time else 0
        on_time = rules.on_time_bonus if facts.completed_on_time else 0
        points = (share + accept + on_time) * percent // 100
        note = f"「{facts.title}」办结积分：基础 {share}，按时接单 +{accept}，按时办结 +{on_time}，评价系数 {percent}%"
        if points <= 0:
            continue
        if assignee.member_id is not None:
            awards.append(Award(assignee.member_id, None, points, f"order:{facts.order_id}:member:{assignee.member_id}",
                                note))
            unit_points = points * rules.unit_share_percent // 100
            if assignee.work_unit_id is not None and unit_points > 0:
                awards.append(Award(None, assignee.work_unit_id, unit_points,
                                    f"order:{facts.order_id}:unit:{assignee.work_unit_id}:via:{assignee.member_id}",
                                    f"「{facts.title}」本单位党员服务积分（{rules.unit_share_percent}%）"))
        if assignee.unit_id is not None:  # the unit's own order
            awards.append(Award(None, assignee.unit_id, points, f"order:{facts.order_id}:unit:{assignee.unit_id}", note))
    return awards


def base_points(facts: OrderFacts, rules: PointRules) -> int:
    if facts.kind == OrderKind.VISIT:
        return rules.visit_points
    base = rules.base_by_category.get(facts.category, rules.base_default)
    return base * rules.effort_percent.get(facts.triage or "", 100) // 100


def rating_percent(facts: OrderFacts, rules: PointRules) -> int:
    if facts.stars is None:
        return rules.unrated_percent
    if facts.stars <= DISPUTED_STARS:
        return rules.disputed_award_percent if facts.decision == "award" else 0
    return rules.rating_percent.get(str(facts.stars), 100)


def split(points: int, ways: int) -> list[int]:
    """Whole points shared as evenly as they go; the first shares take the remainder, so the sum is exact."""
    share, rest = divmod(points, ways)
    return [share + (1 if n < rest else 0) for n in range(ways)]
