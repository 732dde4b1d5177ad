"""Bodies of 双报到 and member profiles; no contact data ever leaves in a member list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from market.examples import example_body

Weekly = Annotated[list[Annotated[list[int], msgspec.Meta(min_length=3, max_length=3)]],
                   msgspec.Meta(max_length=50, description="[[星期 0-6, 开始分钟, 结束分钟], …]，当地时间")]


class MemberProfileUpdate(msgspec.Struct, forbid_unknown_fields=True):
    skills: list[str] = []
    categories: Annotated[list[str], msgspec.Meta(min_length=1)] = msgspec.field(default_factory=lambda: ["daily_help"])
    availability: Weekly = []
    capacity: Annotated[int, msgspec.Meta(ge=0, le=20)] = 2
    radius_m: Annotated[int, msgspec.Meta(ge=100, le=50_000)] = 3000
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None
    # The yearly 双报到 target: at least one order (or hour) a year.
    yearly_target: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 12
    yearly_target_unit: Literal["count", "hours"] = "count"


class MemberReport(MemberProfileUpdate, kw_only=True):
    """双报到: the residence community and the work unit (confirmed later by the unit's admin)."""

    community_id: int
    work_unit_id: int | None = None


class MemberRead(msgspec.Struct):
    account_id: int
    display_name: str
    community_id: int
    work_unit_id: int | None
    work_unit_name: str | None
    unit_confirmed: bool
    skills: list[str]
    categories: list[str]
    availability: list[list[int]]
    capacity: int
    live_orders: int
    radius_m: int
    yearly_target: int
    yearly_target_unit: str
    reported_at: datetime


MemberReportBody = example_body(MemberReport, {'community_id': 3, 'work_unit_id': 7, 'skills': ['electrician'], 'categories': ['repair', 'daily_help'], 'availability': [[5, 540, 1020]], 'capacity': 2, 'radius_m': 3000, 'yearly_target': 12})
MemberProfileBody = example_body(MemberProfileUpdate, {'skills': ['electrician'], 'categories': ['repair'], 'availability': [[6, 540, 720]], 'capacity': 3, 'radius_m': 5000, 'yearly_target': 12})
