"""Areas: the city → district → street → community → grid tree every grant and order hangs on."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import Base


class Area(Base):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    # "/1/4/17/": the ids from the root down to this area, so a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(255), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    @property
    def lineage(self) -> list[int]:
        """The ids from the root down to this area, itself included, read from its path."""
        return [int(part) for part in self.path.strip("/").split("/") if part]
