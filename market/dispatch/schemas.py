"""Bodies and answers of the dispatch routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from market.orders.schemas import PersonRead

Points = Annotated[int, msgspec.Meta(ge=0)]


class WeightsBody(msgspec.Struct, forbid_unknown_fields=True):
    distance_per_100m: Points
    fairness_per_order: Points
    outside_community: Points
    unserved_per_urgency: Points
    unserved_per_waiting_hour: Points


class WeightsRead(WeightsBody, kw_only=True):
    area_id: int
    set_on_area_id: int | None  # the area whose weights apply; None: the defaults


class RoundCreate(msgspec.Struct, forbid_unknown_fields=True):
    dry_run: bool = True
    accept_within_minutes: Annotated[int, msgspec.Meta(ge=10, le=7 * 24 * 60)] = 24 * 60


class CommitBody(msgspec.Struct, forbid_unknown_fields=True):
    accept_within_minutes: Annotated[int, msgspec.Meta(ge=10, le=7 * 24 * 60)] = 24 * 60


class OverrideBody(msgspec.Struct, forbid_unknown_fields=True):
    # Name a member or a unit instead; neither takes the assignment out of the round.
    member_id: int | None = None
    unit_id: int | None = None


class UnitBrief(msgspec.Struct):
    id: int
    name: str


class AssignmentRead(msgspec.Struct):
    id: int
    order_id: int
    order_title: str
    member: PersonRead | None
    unit: UnitBrief | None
    distance_m: int
    distance: int
    outside: int
    fairness: int
    same_community: bool
    overridden: bool
    offer_id: int | None
    skipped: str | None


class UnservedRead(msgspec.Struct):
    order_id: int
    slots: int
    reason: str
    reason_name: str


class RoundRead(msgspec.Struct):
    id: int
    area_id: int
    started_by_id: int | None  # the account `system-dispatch` for the scheduler's rounds
    dry_run: bool
    status: str
    status_name: str
    solver: str
    weights: dict[str, Any]
    orders_count: int
    candidates_count: int
    pairs_count: int
    assigned_count: int
    objective: int | None
    lower_bound: int | None
    seconds: float | None
    started_at: datetime
    finished_at: datetime | None
    committed_at: datetime | None
    error: str | None
    # The saved problem and result, under the data folder: `python -m matching check` replays them.
    problem_file: str | None
    result_file: str | None


class RoundDetail(RoundRead):
    assignments: list[AssignmentRead] = []
    unserved: list[UnservedRead] = []


class RoundPage(msgspec.Struct):
    items: list[RoundRead]
    total: int
    limit: int
    offset: int
