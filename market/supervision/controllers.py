"""HTTP route of supervision (督办): the notices of an area's orders."""

from __future__ import annotations

from litestar import get
from litestar.params import FromPath, FromQuery

from market.access import policy
from market.dependencies import Caller, DbSession
from market.orders.controllers import Limit, Offset
from market.supervision.queries import READERS, SupervisionPage, list_supervisions


@get("/api/areas/{area_id:int}/supervisions", opt=policy(*READERS), tags=["督办"],
     summary="本区域订单的督办（open_only 只看未解除的；逐级上报的每一级各一条）")
async def area_supervisions(area_id: FromPath[int], session: DbSession, actor: Caller,
                            open_only: FromQuery[bool] = True, limit: Limit = 20,
                            offset: Offset = 0) -> SupervisionPage:
    return await list_supervisions(session, actor, area_id, open_only, limit, offset)
