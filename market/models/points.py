"""The points ledger (积分): append-only entries, each naming the event it comes from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(
            "(account_id IS NOT NULL AND unit_id IS NULL) OR (account_id IS NULL AND unit_id IS NOT NULL)",
            name="one_holder",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Whole points, positive or negative; never a float.
    points: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    # What earned or cost the points, e.g. "order:42:complete:member:7"; an award is unique on it.
    source_key: Mapped[str] = mapped_column(String(120), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    rule_version: Mapped[int]
    # A correction reverses exactly one earlier entry, and an entry can be reversed once.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
