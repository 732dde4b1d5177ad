"""HTTP routes of orders: post, read, review, dispatch by hand, claim, serve, rate, close, reveal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import (
    FromPath,
    FromQuery,
    HeaderParameter,
    QueryParameter,
)
from litestar.response import File

from market.access import DISPATCHERS, EVERYONE, SERVERS, Actor, policy
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.examples import example_body
from market.orders import offers, posting, queries, reveal, review, work
from market.orders.intake import Intake
from market.orders.queries import OrderFilter
from market.orders.schemas import (
    ApproveBody,
    CloseBody,
    NoteBody,
    OfferCreateBody,
    OrderCreateBody,
    OrderDetail,
    OrderPage,
    ProblemCreateBody,
    RateBody,
    ReasonBody,
    RevealBody,
    RevealRead,
)
from market.vocab import Role

PHOTO_UPLOAD_LIMIT = 25 * 1024 * 1024
IdempotencyKey = Annotated[str | None, HeaderParameter(name="Idempotency-Key", required=False,
                                                 description="重试同一请求时带上相同的值，只会生成一个订单")]
Limit = Annotated[int, QueryParameter(ge=1, le=100)]
Offset = Annotated[int, QueryParameter(ge=0)]
Sort = Literal["created_at", "-created_at", "due_at", "-due_at", "urgency", "-urgency", "id", "-id"]


@dataclass
class CompleteForm:
    note: str
    photos: list[UploadFile] = field(default_factory=list)


CompleteBody = example_body(CompleteForm, {"note": "已更换开关，灯已修好"}, "办结说明（照片为可选文件）",
                            RequestEncodingType.MULTI_PART)


class OrderController(Controller):
    path = "/api/orders"
    tags = ["订单"]

    @post("/", opt=policy(Role.RESIDENT), summary="居民点单（微心愿/服务需求）；重试时返回首次生成的订单")
    async def post_order(self, data: OrderCreateBody, request: Request,
                         idempotency_key: IdempotencyKey = None) -> OrderDetail:
        # The busiest route reads its two providers off the request: two dependencies cost it a task group.
        intake: Intake = request.app.state.intake
        actor: Actor = request.state.actor
        answer = await intake.submit(actor.account_id, data, idempotency_key)
        if answer.detail is not None:
            return answer.detail
        async with intake.database.transaction(write=False) as session:
            return await queries.read_order(session, actor, answer.order_id)

    @post("/check", opt=policy(Role.RESIDENT), status_code=200, summary="检查订单草稿（不保存，不查数据库）")
    async def check_draft(self, data: OrderCreateBody, settings: AppSettings, clock: AppClock) -> dict[str, bool]:
        posting.check_draft(data, settings.wish_budget_cap_yuan)
        posting.check_window_ahead(data, clock.now())
        return {"ok": True}

    @post("/problems", opt=policy(*DISPATCHERS), summary="登记诉求（网格巡查、电话、12345）；重试时返回首次生成的订单")
    async def post_problem(self, data: ProblemCreateBody, session: DbSession, actor: Caller, clock: AppClock,
                           idempotency_key: IdempotencyKey = None) -> OrderDetail:
        order, _ = await posting.post_problem(session, actor, data, idempotency_key, clock.now())
        return await queries.read_order(session, actor, order.id)

    @get("/", opt=policy(*EVERYONE), summary="订单列表（按身份可见范围）")
    async def list_orders(self, session: DbSession, actor: Caller, settings: AppSettings,
                          status: FromQuery[list[str] | None] = None, kind: FromQuery[str | None] = None,
                          category: FromQuery[str | None] = None, area_id: FromQuery[int | None] = None,
                          assignee_id: FromQuery[int | None] = None,
                          sla_level: FromQuery[Literal["green", "yellow", "red"] | None] = None,
                          created_from: FromQuery[date | None] = None,
                          created_to: FromQuery[date | None] = None, sort: FromQuery[Sort] = "-created_at",
                          limit: Limit = 20, offset: Offset = 0) -> OrderPage:
        wanted = OrderFilter(status=status or [], kind=kind, category=category, area_id=area_id,
                             assignee_id=assignee_id, sla_level=sla_level, created_from=created_from,
                             created_to=created_to, sort=sort,
                             limit=limit, offset=offset)
        return await queries.list_orders(session, actor, wanted, settings.tz)

    @get("/{order_id:int}", opt=policy(*EVERYONE), summary="订单详情与处理经过")
    async def read_order(self, order_id: FromPath[int], session: DbSession, actor: Caller) -> OrderDetail:
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/approve", opt=policy(*DISPATCHERS), status_code=200, summary="审核通过并分类")
    async def approve(self, order_id: FromPath[int], data: ApproveBody, session: DbSession, actor: Caller,
                      clock: AppClock) -> OrderDetail:
        await review.approve(session, actor, order_id, data, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/reject", opt=policy(*DISPATCHERS), status_code=200, summary="驳回（居民可见原因）")
    async def reject(self, order_id: FromPath[int], data: ReasonBody, session: DbSession, actor: Caller,
                     clock: AppClock) -> OrderDetail:
        await review.reject(session, actor, order_id, data.reason, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/cancel", opt=policy(Role.RESIDENT, *DISPATCHERS), status_code=200,
          summary="撤销（接单前）")
    async def cancel(self, order_id: FromPath[int], data: ReasonBody, session: DbSession, actor: Caller,
                     clock: AppClock) -> OrderDetail:
        await review.cancel(session, actor, order_id, data.reason, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/offers", opt=policy(*DISPATCHERS), summary="人工派单给党员或单位")
    async def offer(self, order_id: FromPath[int], data: OfferCreateBody, session: DbSession, actor: Caller,
                    clock: AppClock) -> OrderDetail:
        await offers.offer_by_hand(session, actor, order_id, data, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/claim", opt=policy(Role.MEMBER), status_code=200, summary="抢单")
    async def claim(self, order_id: FromPath[int], session: DbSession, actor: Caller, clock: AppClock) -> OrderDetail:
        await offers.claim_order(session, actor, order_id, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/start", opt=policy(*SERVERS), status_code=200, summary="开始服务")
    async def start(self, order_id: FromPath[int], session: DbSession, actor: Caller, clock: AppClock) -> OrderDetail:
        await work.start(session, actor, order_id, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/progress", opt=policy(*SERVERS), status_code=200, summary="记录进展")
    async def progress(self, order_id: FromPath[int], data: NoteBody, session: DbSession, actor: Caller,
                       clock: AppClock) -> OrderDetail:
        await work.add_progress(session, actor, order_id, data.note, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/complete", opt=policy(*SERVERS), status_code=200, summary="办结（说明与照片）",
          request_max_body_size=PHOTO_UPLOAD_LIMIT)
    async def complete(self, order_id: FromPath[int], data: CompleteBody,
                       session: DbSession, actor: Caller, clock: AppClock, settings: AppSettings) -> OrderDetail:
        photo_bytes = [await photo.read() for photo in data.photos]
        await work.complete(session, actor, order_id, data.note, photo_bytes, settings.data_dir, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/rate", opt=policy(Role.RESIDENT), status_code=200, summary="确认并评价（≤2 星重新处理）")
    async def rate(self, order_id: FromPath[int], data: RateBody, session: DbSession, actor: Caller,
                   clock: AppClock) -> OrderDetail:
        await review.rate(session, actor, order_id, data, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/rework", opt=policy(*DISPATCHERS), status_code=200, summary="差评后返工")
    async def rework(self, order_id: FromPath[int], data: NoteBody, session: DbSession, actor: Caller,
                     clock: AppClock) -> OrderDetail:
        await review.rework(session, actor, order_id, data.note, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/close", opt=policy(*DISPATCHERS), status_code=200, summary="销号")
    async def close(self, order_id: FromPath[int], data: CloseBody, session: DbSession, actor: Caller,
                    clock: AppClock) -> OrderDetail:
        await review.close(session, actor, order_id, data, clock.now())
        return await queries.read_order(session, actor, order_id)

    @post("/{order_id:int}/reveal", opt=policy(*DISPATCHERS), status_code=200, summary="查看完整联系方式（留痕）")
    async def reveal(self, order_id: FromPath[int], data: RevealBody, session: DbSession, actor: Caller,
                     clock: AppClock) -> RevealRead:
        return await reveal.reveal_contact(session, actor, order_id, data, clock.now())

    @get("/{order_id:int}/photos/{photo_id:int}", opt=policy(*EVERYONE), summary="办结照片")
    async def photo(self, order_id: FromPath[int], photo_id: FromPath[int], session: DbSession, actor: Caller,
                    settings: AppSettings) -> File:
        found = await reveal.photo_for(session, actor, order_id, photo_id)
        return File(path=f"{settings.data_dir}/{found.path}", media_type=found.content_type,
                    content_disposition_type="inline")


@get("/api/board", opt=policy(Role.MEMBER), tags=["订单"], summary="抢单大厅（本社区、本人服务类别）")
async def open_board(session: DbSession, actor: Caller, limit: Limit = 20, offset: Offset = 0) -> OrderPage:
    return await queries.board(session, actor, limit, offset)
