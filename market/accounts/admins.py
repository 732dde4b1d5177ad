"""Creating administrators from the command line, and the checks every new staff login passes."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.accounts.passwords import hash_password
from market.errors import Conflict, InvalidInput
from market.models import Account, Area, RoleGrant
from market.vocab import AreaLevel, Role

USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,39}$")
MIN_PASSWORD_LENGTH = 8


async def check_new_login(session: AsyncSession, username: str, password: str) -> None:
    """A staff user name that is well formed and free, and a password long enough."""
    if not USERNAME.match(username):
        raise InvalidInput("用户名须以小写字母开头，3–40 位小写字母、数字或 _ . -", field="username")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD_LENGTH} 位", field="password")
    if await session.scalar(select(Account.id).where(Account.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已存在", field="username")


async def create_admin(session: AsyncSession, *, username: str, display_name: str, password: str,
                       city_name: str, now: datetime) -> Account:
    """An admin account granted on every root area; a first root (city) is created if there is none."""
    await check_new_login(session, username, password)
    roots = list((await session.scalars(select(Area).where(Area.parent_id.is_(None)))).all())
    if not roots:
        root = Area(parent_id=None, level=AreaLevel.CITY, code="city", name=city_name, path="")
        session.add(root)
        await session.flush()
        root.path = f"/{root.id}/"
        roots = [root]
    account = Account(username=username, display_name=display_name, password_hash=hash_password(password),
                      is_active=True, created_at=now)
    session.add(account)
    await session.flush()
    session.add_all(RoleGrant(account_id=account.id, role=Role.ADMIN, area_id=root.id, created_at=now) for root in roots)
    return account
