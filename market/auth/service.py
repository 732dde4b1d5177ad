"""Registration, login with per-account and per-client limits, refresh, logout and loading the actor."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor, Grant
from market.accounts.passwords import hash_password, password_matches
from market.accounts.phones import SEPARATORS, normalise_phone
from market.auth.schemas import ResidentRegister, TokenPair
from market.auth.tokens import (
    ACCESS_TTL,
    REFRESH_TTL,
    AccessClaims,
    issue_access_token,
    new_refresh_token,
    refresh_digest,
)
from market.database import Database
from market.errors import Conflict, InvalidInput, NotAuthenticated, TooManyRequests
from market.models import (
    Account,
    Area,
    AuthSession,
    LoginFailure,
    ResidentProfile,
    RoleGrant,
)
from market.vocab import AreaLevel, Role, VulnerableTag

LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_CLIENT = 30


@cache
def _unknown_account_hash() -> str:
    """Checking against this costs as much as a real check, so an unknown login takes as long as a wrong password."""
    return hash_password("no account has this password")


async def register_resident(session: AsyncSession, data: ResidentRegister, now: datetime) -> Account:
    phone = normalise_phone(data.phone)
    grid = await session.get(Area, data.grid_id)
    if grid is None or grid.level != AreaLevel.GRID:
        raise InvalidInput("请选择所在网格", field="grid_id")
    unknown_tags = set(data.tags) - {tag.value for tag in VulnerableTag}
    if unknown_tags:
        raise InvalidInput(f"未知的人群标签：{'、'.join(sorted(unknown_tags))}", field="tags")
    if await session.scalar(select(Account.id).where(Account.phone == phone)) is not None:
        raise Conflict("该手机号已注册，请直接登录", field="phone")
    account = Account(phone=phone, display_name=data.display_name.strip(), is_active=True, created_at=now,
                      password_hash=await asyncio.to_thread(hash_password, data.password))
    session.add(account)
    try:
        await session.flush()
    except IntegrityError:  # registered at the same moment by another request
        raise Conflict("该手机号已注册，请直接登录", field="phone") from None
    session.add(ResidentProfile(account_id=account.id, grid_id=grid.id, address=data.address.strip(),
                                tags=sorted(data.tags), created_at=now))
    session.add(RoleGrant(account_id=account.id, role=Role.RESIDENT, area_id=grid.id, created_at=now))
    return account


def _login_key(login: str) -> str:
    """Phones as typed (`+86 138-…`) match the stored 11 digits; user names (`demo-admin`) are kept whole."""
    login = login.strip()
    as_phone = SEPARATORS.sub("", login)
    if not as_phone.lstrip("+").isdigit():
        return login.lower()
    for prefix in ("+86", "0086"):
        if as_phone.startswith(prefix):
            as_phone = as_phone[len(prefix):]
    return as_phone


async def login(database: Database, login_name: str, password: str, client: str, secret: str,
                now: datetime) -> TokenPair:
    key = _login_key(login_name)
    since = now - LOGIN_WINDOW
    async with database.transaction(write=False) as session:
        by_login = await session.scalar(select(func.count()).where(LoginFailure.login == key, LoginFailure.at > since))
        by_client = await session.scalar(
            select(func.count()).where(LoginFailure.client == client, LoginFailure.at > since))
        account = await session.scalar(select(Account).where((Account.phone == key) | (Account.username == key)))
    if (by_login or 0) >= MAX_FAILURES_PER_LOGIN or (by_client or 0) >= MAX_FAILURES_PER_CLIENT:
        raise TooManyRequests("登录失败次数过多，请 15 分钟后再试")
    stored_hash = account.password_hash if account else _unknown_account_hash()
    matches = await asyncio.to_thread(password_matches, stored_hash, password)
    if account is None or not matches or not account.is_active:
        # Recorded in its own transaction: the failure must count even though the request fails.
        async with database.transaction() as session:
            session.add(LoginFailure(login=key, client=client, at=now))
        raise NotAuthenticated("账号或密码错误", field="password")
    async with database.transaction() as session:
        return await _open_session(session, account.id, secret, now)


async def _open_session(session: AsyncSession, account_id: int, secret: str, now: datetime) -> TokenPair:
    refresh_token = new_refresh_token()
    auth_session = AuthSession(account_id=account_id, refresh_hash=refresh_digest(refresh_token), created_at=now,
                               refreshed_at=now, expires_at=now + REFRESH_TTL)
    session.add(auth_session)
    await session.flush()
    return TokenPair(access_token=issue_access_token(secret, account_id, auth_session.id, now),
                     refresh_token=refresh_token, expires_in=int(ACCESS_TTL.total_seconds()), account_id=account_id)


async def refresh(session: AsyncSession, refresh_token: str, secret: str, now: datetime) -> TokenPair:
    """A new token pair; the refresh token is rotated with a conditional update, so it works once."""
    new_token = new_refresh_token()
    result = await session.execute(
        update(AuthSession)
        .where(AuthSession.refresh_hash == refresh_digest(refresh_token), AuthSession.revoked_at.is_(None),
               AuthSession.expires_at > now)
        .values(refresh_hash=refresh_digest(new_token), refreshed_at=now)
        .returning(AuthSession.id, AuthSession.account_id)
    )
    row = result.one_or_none()
    if row is None:
        raise NotAuthenticated("登录已失效，请重新登录")
    account = await session.get(Account, row.account_id)
    if account is None or not account.is_active:
        raise NotAuthenticated("账号已停用")
    return TokenPair(access_token=issue_access_token(secret, row.account_id, row.id, now), refresh_token=new_token,
                     expires_in=int(ACCESS_TTL.total_seconds()), account_id=row.account_id)


async def logout(session: AsyncSession, actor: Actor, now: datetime) -> None:
    await session.execute(update(AuthSession).where(AuthSession.id == actor.session_id,
                                                    AuthSession.revoked_at.is_(None)).values(revoked_at=now))


async def revoke_all_sessions(session: AsyncSession, account_id: int, now: datetime) -> None:
    await session.execute(update(AuthSession).where(AuthSession.account_id == account_id,
                                                    AuthSession.revoked_at.is_(None)).values(revoked_at=now))


async def load_actor(session: AsyncSession, claims: AccessClaims, now: datetime) -> Actor:
    """The actor behind a token whose session is still open and whose account is active."""
    row = (await session.execute(
        select(Account.display_name, AuthSession.revoked_at, AuthSession.expires_at, Account.is_active)
        .join(Account, Account.id == AuthSession.account_id)
        .where(AuthSession.id == claims.session_id, AuthSession.account_id == claims.account_id)
    )).one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.is_active:
        raise NotAuthenticated("登录已失效，请重新登录")
    grants = (await session.execute(
        select(RoleGrant.role, RoleGrant.area_id, Area.path, RoleGrant.unit_id)
        .join(Area, Area.id == RoleGrant.area_id)
        .where(RoleGrant.account_id == claims.account_id)
    )).all()
    return Actor(account_id=claims.account_id, display_name=row.display_name, session_id=claims.session_id,
                 grants=tuple(Grant(Role(g.role), g.area_id, g.path, g.unit_id) for g in grants))
