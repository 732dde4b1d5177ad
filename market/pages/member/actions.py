"""What the member's pages share: their policy, form bodies, and running a service call as one undoable step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import page_policy
from market.errors import MarketError
from market.vocab import Role

MEMBER = page_policy(Role.MEMBER)
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
UploadForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


async def attempt(session: AsyncSession, action: Callable[[], Awaitable[object]]) -> MarketError | None:
    """Run a service call inside a savepoint: a refusal undoes whatever it wrote and is returned to be shown.

    The request's transaction is committed when the page answers, so without the savepoint a half-done
    action that raised could be committed along with the page that shows its error."""
    try:
        async with session.begin_nested():
            await action()
    except MarketError as error:
        return error
    return None
