"""A small world for service tests: one street, two communities, and an account of every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from litestar.testing import AsyncTestClient

from market.accounts.passwords import hash_password
from market.database import Database
from market.models import (
    Account,
    Area,
    MemberProfile,
    ResidentProfile,
    RoleGrant,
    Unit,
    UnitCommunity,
)
from market.vocab import AreaLevel, RegistrationStatus, Role

PASSWORD = "test-password-1"
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass
class World:
    city: int
    street: int
    community: int
    other_community: int
    grid: int
    other_grid: int
    resident: int
    other_resident: int
    dispatcher: int
    other_dispatcher: int
    auditor: int
    admin: int
    member: int
    second_member: int
    other_member: int
    unit_member: int
    unit: int
    unit_admin: int

    def login_of(self, account_id: int) -> str:
        return LOGINS[account_id]


LOGINS: dict[int, str] = {}


async def build_world(database: Database, now: datetime = START) -> World:
    async with database.transaction() as session:
        async def area(parent: Area | None, level: AreaLevel, code: str) -> Area:
            made = Area(parent_id=parent.id if parent else None, level=level, code=code, name=code, path="",
                        latitude=30.25, longitude=120.16)
            session.add(made)
            await session.flush()
            made.path = f"{parent.path if parent else '/'}{made.id}/"
            return made

        async def account(login: str, role: Role, area_id: int, *, phone: bool, unit_id: int | None = None) -> int:
            made = Account(phone=login if phone else None, username=None if phone else login,
                           display_name=f"{role.label}{len(LOGINS) + 1}",
                           password_hash=password_hash(), is_active=True, created_at=now)
            session.add(made)
            await session.flush()
            session.add(RoleGrant(account_id=made.id, role=role, area_id=area_id, unit_id=unit_id, created_at=now))
            LOGINS[made.id] = login
            return made.id

        city = await area(None, AreaLevel.CITY, "t-city")
        district = await area(city, AreaLevel.DISTRICT, "t-district")
        street = await area(district, AreaLevel.STREET, "t-street")
        community = await area(street, AreaLevel.COMMUNITY, "t-c1")
        other_community = await area(street, AreaLevel.COMMUNITY, "t-c2")
        grid = await area(community, AreaLevel.GRID, "t-c1-g1")
        other_grid = await area(other_community, AreaLevel.GRID, "t-c2-g1")
        unit = Unit(name="测试单位", kind="business", area_id=street.id, created_at=now)
        session.add(unit)
        await session.flush()
        session.add(UnitCommunity(unit_id=unit.id, community_id=community.id, status=RegistrationStatus.CONFIRMED,
                                  registered_at=now))

        residents = []
        for phone, home in (("13800000001", grid), ("13800000002", other_grid)):
            resident = await account(phone, Role.RESIDENT, home.id, phone=True)
            session.add(ResidentProfile(account_id=resident, grid_id=home.id, address="和平路12号3幢2单元1203室",
                                        tags=[], created_at=now))
            residents.append(resident)

        members = []
        for phone, home, works_for in (("13900000001", community, None), ("13900000002", community, None),
                                       ("13900000003", other_community, None), ("13900000004", community, unit.id)):
            member = await account(phone, Role.MEMBER, home.id, phone=True)
            session.add(MemberProfile(account_id=member, community_id=home.id, work_unit_id=works_for,
                                      unit_confirmed_at=now if works_for else None, reported_at=now,
                                      skills=["electrician"], categories=["repair", "daily_help"],
                                      availability=[[d, 0, 1440] for d in range(7)], capacity=50, radius_m=3000,
                                      latitude=30.25, longitude=120.16, yearly_target=12))
            members.append(member)
        world = World(
            city=city.id, street=street.id, community=community.id, other_community=other_community.id,
            grid=grid.id, other_grid=other_grid.id, resident=residents[0], other_resident=residents[1],
            dispatcher=await account("dispatcher", Role.DISPATCHER, community.id, phone=False),
            other_dispatcher=await account("other-dispatcher", Role.DISPATCHER, other_community.id, phone=False),
            auditor=await account("auditor", Role.AUDITOR, district.id, phone=False),
            admin=await account("admin", Role.ADMIN, city.id, phone=False),
            member=members[0], second_member=members[1], other_member=members[2], unit_member=members[3],
            unit=unit.id, unit_admin=await account("unit-admin", Role.UNIT_ADMIN, street.id, phone=False,
                                                   unit_id=unit.id),
        )
    return world


async def login(client: AsyncTestClient, login_name: str) -> dict[str, str]:
    response = await client.post("/api/auth/login", json={"login": login_name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


WISH = {"kind": "service", "category": "repair", "title": "厨房灯不亮了", "description": "换了灯泡也不行", "urgency": 3}


async def bearer(database: Database, account_ids: list[int], secret: str, now: datetime = START) -> list[dict[str, str]]:
    """Headers for many accounts at once, minted as login would, without paying for a password check each."""
    from market.auth.tokens import (
        REFRESH_TTL,
        issue_access_token,
        new_refresh_token,
        refresh_digest,
    )
    from market.models import AuthSession

    sessions = [AuthSession(account_id=a, refresh_hash=refresh_digest(new_refresh_token()), created_at=now,
                            refreshed_at=now, expires_at=now + REFRESH_TTL) for a in account_ids]
    async with database.transaction() as session:
        session.add_all(sessions)
    return [{"Authorization": f"Bearer {issue_access_token(secret, s.account_id, s.id, now)}"} for s in sessions]
