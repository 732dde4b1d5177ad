"""HTTP routes of one's inbox (站内消息): list, mark one read, mark all read."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from market.access import EVERYONE, policy
from market.dependencies import AppClock, Caller, DbSession
from market.notifications import service
from market.notifications.service import Inbox, NotificationRead
from market.orders.controllers import Limit, Offset


class Marked(msgspec.Struct):
    marked: int


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["消息"]

    @get("/", opt=policy(*EVERYONE), summary="我的消息（最新在前；unread_only 只看未读）")
    async def list_mine(self, session: DbSession, actor: Caller, unread_only: FromQuery[bool] = False,
                        limit: Limit = 20, offset: Offset = 0) -> Inbox:
        return await service.inbox(session, actor, unread_only, limit, offset)

    @post("/{notification_id:int}/read", opt=policy(*EVERYONE), status_code=200, summary="标记一条消息为已读")
    async def read_one(self, notification_id: FromPath[int], session: DbSession, actor: Caller,
                       clock: AppClock) -> NotificationRead:
        return await service.mark_read(session, actor, notification_id, clock.now())

    @post("/read-all", opt=policy(*EVERYONE), status_code=200, summary="全部标记为已读")
    async def read_all(self, session: DbSession, actor: Caller, clock: AppClock) -> Marked:
        return Marked(await service.mark_all_read(session, actor, clock.now()))
