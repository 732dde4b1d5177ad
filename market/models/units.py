"""Units (departments, businesses, social organisations) and their registration to communities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base, JSONDocument


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint("round_capacity >= 0", name="round_capacity_not_negative"),
        CheckConstraint("radius_m > 0", name="radius_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The area the unit belongs to, usually a street or a district.
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    created_at: Mapped[datetime]
    # What rounds may offer the unit (its 资源清单 for dispatch). A round_capacity of 0 keeps the unit out
    # of rounds: it is then offered orders by hand only.
    categories: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    skills: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    round_capacity: Mapped[int] = mapped_column(default=0)
    radius_m: Mapped[int] = mapped_column(default=5000)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]


class UnitCommunity(Base):
    """A unit's registration (报到) to a community it serves."""

    __tablename__ = "unit_communities"
    __table_args__ = (UniqueConstraint("unit_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    registered_at: Mapped[datetime]
