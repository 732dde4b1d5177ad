"""Star ratings (星级): a rating run per area and period, one row per member or unit, and objections."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base
from market.models.points import ONE_HOLDER


class StarRatingRun(Base):
    __tablename__ = "star_rating_runs"
    __table_args__ = (UniqueConstraint("area_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    # "2026" for a year, "2026Q4" for a quarter.
    period: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date]
    period_end: Mapped[date]
    # draft → notice (公示) → final.
    status: Mapped[str] = mapped_column(String(16))
    rule_version: Mapped[int] = mapped_column(ForeignKey("point_rule_versions.version"))
    # A hash of every row's figures: the same data computed again gives the same digest.
    digest: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    computed_at: Mapped[datetime]
    notice_ends_at: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]


class StarRating(Base):
    __tablename__ = "star_ratings"
    __table_args__ = (
        CheckConstraint(ONE_HOLDER, name="one_holder"),
        CheckConstraint("stars BETWEEN 0 AND 5", name="stars_range"),
        UniqueConstraint("run_id", "account_id"),
        UniqueConstraint("run_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("star_rating_runs.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    points: Mapped[int]
    taken: Mapped[int]
    completed: Mapped[int]
    on_time: Mapped[int]
    rated: Mapped[int]
    satisfied: Mapped[int]
    # Tenths of a point, 0–1000: integers, so the same data always gives the same score.
    score: Mapped[int]
    stars: Mapped[int]


class Objection(Base):
    """异议: the rated member or unit disputes its row during the notice; an auditor upholds or dismisses."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("star_ratings.id"), index=True)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    filed_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
