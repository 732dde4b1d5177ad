"""Admins managing accounts: staff accounts, role grants on areas, deactivation (which revokes logins)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.accounts.admins import check_new_login
from market.accounts.passwords import hash_password
from market.accounts.phones import mask_phone
from market.auth.service import revoke_all_sessions
from market.errors import InvalidInput, NotFound
from market.examples import example_body
from market.models import Account, Area, RoleGrant, Unit
from market.vocab import Role


class StaffCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    display_name: str
    password: str


class GrantCreate(msgspec.Struct, forbid_unknown_fields=True):
    role: str
    area_id: int
    unit_id: int | None = None


class AccountRead(msgspec.Struct):
    id: int
    display_name: str
    username: str | None
    phone: str | None
    is_active: bool
    roles: list[str]


async def create_staff(session: AsyncSession, data: StaffCreate, now: datetime) -> AccountRead:
    await check_new_login(session, data.username, data.password)
    if not data.display_name.strip():
        raise InvalidInput("请填写姓名", field="display_name")
    account = Account(username=data.username, display_name=data.display_name.strip(), is_active=True, created_at=now,
                      password_hash=await asyncio.to_thread(hash_password, data.password))
    session.add(account)
    await session.flush()
    return await read_account(session, account.id)


async def grant_role(session: AsyncSession, actor: Actor, account_id: int, data: GrantCreate,
                     now: datetime) -> AccountRead:
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound("账号不存在")
    if data.role not in {r.value for r in Role}:
        raise InvalidInput("未知的角色", field="role")
    area = await session.get(Area, data.area_id)
    if area is None or not actor.covers(area.path, Role.ADMIN):
        raise InvalidInput("请选择您管理范围内的区域", field="area_id")
    if (data.role == Role.UNIT_ADMIN) != (data.unit_id is not None):
        raise InvalidInput("单位管理员须指定单位，其他角色不指定单位", field="unit_id")
    if data.unit_id is not None and await session.get(Unit, data.unit_id) is None:
        raise InvalidInput("单位不存在", field="unit_id")
    exists = await session.scalar(select(RoleGrant.id).where(
        RoleGrant.account_id == account_id, RoleGrant.role == data.role, RoleGrant.area_id == area.id,
        RoleGrant.unit_id.is_(None) if data.unit_id is None else RoleGrant.unit_id == data.unit_id))
    if exists is None:
        session.add(RoleGrant(account_id=account_id, role=data.role, area_id=area.id, unit_id=data.unit_id,
                              granted_by_id=actor.account_id, created_at=now))
        await session.flush()
    return await read_account(session, account_id)


async def revoke_grant(session: AsyncSession, actor: Actor, grant_id: int) -> None:
    grant = await session.get(RoleGrant, grant_id)
    area = await session.get(Area, grant.area_id) if grant else None
    if grant is None or area is None or not actor.covers(area.path, Role.ADMIN):
        raise NotFound("授权不存在")
    await session.delete(grant)


async def deactivate(session: AsyncSession, account_id: int, now: datetime) -> AccountRead:
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound("账号不存在")
    account.is_active = False
    await revoke_all_sessions(session, account_id, now)
    await session.flush()
    return await read_account(session, account_id)


async def list_accounts(session: AsyncSession, role: str | None, limit: int, offset: int) -> list[AccountRead]:
    query = select(Account.id).order_by(Account.id).limit(limit).offset(offset)
    if role:
        query = query.where(Account.id.in_(select(RoleGrant.account_id).where(RoleGrant.role == role)))
    return [await read_account(session, account_id) for account_id in (await session.scalars(query)).all()]


async def read_account(session: AsyncSession, account_id: int) -> AccountRead:
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound("账号不存在")
    roles = sorted(set((await session.scalars(select(RoleGrant.role).where(RoleGrant.account_id == account_id))).all()))
    return AccountRead(account.id, account.display_name, account.username, mask_phone(account.phone),
                       account.is_active, roles)


StaffCreateBody = example_body(StaffCreate, {'username': 'wang.dispatcher', 'display_name': '王社工', 'password': 'a-good-password'})
GrantCreateBody = example_body(GrantCreate, {'role': 'dispatcher', 'area_id': 4})
