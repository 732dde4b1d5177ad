"""Scheduled work: one row for every run of a job, and the lease that lets one scheduler run at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base, JSONDocument


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (Index(None, "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # "running", "ok", "error" or "skipped".
    outcome: Mapped[str] = mapped_column(String(16))
    counts: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    # Which scheduler process (or "manual" and the admin's id) ran it.
    runner: Mapped[str | None] = mapped_column(String(80))


class SchedulerLease(Base):
    """Held by the one active scheduler, which renews it on a heartbeat; anyone may take it once it lapses."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime]
    renewed_at: Mapped[datetime]
    acquired_at: Mapped[datetime]
