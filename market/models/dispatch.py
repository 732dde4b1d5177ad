"""Dispatch rounds: each run of the optimiser for an area, what it proposed, and the weights areas set."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base, JSONDocument


class MatchRun(Base):
    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    dry_run: Mapped[bool]
    status: Mapped[str] = mapped_column(String(16))
    solver: Mapped[str] = mapped_column(String(16))
    weights: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    orders_count: Mapped[int] = mapped_column(default=0)
    candidates_count: Mapped[int] = mapped_column(default=0)
    pairs_count: Mapped[int] = mapped_column(default=0)
    assigned_count: Mapped[int] = mapped_column(default=0)
    objective: Mapped[int | None] = mapped_column(BigInteger)
    lower_bound: Mapped[int | None] = mapped_column(BigInteger)
    seconds: Mapped[float | None]
    # Saved problem and result files (relative to the data folder) so a round can be replayed.
    problem_path: Mapped[str | None] = mapped_column(String(255))
    result_path: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # Orders the round left unserved: [{"order_id", "slots", "reason"}].
    unserved: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)
    committed_at: Mapped[datetime | None]


class MatchAssignment(Base):
    """One proposed (order, member or unit) pair of a round, with its cost terms; an offer once committed."""

    __tablename__ = "match_assignments"
    __table_args__ = (
        UniqueConstraint("run_id", "order_id", "member_id"),
        UniqueConstraint("run_id", "order_id", "unit_id"),
        CheckConstraint("(member_id IS NULL) <> (unit_id IS NULL)", name="member_or_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    distance_m: Mapped[int]
    distance: Mapped[int]
    outside: Mapped[int]
    fairness: Mapped[int]
    same_community: Mapped[bool]
    # Set when a dispatcher replaced the optimiser's choice by hand.
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    # Why committing wrote no offer (the order moved on, the member filled up …), as an error message.
    skipped: Mapped[str | None] = mapped_column(String(120))


class DispatchWeights(Base):
    """An area's own weights for rounds; areas without them use their nearest ancestor's, else the defaults."""

    __tablename__ = "dispatch_weights"
    __table_args__ = tuple(CheckConstraint(f"{name} >= 0", name=f"{name}_not_negative") for name in (
        "distance_per_100m", "fairness_per_order", "outside_community", "unserved_per_urgency",
        "unserved_per_waiting_hour"))

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)
    distance_per_100m: Mapped[int]
    fairness_per_order: Mapped[int]
    outside_community: Mapped[int]
    unserved_per_urgency: Mapped[int]
    unserved_per_waiting_hour: Mapped[int]
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    updated_at: Mapped[datetime]
