"""Evidence photos on pages: the same check as the API (whoever may see the order), with the session cookie."""

from __future__ import annotations

from litestar import get
from litestar.params import FromPath
from litestar.response import File

from market.access import EVERYONE, page_policy
from market.dependencies import AppSettings, Caller, DbSession
from market.orders import reveal


@get("/photos/{order_id:int}/{photo_id:int}", opt=page_policy(*EVERYONE), include_in_schema=False)
async def order_photo(order_id: FromPath[int], photo_id: FromPath[int], session: DbSession, actor: Caller,
                      settings: AppSettings) -> File:
    found = await reveal.photo_for(session, actor, order_id, photo_id)
    return File(path=f"{settings.data_dir}/{found.path}", media_type=found.content_type,
                content_disposition_type="inline", headers={"Cache-Control": "private, max-age=3600"})
