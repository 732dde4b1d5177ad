"""Reading an account as its owner sees it: full phone, every grant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.auth.schemas import GrantRead, MeRead
from market.errors import NotFound
from market.models import Account, RoleGrant
from market.vocab import Role


async def read_me(session: AsyncSession, account_id: int) -> MeRead:
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound("账号不存在")
    grants = (await session.scalars(select(RoleGrant).where(RoleGrant.account_id == account_id)
                                    .order_by(RoleGrant.id))).all()
    return MeRead(id=account.id, display_name=account.display_name, phone=account.phone, username=account.username,
                  grants=[GrantRead(g.role, Role(g.role).label, g.area_id, g.unit_id) for g in grants])
