"""The points ledger (积分): versioned rules, holders with their chain heads, and append-only entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base, JSONDocument

ONE_HOLDER = "(account_id IS NOT NULL AND unit_id IS NULL) OR (account_id IS NULL AND unit_id IS NOT NULL)"


class PointRuleVersion(Base):
    """One version of the point rules; a change is a new version, never an edit."""

    __tablename__ = "point_rule_versions"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rules: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]


class PointAccount(Base):
    """A member or a unit that holds points: running totals and the head of its entries' hash chain."""

    __tablename__ = "point_accounts"
    __table_args__ = (CheckConstraint(ONE_HOLDER, name="one_holder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), unique=True)
    # The member's community or the unit's own area: where auditors find the holder.
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    # Posted points, and points awaiting audit; both are sums of entries that `market ledger verify` rechecks.
    balance: Mapped[int] = mapped_column(default=0)
    pending: Mapped[int] = mapped_column(default=0)
    entry_count: Mapped[int] = mapped_column(default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class LedgerEntry(Base):
    """An entry is never changed or deleted (database triggers refuse it); a mistake is reversed by another.

    Awards and penalties start pending; a `post` or `void` entry resolves one (once: `resolves_id` is
    unique); a `reversal` takes back one posted entry (once). The balance is the sum of posts and reversals.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("point_account_id", "seq"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint("kind IN ('award', 'penalty', 'post', 'void', 'reversal')", name="kind_known"),
        CheckConstraint("kind != 'award' OR (points > 0 AND source_event_id IS NOT NULL)", name="award_sourced"),
        CheckConstraint("kind != 'penalty' OR (points < 0 AND offer_id IS NOT NULL)", name="penalty_sourced"),
        CheckConstraint("kind NOT IN ('post', 'void') OR resolves_id IS NOT NULL", name="resolution_names_entry"),
        CheckConstraint("kind != 'reversal' OR reverses_id IS NOT NULL", name="reversal_names_entry"),
        Index(None, "kind", "area_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_account_id: Mapped[int] = mapped_column(ForeignKey("point_accounts.id"))
    # The entry's place in its holder's chain, from 1: unique, so two writers cannot fork a chain.
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    # Whole points, positive or negative; never a float.
    points: Mapped[int]
    # What the entry is for, e.g. "order:42:member:7": unique, so an award is written once however often asked.
    source_key: Mapped[str] = mapped_column(String(120), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    source_event_id: Mapped[int | None] = mapped_column(ForeignKey("order_events.id"))
    resolves_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    rule_version: Mapped[int] = mapped_column(ForeignKey("point_rule_versions.version"))
    # Over the holder's daily cap: only an auditor's own look (not a bulk approval) may post it.
    needs_review: Mapped[bool] = mapped_column(default=False)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
