"""HTTP routes of offers: a member's offers with why they came, accept, decline, unit accept, withdraw."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from market.access import DISPATCHERS, SERVERS, policy
from market.dependencies import AppClock, Caller, DbSession
from market.orders import offers, queries
from market.orders.schemas import (
    DeclineBody,
    OfferExplained,
    OrderDetail,
    UnitAcceptBody,
)
from market.vocab import Role


class OfferController(Controller):
    path = "/api/offers"
    tags = ["派单"]

    @get("/", opt=policy(*SERVERS), summary="我的派单（附派单理由）")
    async def list_offers(self, session: DbSession, actor: Caller, status: FromQuery[str | None] = None) -> list[OfferExplained]:
        return await queries.my_offers(session, actor, status)

    @get("/{offer_id:int}", opt=policy(*SERVERS), summary="一条派单及其理由")
    async def read_offer(self, offer_id: FromPath[int], session: DbSession, actor: Caller) -> OfferExplained:
        offer, _ = await offers.offer_for_member(session, actor, offer_id)
        [explained] = await queries.explain_offers(session, actor, [offer])
        return explained

    @post("/{offer_id:int}/accept", opt=policy(Role.MEMBER), status_code=200, summary="接单")
    async def accept(self, offer_id: FromPath[int], session: DbSession, actor: Caller, clock: AppClock) -> OrderDetail:
        order = await offers.accept_offer(session, actor, offer_id, clock.now())
        return await queries.read_order(session, actor, order.id)

    @post("/{offer_id:int}/decline", opt=policy(*SERVERS), status_code=200, summary="婉拒（附原因）")
    async def decline(self, offer_id: FromPath[int], data: DeclineBody, session: DbSession, actor: Caller,
                      clock: AppClock) -> OrderDetail:
        order = await offers.decline_offer(session, actor, offer_id, data.reason, data.note, clock.now())
        return await queries.read_order(session, actor, order.id)

    @post("/{offer_id:int}/accept-for-unit", opt=policy(Role.UNIT_ADMIN), status_code=200,
          summary="单位接单并指定服务党员")
    async def accept_for_unit(self, offer_id: FromPath[int], data: UnitAcceptBody, session: DbSession,
                              actor: Caller, clock: AppClock) -> OrderDetail:
        order = await offers.accept_for_unit(session, actor, offer_id, data.member_id, clock.now())
        return await queries.read_order(session, actor, order.id)

    @post("/{offer_id:int}/withdraw", opt=policy(*DISPATCHERS), status_code=200, summary="撤回派单")
    async def withdraw(self, offer_id: FromPath[int], session: DbSession, actor: Caller, clock: AppClock) -> OrderDetail:
        order = await offers.withdraw_offer(session, actor, offer_id, clock.now())
        return await queries.read_order(session, actor, order.id)
