"""The service category taxonomy (生活帮扶, 维修服务 …) and the skills each implies."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base, JSONDocument


class Category(Base):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    icon: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(String(120))
    skills: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    sort_order: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)


class Skill(Base):
    __tablename__ = "skills"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
