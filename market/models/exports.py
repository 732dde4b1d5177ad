"""The export log: every 台账 export, by whom, of what, and whether it showed phone numbers unmasked."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base


class ExportLog(Base):
    __tablename__ = "export_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    report: Mapped[str] = mapped_column(String(24))
    file_format: Mapped[str] = mapped_column(String(8))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    date_from: Mapped[date | None]
    date_to: Mapped[date | None]
    # Phones unmasked: allowed only to those who may reveal contacts, and only with a reason.
    revealed: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    row_count: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime]
