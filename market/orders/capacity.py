"""Members' capacity: a slot is reserved only by a conditional update, so no race can overfill anyone."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import Conflict
from market.models import MemberProfile


async def reserve(session: AsyncSession, member_id: int) -> None:
    """One more live order for the member, or 409 when they are at capacity."""
    result = await session.execute(
        update(MemberProfile)
        .where(MemberProfile.account_id == member_id, MemberProfile.live_orders < MemberProfile.capacity)
        .values(live_orders=MemberProfile.live_orders + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("该党员手头的单已满，暂不能再接", field="member_id", details={"member_id": member_id})


async def release(session: AsyncSession, member_ids: Iterable[int | None]) -> None:
    for member_id in member_ids:
        if member_id is None:
            continue
        await session.execute(
            update(MemberProfile)
            .where(MemberProfile.account_id == member_id, MemberProfile.live_orders > 0)
            .values(live_orders=MemberProfile.live_orders - 1)
            .execution_options(synchronize_session=False)
        )
