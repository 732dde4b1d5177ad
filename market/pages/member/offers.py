"""Offers made to the member, each with why it came to them (accept, decline with a reason), and the open board."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from market.access import Actor
from market.dependencies import AppClock, Caller, DbSession
from market.errors import InvalidInput
from market.orders import offers, queries
from market.orders.schemas import DeclineRequest, OfferExplained
from market.pages.member.actions import MEMBER, Form, attempt
from market.pages.rendering import form_values, parse_form, render
from market.pages.resident import URGENCY
from market.vocab import DeclineReason, OfferStatus

DECLINE_LABELS = {"reason": "婉拒原因", "note": "补充说明"}
BOARD_PAGE_SIZE = 20
ANSWERED_SHOWN = 20


@get("/offers", opt=MEMBER, include_in_schema=False)
async def offers_page(request: Request, session: DbSession, actor: Caller, clock: AppClock) -> Template:
    return await _offers(request, session, actor, clock.now())


@post("/offers/{offer_id:int}/accept", opt=MEMBER, include_in_schema=False)
async def accept(request: Request, offer_id: FromPath[int], session: DbSession, actor: Caller,
                 clock: AppClock) -> Response:
    now = clock.now()
    error = await attempt(session, lambda: offers.accept_offer(session, actor, offer_id, now))
    if error:
        return await _offers(request, session, actor, now, error.status, offer_id, {}, {"form": error.message})
    return Redirect("/work?ok=accepted")


@post("/offers/{offer_id:int}/decline", opt=MEMBER, include_in_schema=False)
async def decline(request: Request, offer_id: FromPath[int], data: Form, session: DbSession, actor: Caller,
                  clock: AppClock) -> Response:
    now, values = clock.now(), form_values(data, "reason", "note")
    try:
        answer: DeclineRequest = parse_form(values, DeclineRequest, DECLINE_LABELS)
    except InvalidInput as error:
        message = "请选择婉拒的原因" if error.field == "reason" else error.message
        return await _offers(request, session, actor, now, 400, offer_id, values, {error.field or "form": message})
    error = await attempt(session, lambda: offers.decline_offer(session, actor, offer_id, answer.reason, answer.note,
                                                                now))
    if error:
        return await _offers(request, session, actor, now, error.status, offer_id, values, {"form": error.message})
    return Redirect("/offers?ok=declined")


@get("/board", opt=MEMBER, include_in_schema=False)
async def board_page(request: Request, session: DbSession, actor: Caller, page: FromQuery[int] = 1) -> Template:
    return await _board(request, session, actor, max(page, 1))


@post("/board/{order_id:int}/claim", opt=MEMBER, include_in_schema=False)
async def claim(request: Request, order_id: FromPath[int], session: DbSession, actor: Caller,
                clock: AppClock) -> Response:
    now = clock.now()
    error = await attempt(session, lambda: offers.claim_order(session, actor, order_id, now))
    if error:
        return await _board(request, session, actor, 1, error.status, {"form": error.message})
    return Redirect("/work?ok=claimed")


async def _offers(request: Request, session: DbSession, actor: Actor, now: datetime, status_code: int = 200,
                  failed: int | None = None, values: dict[str, str] | None = None,
                  errors: dict[str, str] | None = None) -> Template:
    """The member's own offers (not their unit's, which its admin answers): waiting ones first, then answered."""
    mine = [o for o in await queries.my_offers(session, actor, None) if _to_member(o, actor.account_id)]
    waiting = [o for o in mine if o.status == OfferStatus.OFFERED]
    answered = [o for o in mine if o.status != OfferStatus.OFFERED][:ANSWERED_SHOWN]
    return render(request, "member/offers.html", status_code=status_code, waiting=waiting, answered=answered,
                  why={o.offer_id: why_me(o.why) for o in waiting}, now=now, reasons=DeclineReason.choices(),
                  urgency=dict(URGENCY), failed=failed, values=values or {}, errors=errors or {})


async def _board(request: Request, session: DbSession, actor: Actor, page: int, status_code: int = 200,
                 errors: dict[str, str] | None = None) -> Template:
    found = await queries.board(session, actor, BOARD_PAGE_SIZE, (page - 1) * BOARD_PAGE_SIZE)
    return render(request, "member/board.html", status_code=status_code, orders=found.items, total=found.total,
                  page=page, pages=max(1, -(-found.total // BOARD_PAGE_SIZE)), urgency=dict(URGENCY),
                  errors=errors or {})


def _to_member(offer: OfferExplained, member_id: int) -> bool:
    return any(a.offer_id == offer.offer_id and a.member and a.member.id == member_id for a in offer.order.assignees)


def why_me(why: dict[str, Any] | None) -> list[str]:
    """The reasons an offer came to this member, in words, from the terms the dispatch round recorded."""
    if not why:
        return ["社区工作者直接指派给您"]
    reasons = ["社区工作者调整派单时选中了您"] if why.get("by_hand") else ["您的技能、服务类别和空闲时间都符合"]
    if (metres := why.get("distance_m")) is not None:
        reasons.append(f"离您约 {distance(int(metres))}")
    reasons.append("是您报到社区的订单" if why.get("same_community") else "在您的服务范围内（邻近社区）")
    reasons.append("您本月接单还不多，优先派给您" if not why.get("fairness_cost")
                   else "按本月各人接单量均衡分配，接单少的优先")
    return reasons


def distance(metres: int) -> str:
    return f"{metres} 米" if metres < 1000 else f"{metres / 1000:.1f} 公里"
