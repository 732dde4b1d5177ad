"""The unit admin's page: orders offered to the unit (accept, naming the member who serves), its points, its members."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select

from market.access import page_policy
from market.dependencies import AppClock, AppDatabase, AppSettings, Caller
from market.errors import InvalidInput, MarketError
from market.members import obligation
from market.models import Account, MemberProfile, Offer, Unit
from market.orders import offers, queries
from market.pages.rendering import form_values, render
from market.points import service as points
from market.vocab import OfferStatus, Role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
UNIT_ADMIN = page_policy(Role.UNIT_ADMIN)


@get("/unit", opt=UNIT_ADMIN, include_in_schema=False)
async def unit_page(request: Request, database: AppDatabase, actor: Caller, settings: AppSettings,
                    clock: AppClock) -> Template:
    return await _page(request, database, actor, settings, clock, {}, None)


@post("/unit/offers/{offer_id:int}/accept", opt=UNIT_ADMIN, include_in_schema=False)
async def accept(request: Request, offer_id: FromPath[int], data: Form, database: AppDatabase, actor: Caller,
                 settings: AppSettings, clock: AppClock) -> Response:
    chosen = form_values(data, "member_id").get("member_id", "")
    try:
        if not chosen.isdigit():
            raise InvalidInput("请选择由哪位党员上门服务", field="member_id")
        async with database.transaction() as session:
            await offers.accept_for_unit(session, actor, offer_id, int(chosen), clock.now())
    except MarketError as error:
        return await _page(request, database, actor, settings, clock, {error.field or "form": error.message},
                           offer_id, status_code=error.status)
    return Redirect("/unit?ok=accepted")


async def _page(request: Request, database: AppDatabase, actor: Caller, settings: AppSettings, clock: AppClock,
                errors: dict[str, str], failed: int | None, status_code: int = 200) -> Template:
    year = clock.now().astimezone(settings.tz).year
    units = []
    async with database.transaction(write=False) as session:
        for unit_id in sorted(actor.unit_ids()):
            unit = await session.get(Unit, unit_id)
            members = (await session.execute(
                select(MemberProfile.account_id, Account.display_name).join(Account)
                .where(MemberProfile.work_unit_id == unit_id, MemberProfile.unit_confirmed_at.is_not(None))
                .order_by(Account.display_name))).all()
            waiting = await queries.explain_offers(session, actor, (await session.scalars(
                select(Offer).where(Offer.unit_id == unit_id, Offer.status == OfferStatus.OFFERED)
                .order_by(Offer.offered_at))).all())
            units.append({
                "unit": unit, "members": members, "offers": waiting,
                "points": await points.unit_points(session, actor, unit_id, 10, 0),
                "targets": await obligation.obligations(session, await obligation.of_unit(session, actor, unit_id),
                                                        year, settings.tz)})
    return render(request, "unit/unit.html", status_code=status_code, units=units, errors=errors, failed=failed,
                  year=year)
