"""What the star-rating API reads and takes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from market.examples import example_body

RUN_STATUS_NAMES = {"draft": "草稿", "notice": "公示中", "final": "已定级"}
OBJECTION_STATUS_NAMES = {"open": "待处理", "upheld": "异议成立（已重算）", "dismissed": "异议不成立"}


class RunCreate(msgspec.Struct, forbid_unknown_fields=True):
    area_id: int
    period: str


class RatingRow(msgspec.Struct):
    id: int
    holder_kind: Literal["member", "unit"]
    holder_id: int
    name: str
    points: int
    taken: int
    completed: int
    on_time: int
    rated: int
    satisfied: int
    score: float  # out of 100, one decimal
    stars: int


class RunRead(msgspec.Struct):
    id: int
    area_id: int
    area_name: str
    period: str
    period_start: date
    period_end: date  # the last day in the period
    status: str
    status_name: str
    rule_version: int
    digest: str
    computed_at: datetime
    notice_ends_at: datetime | None
    finalized_at: datetime | None
    open_objections: int


class RunDetail(msgspec.Struct):
    run: RunRead
    rows: list[RatingRow]


class MyRating(msgspec.Struct):
    run: RunRead
    row: RatingRow


class ObjectionCreate(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class DecisionRequest(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class ObjectionRead(msgspec.Struct):
    id: int
    rating_id: int
    run_id: int
    name: str
    reason: str
    status: str
    status_name: str
    filed_at: datetime
    decision_note: str | None
    decided_at: datetime | None
    stars_before: int | None = None
    stars_after: int | None = None


RunCreateBody = example_body(RunCreate, {"area_id": 3, "period": "2026Q4"})
ObjectionBody = example_body(ObjectionCreate, {"reason": "11 月 3 日的服务已完成，居民评价未计入"})
DecisionBody = example_body(DecisionRequest, {"note": "核实属实，补记积分后重算"})
