"""Units (departments, businesses, social organisations) and their registration to communities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The area the unit belongs to, usually a street or a district.
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    created_at: Mapped[datetime]


class UnitCommunity(Base):
    """A unit's registration (报到) to a community it serves."""

    __tablename__ = "unit_communities"
    __table_args__ = (UniqueConstraint("unit_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    registered_at: Mapped[datetime]
