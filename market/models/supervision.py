"""督办: a supervision notice for an order past its deadline, one per level of the area chain it reaches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base


class Supervision(Base):
    __tablename__ = "supervisions"
    __table_args__ = (
        # Each level supervises an order once, however many sweepers find it red at once.
        UniqueConstraint("order_id", "area_id"),
        Index(None, "resolved_at", "escalated_at", "grace_until"),
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
