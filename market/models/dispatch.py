"""Match runs: one optimised dispatch round of an area, with what it was given and what it found."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text
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
