"""What the points API reads and takes: entries with their audit status, holders' balances, audit actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from market.examples import example_body

EntryStatus = Literal["pending", "posted", "voided", "reversed", "recorded"]
KIND_NAMES = {"award": "服务积分", "penalty": "超时扣分", "post": "审核入账", "void": "审核作废", "reversal": "冲正"}
STATUS_NAMES = {"pending": "待审核", "posted": "已入账", "voided": "已作废", "reversed": "已冲正", "recorded": "已记账"}


class HolderRead(msgspec.Struct):
    point_account_id: int | None  # None until the first entry
    kind: Literal["member", "unit"]
    id: int
    name: str
    area_id: int
    balance: int
    pending: int
    entry_count: int


class EntryRead(msgspec.Struct):
    id: int
    holder: str
    point_account_id: int
    seq: int
    kind: str
    kind_name: str
    points: int
    status: EntryStatus
    status_name: str
    needs_review: bool
    order_id: int | None
    order_title: str | None
    source_key: str
    rule_version: int
    note: str
    created_at: datetime
    resolved_at: datetime | None
    entry_hash: str


class EntryPage(msgspec.Struct):
    items: list[EntryRead]
    total: int
    limit: int
    offset: int


class HolderPoints(msgspec.Struct):
    holder: HolderRead
    entries: EntryPage


class HolderPage(msgspec.Struct):
    items: list[HolderRead]
    total: int
    limit: int
    offset: int


class EntryFilter(msgspec.Struct, forbid_unknown_fields=True):
    """Which entries an auditor means; every field narrows, none widens beyond their own areas."""

    area_id: int | None = None
    status: EntryStatus | None = None
    kind: Literal["award", "penalty"] | None = None
    needs_review: bool | None = None
    member_id: int | None = None
    unit_id: int | None = None
    order_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    max_points: int | None = None


class AuditNote(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class VoidRequest(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ReverseRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class BulkApprove(msgspec.Struct, forbid_unknown_fields=True):
    """Post every pending entry the filter finds, except those over a daily cap (they need a look each)."""

    area_id: int
    kind: Literal["award", "penalty"] | None = None
    date_from: date | None = None
    date_to: date | None = None
    max_points: Annotated[int, msgspec.Meta(ge=1)] | None = None
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class BulkResult(msgspec.Struct):
    posted: int
    left_for_review: int
    more: bool  # the call posted its limit; call again for the rest


AuditNoteBody = example_body(AuditNote, {"note": "已核实"}, optional=True)
VoidBody = example_body(VoidRequest, {"note": "重复登记，作废"})
ReverseBody = example_body(ReverseRequest, {"reason": "居民反映并未上门，经核实冲正"})
BulkApproveBody = example_body(BulkApprove, {"area_id": 3, "kind": "award", "date_to": "2026-11-30"})
