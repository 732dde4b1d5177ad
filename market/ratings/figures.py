"""A period's figures for every member and unit of an area, by SQL aggregation (one grouped query each)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from market.models import Area, LedgerEntry, MemberProfile, Offer, Order, PointAccount, Rating, Unit, UnitCommunity
from market.ratings.scoring import Figures
from market.vocab import OfferStatus, RegistrationStatus

Holder = tuple[str, int]  # ("member", account id) or ("unit", unit id)


def members_in(area_path: str) -> Select:
    return select(MemberProfile.account_id).join(Area, Area.id == MemberProfile.community_id) \
        .where(Area.path.startswith(area_path))


def units_in(area_path: str) -> Select:
    """Units of the area, and units registered (报到) to one of its communities."""
    registered = select(UnitCommunity.unit_id).join(Area, Area.id == UnitCommunity.community_id).where(
        Area.path.startswith(area_path), UnitCommunity.status == RegistrationStatus.CONFIRMED)
    own = select(Unit.id).join(Area, Area.id == Unit.area_id).where(Area.path.startswith(area_path))
    return own.union(registered)


async def area_figures(session: AsyncSession, members: Select, units: Select, start: datetime,
                       end: datetime) -> dict[Holder, Figures]:
    """Every holder the two queries name, with zeros for those who did nothing in the period."""
    found: dict[Holder, list[int]] = {("member", m): [0] * 6 for m in await session.scalars(members)}
    found |= {("unit", u): [0] * 6 for u in await session.scalars(units)}
    served_by_unit = func.coalesce(Offer.unit_id, case((MemberProfile.unit_confirmed_at.is_not(None),
                                                        MemberProfile.work_unit_id)))
    for kind, holder, subset in (("member", Offer.member_id, members), ("unit", served_by_unit, units)):
        query = _service(holder, start, end).where(holder.in_(subset.subquery().select()))
        for holder_id, *counts in (await session.execute(query)).all():
            found[(kind, holder_id)][1:] = [int(c or 0) for c in counts]
    # Points count in the period of the award they come from, whenever it was posted or reversed: an award of
    # December posted in January, or corrected after an objection, counts in December's rating.
    post, award = aliased(LedgerEntry, name="post"), aliased(LedgerEntry, name="award")
    origin = func.coalesce(LedgerEntry.resolves_id, post.resolves_id)
    points = select(PointAccount.account_id, PointAccount.unit_id, func.sum(LedgerEntry.points)) \
        .join(LedgerEntry, LedgerEntry.point_account_id == PointAccount.id) \
        .outerjoin(post, post.id == LedgerEntry.reverses_id) \
        .join(award, award.id == origin) \
        .where(LedgerEntry.kind.in_(("post", "reversal")), award.created_at >= start, award.created_at < end,
               or_(PointAccount.account_id.in_(members.subquery().select()),
                   PointAccount.unit_id.in_(units.subquery().select()))) \
        .group_by(PointAccount.account_id, PointAccount.unit_id)
    for account_id, unit_id, total in (await session.execute(points)).all():
        found[("member", account_id) if account_id is not None else ("unit", unit_id)][0] = int(total or 0)
    return {holder: Figures(*counts) for holder, counts in found.items()}


def _service(holder, start: datetime, end: datetime) -> Select:  # noqa: ANN001 - a column expression
    """Assignments accepted in the period, grouped by `holder`: taken, completed, on time, rated, satisfied."""
    done = Order.completed_at.is_not(None)
    on_time = and_(done, or_(Order.due_at.is_(None), Order.completed_at <= Order.due_at))
    return (select(holder, func.count(), func.sum(case((done, 1), else_=0)), func.sum(case((on_time, 1), else_=0)),
                   func.count(Rating.id), func.sum(case((Rating.stars >= 4, 1), else_=0)))
            .join(Order, Order.id == Offer.order_id)
            .outerjoin(Rating, Rating.order_id == Offer.order_id)
            .outerjoin(MemberProfile, MemberProfile.account_id == Offer.member_id)
            .where(Offer.status == OfferStatus.ACCEPTED, Offer.responded_at >= start, Offer.responded_at < end)
            .group_by(holder))
