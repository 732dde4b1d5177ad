"""What the auditor's (组织部门) and admin's pages share: their policies, the form body, the area picker, filters.

The pickers only fill the forms; every choice is checked again by the service the page calls.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar.datastructures import MultiDict
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor, page_policy
from market.errors import Conflict, InvalidInput
from market.models import Area
from market.vocab import AreaLevel, Role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
AUDITORS = (Role.AUDITOR, Role.ADMIN)
AUDIT = page_policy(*AUDITORS)
ADMIN = page_policy(Role.ADMIN)
# A service refusing what a form asked: shown beside the form, on the same page; anything else is the error page.
FORM_ERRORS = (InvalidInput, Conflict)
# Areas a picker offers: down to communities (a grid is reached by drilling down, or granted on its own).
PICKED_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


async def areas_of(session: AsyncSession, actor: Actor, *roles: Role,
                   levels: tuple[AreaLevel, ...] = PICKED_LEVELS) -> list[tuple[str, str]]:
    """(id, name with its level) of each area granted to the caller for `roles` and the areas of `levels` under it,
    top down, indented by depth."""
    paths = actor.area_paths(*(roles or AUDITORS))
    if not paths:
        return []
    areas = (await session.scalars(select(Area).where(
        or_(*(Area.path.startswith(path) for path in paths)),
        or_(Area.level.in_(levels), Area.path.in_(paths))).order_by(Area.path))).all()
    top = min(len(a.lineage) for a in areas) if areas else 0
    return [(str(a.id), "　" * (len(a.lineage) - top) + f"{a.name}（{AreaLevel(a.level).label}）") for a in areas]


def whole(raw: str | None) -> int | None:
    """A query's or form's whole number, or None when it is missing or not one."""
    return int(raw) if raw and raw.strip().isdigit() else None


def day_of(values: dict[str, str], name: str, label: str, errors: dict[str, str]) -> date | None:
    """A yyyy-mm-dd field as a date; a bad one is noted in `errors` under its name, in Chinese."""
    raw = values.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"{label}格式应为 2026-11-01（年-月-日）"
        return None


def query_values(params: MultiDict | dict[str, str], *names: str) -> dict[str, str]:
    """The named query parameters, stripped; missing ones as empty strings."""
    return {name: str(params.get(name) or "").strip() for name in names}


def keep(values: dict[str, str], **more: object) -> str:
    """A query string of the non-empty values (and `more`), to come back to the same view."""
    pairs = {**{k: v for k, v in values.items() if v}, **{k: str(v) for k, v in more.items() if v not in (None, "")}}
    return urlencode(pairs)
