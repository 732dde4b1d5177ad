"""What each KPI is: its code, Chinese name, unit, and which counted figures are its numerator and denominator.

The one place the KPIs are named: the API's labels and the 台账 export's headers both read `KPIS`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

PER_MILLE = "‰"
MINUTES = "分钟"
HOURS = "小时"
# Seconds in one of a mean's units; a rate has no entry (its value is per mille).
SECONDS_PER = {MINUTES: 60, HOURS: 3600}


@dataclass
class Counts:
    """The integers one scope (an area, a child area, a unit, a member) adds up to; every KPI is a pair of them."""

    orders: int = 0  # orders posted in the range (for a unit or a member: the ones they served)
    approved: int = 0  # of those, approved (审核通过: they have a triage)
    completed: int = 0  # reported done (办结) at least once
    completed_on_time: int = 0  # done by the order's due_at
    completion_seconds: int = 0  # from posting to done, summed over the completed
    rated: int = 0
    satisfied: int = 0  # rated 4★ or 5★
    praised: int = 0  # rated 5★
    offers_answered: int = 0  # dispatched offers accepted, declined or let lapse
    offers_accepted: int = 0
    accepted_in_time: int = 0  # accepted by the order's acceptance deadline (accept_due_at, from its SLA)
    response_seconds: int = 0  # from the offer to its acceptance, summed over the accepted
    visits_due: int = 0  # 六访 visits whose period starts in the range
    visits_done: int = 0
    supervised: int = 0  # orders under 督办 (it starts at the order's community)
    escalated: int = 0  # of those, escalated above the community (to the street, and maybe the district)
    summons: int = 0  # 吹哨 summons of departments
    summons_on_time: int = 0  # acknowledged (报到) by ack_due_at

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class KpiDefinition:
    code: str
    name: str
    unit: str  # ‰ for a rate; 分钟 or 小时 for a mean
    numerator: str  # a field of Counts
    denominator: str  # a field of Counts
    numerator_name: str
    denominator_name: str

    def value(self, numerator: int, denominator: int) -> int | float | None:
        """Per mille (an integer, halves rounded up) for a rate, the mean in its unit to 0.1 for a duration;
        None when there is nothing to divide by."""
        if denominator == 0:
            return None
        if self.unit == PER_MILLE:
            return (numerator * 2000 + denominator) // (2 * denominator)
        return round(numerator / denominator / SECONDS_PER[self.unit], 1)


KPIS: tuple[KpiDefinition, ...] = (
    KpiDefinition("accept_rate", "接单率", PER_MILLE, "offers_accepted", "offers_answered",
                  "接单数", "派单数（已接单、已拒绝或已超时）"),
    KpiDefinition("timely_accept_rate", "及时接单率", PER_MILLE, "accepted_in_time", "offers_accepted",
                  "在订单接单时限内接单数", "接单数"),
    KpiDefinition("completion_rate", "办结率", PER_MILLE, "completed", "approved", "办结数", "审核通过的订单数"),
    KpiDefinition("on_time_completion_rate", "按时办结率", PER_MILLE, "completed_on_time", "completed",
                  "在办结时限内办结数", "办结数"),
    KpiDefinition("satisfaction_rate", "满意率", PER_MILLE, "satisfied", "rated", "4星及以上评价数", "评价数"),
    KpiDefinition("praise_rate", "好评率", PER_MILLE, "praised", "rated", "5星评价数", "评价数"),
    KpiDefinition("avg_response_minutes", "平均响应时长", MINUTES, "response_seconds", "offers_accepted",
                  "派单至接单总秒数", "接单数"),
    KpiDefinition("avg_completion_hours", "平均办结时长", HOURS, "completion_seconds", "completed",
                  "下单至办结总秒数", "办结数"),
    KpiDefinition("visit_coverage", "走访覆盖率", PER_MILLE, "visits_done", "visits_due", "已走访数", "应走访数"),
    KpiDefinition("escalation_rate", "督办上报率", PER_MILLE, "escalated", "supervised",
                  "上报至街道及以上的督办订单数", "督办订单数"),
    KpiDefinition("summons_on_time_rate", "吹哨及时报到率", PER_MILLE, "summons_on_time", "summons",
                  "按时报到数", "吹哨数"),
)
KPI_NAMES: dict[str, str] = {kpi.code: kpi.name for kpi in KPIS}
