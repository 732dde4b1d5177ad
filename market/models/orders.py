"""Orders, the offers that assign their slots, their event history and residents' ratings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base, JSONDocument

LIVE_OFFER = text("status IN ('offered', 'accepted')")
COMPLETED = text("status = 'completed'")
FLAGGED = text("sla_level != 'green'")
UNSETTLED = text("status = 'closed' AND points_settled_at IS NULL")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("headcount >= 1", name="headcount_positive"),
        CheckConstraint("urgency BETWEEN 1 AND 5", name="urgency_range"),
        CheckConstraint("budget_fen IS NULL OR budget_fen >= 0", name="budget_not_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(None, "status", "area_id"),
        Index(None, "status", "accept_due_at"),
        Index(None, "status", "due_at"),
        # Partial, and keyed without status: an order changing status elsewhere leaves them alone.
        Index("ix_orders_completed_at", "completed_at", sqlite_where=COMPLETED, postgresql_where=COMPLETED),
        Index("ix_orders_flagged", "sla_level", sqlite_where=FLAGGED, postgresql_where=FLAGGED),
        Index("ix_orders_unsettled", "id", sqlite_where=UNSETTLED, postgresql_where=UNSETTLED),
        Index("uq_orders_idempotency", "created_by_id", "idempotency_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    skills: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    headcount: Mapped[int] = mapped_column(default=1)
    urgency: Mapped[int] = mapped_column(default=1)
    triage: Mapped[str | None] = mapped_column(String(16))
    # The grid (or community) where the order is to be served.
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    address: Mapped[str] = mapped_column(Text)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    # A wish's budget in fen (0.01 yuan): money is never a float.
    budget_fen: Mapped[int | None]
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    claimable: Mapped[bool] = mapped_column(default=False)
    # The client's Idempotency-Key: a retried post finds the order it already made.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    # Bumped by every state change; a change names the version it read (optimistic concurrency).
    version: Mapped[int] = mapped_column(default=1)
    accept_due_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    # 红黄绿: red past the completion deadline, yellow when acceptance or progress is late, else green.
    sla_level: Mapped[str] = mapped_column(String(8), default="green")
    # When the work began (the first start); with completed_at it gives the hours a member served.
    started_at: Mapped[datetime | None]
    # When the work was reported done; a resident silent for long enough after it sees the order closed.
    completed_at: Mapped[datetime | None]
    # Closing a disputed order (≤ 2★), the dispatcher decides whether its points are still awarded.
    points_decision: Mapped[str | None] = mapped_column(String(8))
    # When the settlement job wrote the order's awards; closed orders without it are still to settle.
    points_settled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]


class Offer(Base):
    """One slot of an order offered to a member or a unit; it is the assignment once accepted."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("slot >= 1", name="slot_positive"),
        CheckConstraint("member_id IS NOT NULL OR unit_id IS NOT NULL", name="has_assignee"),
        # At most one live offer per slot, and one live offer per member on an order.
        Index("uq_offers_live_slot", "order_id", "slot", unique=True,
              sqlite_where=LIVE_OFFER, postgresql_where=LIVE_OFFER),
        Index("uq_offers_live_member", "order_id", "member_id", unique=True,
              sqlite_where=LIVE_OFFER, postgresql_where=LIVE_OFFER),
        Index(None, "status", "accept_due_at"),
        # Every look at an order's offers goes by it (the partial indexes above only serve their own checks).
        Index(None, "order_id", "status"),
        # KPI reports of recent dates read only recent offers: an offer is never older than its order.
        Index(None, "offered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    slot: Mapped[int]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    match_run_id: Mapped[int | None] = mapped_column(ForeignKey("match_runs.id"), index=True)
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=1)
    accept_due_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(String(16))
    # The matching score terms that explain why this offer went to this assignee.
    explanation: Mapped[dict[str, int] | None] = mapped_column(JSONDocument)
    offered_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]


class OrderEvent(Base):
    """Append-only history: one row for every transition of an order."""

    __tablename__ = "order_events"
    __table_args__ = (Index(None, "order_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        # KPI reports of recent dates read only recent ratings: a rating is never older than its order.
        Index(None, "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    stars: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class OrderPhoto(Base):
    """An evidence photo, stored on disk under the data folder; the row says where and whose."""

    __tablename__ = "order_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("order_events.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    # Relative to the data folder; the name is random so it reveals nothing.
    path: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int]
    created_at: Mapped[datetime]
