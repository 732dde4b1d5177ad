"""Party members' 双报到 profiles: residence community, work unit and what they can serve."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base, JSONDocument


class MemberProfile(Base):
    __tablename__ = "member_profiles"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("radius_m > 0", name="radius_positive"),
        CheckConstraint("yearly_target >= 0", name="target_not_negative"),
        CheckConstraint("live_orders >= 0", name="live_orders_not_negative"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    work_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Set when the work unit's admin confirms the membership.
    unit_confirmed_at: Mapped[datetime | None]
    reported_at: Mapped[datetime]
    skills: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    categories: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # [[weekday 0-6, start minute, end minute], ...] in the community's local time.
    availability: Mapped[list[list[int]]] = mapped_column(JSONDocument, default=list)
    capacity: Mapped[int] = mapped_column(default=2)
    # Offers held and orders being served now; raised only by `UPDATE … WHERE live_orders < capacity`,
    # which is what keeps a member within capacity under concurrent claims.
    live_orders: Mapped[int] = mapped_column(default=0)
    # Offers the member let pass their acceptance deadline without an answer.
    lapsed_offers: Mapped[int] = mapped_column(default=0)
    radius_m: Mapped[int] = mapped_column(default=3000)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    yearly_target: Mapped[int] = mapped_column(default=12)
    # "count" (orders served) or "hours".
    yearly_target_unit: Mapped[str] = mapped_column(String(8), default="count")
