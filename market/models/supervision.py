"""督办 notices for late orders, one per level of the area chain they reach, and 吹哨 summons of departments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base


class Supervision(Base):
    __tablename__ = "supervisions"
    __table_args__ = (
        # Each level supervises an order once, however many sweepers find it red at once.
        UniqueConstraint("order_id", "area_id"),
        Index(None, "resolved_at", "escalated_at", "grace_until"),
        # KPI reports read the notices of orders posted since a date: a notice is never older than its order.
        Index(None, "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # The level now answering for the order: its community, then the street, then the district.
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    level: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    # Still red by then, the order goes up to the next level.
    grace_until: Mapped[datetime]
    escalated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]


class Summons(Base):
    """吹哨报到: a dispatcher calls a department to an order; it must acknowledge quickly and report back."""

    __tablename__ = "summons"
    __table_args__ = (
        Index(None, "acknowledged_at", "ack_missed_at", "ack_due_at"),
        Index(None, "reported_at", "report_overdue_at", "report_due_at"),
        # KPI reports read the summons of orders posted since a date: a summons is never older than its order.
        Index(None, "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    summoned_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    ack_due_at: Mapped[datetime]
    report_due_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    # Set by the scheduler when the acknowledgement did not come in time: it counts against the unit.
    ack_missed_at: Mapped[datetime | None]
    reported_at: Mapped[datetime | None]
    report: Mapped[str | None] = mapped_column(Text)
    report_overdue_at: Mapped[datetime | None]
