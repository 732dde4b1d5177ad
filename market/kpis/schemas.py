"""The KPI reports the API answers and other modules (the 台账 export) read, as msgspec structs."""

from __future__ import annotations

from datetime import date

import msgspec

from market.kpis.definitions import KPIS, Counts


class Kpi(msgspec.Struct):
    code: str
    name: str  # Chinese display name, from market/kpis/definitions.py
    numerator: int
    denominator: int
    # Per mille for a rate (接单率 …), the mean in `unit` to 0.1 for a duration; null when the denominator is 0.
    value: int | float | None
    unit: str


class HasKpis(msgspec.Struct):
    """A base of every report: each declares its own fields (ids first), `kpis` among them."""

    def kpi(self, code: str) -> Kpi:
        """One KPI by its code, e.g. report.kpi("completion_rate").value."""
        kpis: list[Kpi] = self.kpis  # type: ignore[attr-defined]
        return next(k for k in kpis if k.code == code)


class KpiSet(HasKpis):
    """The figures of one scope: orders counted, and every KPI in the order of `KPIS`."""

    orders: int
    kpis: list[Kpi]


class AreaKpis(HasKpis):
    """An area's figures: its whole subtree."""

    area_id: int
    name: str
    level: str
    level_name: str
    orders: int
    kpis: list[Kpi]


class AreaKpiReport(HasKpis):
    """An area's figures with the drill-down: children and direct add up to the area."""

    area_id: int
    name: str
    level: str
    level_name: str
    date_from: date
    date_to: date
    orders: int
    kpis: list[Kpi]
    # Each direct child area (a street's communities, a community's grids), with the same figures.
    children: list[AreaKpis]
    # Orders hung on the area itself rather than on a child (a community's own orders).
    direct: KpiSet


class UnitKpiReport(HasKpis):
    """A unit's figures: offers to the unit or its confirmed members, the orders they served, its summons."""

    unit_id: int
    name: str
    date_from: date
    date_to: date
    orders: int
    kpis: list[Kpi]


class MemberKpiReport(HasKpis):
    """A member's figures: offers to them and the orders they served."""

    account_id: int
    name: str
    community_id: int
    date_from: date
    date_to: date
    orders: int
    kpis: list[Kpi]


def kpis_of(counts: Counts) -> list[Kpi]:
    """Each KPI of `KPIS` from the counted figures: the numerator and denominator as counted, the value derived."""
    made = []
    for definition in KPIS:
        numerator, denominator = getattr(counts, definition.numerator), getattr(counts, definition.denominator)
        made.append(Kpi(definition.code, definition.name, numerator, denominator,
                        definition.value(numerator, denominator), definition.unit))
    return made
