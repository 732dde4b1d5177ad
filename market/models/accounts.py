"""Accounts, their role grants on areas, and residents' profiles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base, JSONDocument


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("phone IS NOT NULL OR username IS NOT NULL", name="has_login"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Residents and members log in with their phone, staff with a user name.
    phone: Mapped[str | None] = mapped_column(String(11), unique=True)
    username: Mapped[str | None] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class RoleGrant(Base):
    """A role held on an area subtree; a unit admin's grant also names the unit."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("account_id", "role", "area_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]


class ResidentProfile(Base):
    __tablename__ = "resident_profiles"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    address: Mapped[str] = mapped_column(Text)
    # VulnerableTag codes, e.g. ["living_alone"]: they drive visit plans and dispatch priority.
    tags: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    created_at: Mapped[datetime]
