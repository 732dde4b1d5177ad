"""SLA policy: the acceptance and completion time allowed for each kind of order and triage type."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base


class SlaPolicy(Base):
    __tablename__ = "sla_policies"
    __table_args__ = (
        CheckConstraint("accept_minutes > 0", name="accept_positive"),
        CheckConstraint("complete_minutes > accept_minutes", name="complete_after_accept"),
    )

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    triage: Mapped[str] = mapped_column(String(16), primary_key=True)
    accept_minutes: Mapped[int]
    complete_minutes: Mapped[int]
