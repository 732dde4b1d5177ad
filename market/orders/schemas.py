"""Request and response bodies of orders, offers and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from market.examples import example_body

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=80, examples=["厨房灯不亮了"])]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=1000)]
Urgency = Annotated[int, msgspec.Meta(ge=1, le=5, description="1 不急 … 5 紧急")]
Headcount = Annotated[int, msgspec.Meta(ge=1, le=20)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class OrderCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A resident's wish (微心愿) or service need; place defaults to the resident's home."""

    kind: Literal["wish", "service"]
    category: Annotated[str, msgspec.Meta(examples=["repair"])]
    title: Title
    description: Text
    urgency: Urgency = 2
    headcount: Headcount = 1
    skills: list[str] = []
    grid_id: int | None = None
    address: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    budget_yuan: Annotated[int, msgspec.Meta(ge=0)] | None = None


class ProblemCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A problem (诉求) a dispatcher records from a patrol, a call or the hotline."""

    source: Literal["grid_patrol", "phone", "hotline"]
    category: str
    title: Title
    description: Text
    grid_id: int
    address: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    requester_id: int | None = None
    urgency: Urgency = 2
    headcount: Headcount = 1
    skills: list[str] = []
    window_start: datetime | None = None
    window_end: datetime | None = None


class ApproveRequest(msgspec.Struct, forbid_unknown_fields=True):
    triage: Literal["general", "coordinate", "emergency", "approval"]
    claimable: bool = False
    note: Note = ""


class ReasonRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class NoteRequest(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class OfferCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Offer one slot of an order by hand, to a member or to a unit."""

    member_id: int | None = None
    unit_id: int | None = None
    accept_within_minutes: Annotated[int, msgspec.Meta(ge=5, le=7 * 24 * 60)] | None = None


class DeclineRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Literal["busy", "too_far", "no_skill", "time_conflict", "other"]
    note: Note = ""


class UnitAcceptRequest(msgspec.Struct, forbid_unknown_fields=True):
    member_id: int


class CloseRequest(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    # Required when closing a disputed order (≤ 2★): whether its service still earns points.
    award_points: bool | None = None


class RateRequest(msgspec.Struct, forbid_unknown_fields=True):
    stars: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Annotated[str, msgspec.Meta(max_length=500)] = ""


class RevealRequest(msgspec.Struct, forbid_unknown_fields=True):
    field: Literal["phone", "address"]
    reason: Reason


class PersonRead(msgspec.Struct):
    id: int
    display_name: str
    phone: str | None = None


class AssigneeRead(msgspec.Struct):
    offer_id: int
    slot: int
    status: str
    status_name: str
    member: PersonRead | None
    unit_id: int | None
    unit_name: str | None
    accept_due_at: datetime | None


class EventRead(msgspec.Struct):
    action: str
    from_status: str | None
    to_status: str
    to_status_name: str
    actor_name: str | None
    note: str
    at: datetime


class OrderRead(msgspec.Struct):
    id: int
    kind: str
    kind_name: str
    source: str
    category: str
    category_name: str
    title: str
    description: str
    skills: list[str]
    headcount: int
    urgency: int
    triage: str | None
    status: str
    status_name: str
    area_id: int
    address: str
    window_start: datetime | None
    window_end: datetime | None
    budget_yuan: int | None
    claimable: bool
    requester: PersonRead | None
    assignees: list[AssigneeRead]
    accept_due_at: datetime | None
    due_at: datetime | None
    sla_level: str  # green, yellow or red (红黄绿), set by the scheduler's SLA watch
    sla_level_name: str
    created_at: datetime
    updated_at: datetime
    version: int


class OrderDetail(OrderRead, kw_only=True):
    events: list[EventRead]
    photo_ids: list[int]
    rating: int | None = None
    rating_comment: str | None = None


class OrderPage(msgspec.Struct):
    items: list[OrderRead]
    total: int
    limit: int
    offset: int


class RevealRead(msgspec.Struct):
    field: str
    value: str


class OfferExplained(msgspec.Struct):
    """An offer as its member sees it: the order (masked) and why it came to them."""

    offer_id: int
    status: str
    status_name: str
    accept_due_at: datetime | None
    why: dict[str, int] | None
    order: OrderRead


OrderCreateBody = example_body(OrderCreate, {'kind': 'wish', 'category': 'goods_wish', 'title': '想要一个新书包', 'description': '孩子的书包破了', 'urgency': 2, 'budget_yuan': 120})
ProblemCreateBody = example_body(ProblemCreate, {'source': 'grid_patrol', 'category': 'sanitation', 'title': '楼道堆物', 'description': '3单元楼道堆满纸箱，影响通行', 'grid_id': 5, 'address': '和平路12号3幢', 'urgency': 3})
ApproveBody = example_body(ApproveRequest, {'triage': 'general', 'claimable': True, 'note': '审核通过'})
ReasonBody = example_body(ReasonRequest, {'reason': '不属于社区服务范围，请拨打12345'})
NoteBody = example_body(NoteRequest, {'note': '已到现场，正在处理'})
OfferCreateBody = example_body(OfferCreate, {'member_id': 42, 'accept_within_minutes': 120})
DeclineBody = example_body(DeclineRequest, {'reason': 'time_conflict', 'note': '周末加班'})
UnitAcceptBody = example_body(UnitAcceptRequest, {'member_id': 42})
CloseBody = example_body(CloseRequest, {'note': '已核实，销号', 'award_points': True})
RateBody = example_body(RateRequest, {'stars': 5, 'comment': '非常感谢，服务很贴心'})
RevealBody = example_body(RevealRequest, {'field': 'phone', 'reason': '电话回访核实'})
