"""GET /api/meta: the taxonomy, statuses, reasons and roles, each with its Chinese name."""

from __future__ import annotations

from typing import Any

from litestar import get
from sqlalchemy import select

from market.access import PUBLIC
from market.dependencies import AppSettings, DbSession
from market.models import Category, Skill
from market.vocab import (
    AreaLevel,
    DeclineReason,
    OfferStatus,
    OrderKind,
    OrderSource,
    OrderStatus,
    Role,
    RoundStatus,
    Triage,
    UnitKind,
    UnservedReason,
    VulnerableTag,
)


@get("/api/meta", opt=PUBLIC, tags=["system"], summary="分类、状态、原因等代码及中文名称")
async def meta(session: DbSession, settings: AppSettings) -> dict[str, Any]:
    categories = (await session.scalars(select(Category).where(Category.is_active).order_by(Category.sort_order))).all()
    skills = (await session.scalars(select(Skill).order_by(Skill.code))).all()
    return {
        "categories": [{"code": c.code, "name": c.name, "icon": c.icon, "description": c.description,
                        "skills": list(c.skills)} for c in categories],
        "skills": [{"code": s.code, "name": s.name} for s in skills],
        "order_statuses": OrderStatus.choices(),
        "order_kinds": OrderKind.choices(),
        "order_sources": OrderSource.choices(),
        "triage_types": Triage.choices(),
        "offer_statuses": OfferStatus.choices(),
        "decline_reasons": DeclineReason.choices(),
        "roles": Role.choices(),
        "unit_kinds": UnitKind.choices(),
        "vulnerable_tags": VulnerableTag.choices(),
        "area_levels": AreaLevel.choices(),
        "round_statuses": RoundStatus.choices(),
        "unserved_reasons": UnservedReason.choices(),
        "wish_budget_cap_yuan": settings.wish_budget_cap_yuan,
    }
