"""What the dispatcher's pages share: their policy, the form body, and what their pickers offer.

The pickers (areas, members and units who may serve, departments) only fill the forms; the services
check every choice again when a form is sent.
"""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple

from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import DISPATCHERS, Actor, page_policy
from market.errors import Conflict, InvalidInput, NotFound
from market.models import Account, Area, MemberProfile, Unit, UnitCommunity
from market.vocab import AreaLevel, RegistrationStatus, Role, UnitKind

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
STAFF = page_policy(Role.DISPATCHER, Role.ADMIN)
# A service refusing what a form asked: shown beside the form, on the same page. Anything else (404 for an
# order outside the caller's areas) becomes the error page.
FORM_ERRORS = (InvalidInput, Conflict)


class Choice(NamedTuple):
    """One option of a picker: the value sent and the words shown."""

    value: str
    label: str


async def my_areas(session: AsyncSession, actor: Actor, *, communities_only: bool = False) -> list[Choice]:
    """The areas granted to the caller as staff and every community under them, from the top down.

    With `communities_only` (the dispatch board): the communities, and a granted grid of a grid worker.
    """
    paths = actor.area_paths(*DISPATCHERS)
    if not paths:
        return []
    under = or_(*(Area.path.startswith(path) for path in paths))
    areas = (await session.scalars(select(Area).where(under, or_(Area.level == AreaLevel.COMMUNITY,
                                                                  Area.path.in_(paths)))
                                   .order_by(Area.path))).all()
    if communities_only:
        areas = [a for a in areas if a.level in (AreaLevel.COMMUNITY, AreaLevel.GRID)]
    return [Choice(str(a.id), f"{a.name}（{AreaLevel(a.level).label}）") for a in areas]


def chosen_area(choices: list[Choice], wanted: int | None) -> int | None:
    """The area asked for if it is one of the caller's (else 404, as for any area outside them), or their first."""
    if wanted is not None and str(wanted) in {c.value for c in choices}:
        return wanted
    if wanted is not None:
        raise NotFound("区域不存在")
    return int(choices[0].value) if choices else None


async def community_path_of(session: AsyncSession, area_id: int) -> str:
    """The path of the community at or above the area (the area's own path above community level)."""
    area = await session.get(Area, area_id)
    if area is None:
        return "/-/"
    lineage = (await session.scalars(select(Area).where(Area.id.in_(area.lineage)))).all()
    community = next((a for a in lineage if a.level == AreaLevel.COMMUNITY), None)
    return community.path if community else area.path


async def servers_under(session: AsyncSession, path: str, category: str | None = None) -> list[Choice]:
    """Members who reported to a community under `path`, then units registered to one; by category if given."""
    members = (await session.execute(
        select(MemberProfile, Account.display_name).join(Account, Account.id == MemberProfile.account_id)
        .join(Area, Area.id == MemberProfile.community_id)
        .where(Area.path.startswith(path), Account.is_active.is_(True)).order_by(Account.display_name))).all()
    units = (await session.scalars(
        select(Unit).join(UnitCommunity, UnitCommunity.unit_id == Unit.id)
        .join(Area, Area.id == UnitCommunity.community_id)
        .where(Area.path.startswith(path), UnitCommunity.status == RegistrationStatus.CONFIRMED)
        .distinct().order_by(Unit.name))).all()
    choices = [Choice(f"member:{m.account_id}", f"党员 {name}（在办 {m.live_orders}/{m.capacity}）")
               for m, name in members if category is None or category in m.categories]
    choices += [Choice(f"unit:{u.id}", f"单位 {u.name}（{UnitKind(u.kind).label}）")
                for u in units if category is None or category in u.categories]
    return choices


async def departments(session: AsyncSession) -> list[Choice]:
    """The departments (职能部门) that can be summoned (吹哨)."""
    units = (await session.scalars(select(Unit).where(Unit.kind == UnitKind.DEPARTMENT).order_by(Unit.name))).all()
    return [Choice(str(u.id), u.name) for u in units]


def picked(value: str, field: str) -> tuple[int | None, int | None]:
    """A picker's value ("member:12" or "unit:3") as (member_id, unit_id)."""
    kind, _, number = value.partition(":")
    if kind not in ("member", "unit") or not number.isdigit():
        raise InvalidInput("请选择一位党员或一个单位", field=field)
    return (int(number), None) if kind == "member" else (None, int(number))


def number(raw: str | None) -> int | None:
    """A query's or form's whole number, or None when it is missing or not one."""
    return int(raw) if raw and raw.strip().isdigit() else None
