"""六访: visit plans for key residents, and the visit (an order) made for each period a plan falls due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base


class VisitPlan(Base):
    __tablename__ = "visit_plans"
    __table_args__ = (Index(None, "active", "next_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    tag: Mapped[str] = mapped_column(String(16))  # why the resident is visited: 独居老人, 残疾家庭 …
    frequency: Mapped[str] = mapped_column(String(16))  # weekly, monthly or quarterly
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    note: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
    # The start of the period whose visit is owed next; the scheduler makes it once this has passed.
    next_due_at: Mapped[datetime]


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("plan_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("visit_plans.id"))
    period_start: Mapped[datetime] = mapped_column(index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    created_at: Mapped[datetime]
