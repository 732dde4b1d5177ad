"""The demo street: seeds an invented district with people, units and orders, once."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.accounts.passwords import hash_password
from market.demo import places
from market.demo.orders import Assignees, Requester, add_orders
from market.demo.people import (
    demo_phone,
    home_address,
    jitter,
    person_name,
    weekly_availability,
)
from market.errors import Conflict
from market.models import (
    Account,
    Area,
    Category,
    MemberProfile,
    ResidentProfile,
    RoleGrant,
    Unit,
    UnitCommunity,
)
from market.vocab import AreaLevel, RegistrationStatus, Role, VulnerableTag

DEMO_PASSWORD = "demo-2026"
RESIDENTS = 300
MEMBERS = 200
SEED = 20261123


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    note: str


@dataclass
class DemoAreas:
    district: Area
    streets: list[Area]
    communities: list[Area]
    grids: list[Area]


async def demo_is_seeded(session: AsyncSession) -> bool:
    return await session.scalar(select(Area.id).where(Area.code == places.DISTRICT[0])) is not None


async def seed_demo(session: AsyncSession, now: datetime) -> list[DemoLogin]:
    """Seed the demo district unless it is there already; returns the demo logins either way."""
    if not await demo_is_seeded(session):
        await _seed(session, now)
    return demo_logins()


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin("系统管理员", "demo-admin", "示范区"),
        DemoLogin("社区工作者", "demo-dispatcher", "春晖社区"),
        DemoLogin("社区工作者", "demo-street", "东湖街道"),
        DemoLogin("组织部门", "demo-auditor", "示范区"),
        DemoLogin("单位管理员", "demo-unit-admin", "夕阳红志愿服务队"),
        DemoLogin("单位管理员（职能部门）", "demo-dept-admin", "城管执法中队"),
        DemoLogin("居民", demo_phone(1), "春晖社区"),
        DemoLogin("在职党员", demo_phone(10_001), "春晖社区"),
    ]


async def _seed(session: AsyncSession, now: datetime) -> None:
    taken = (await session.scalars(select(Account.username).where(
        Account.username.in_([login.login for login in demo_logins()])))).all()
    if taken:
        raise Conflict(f"用户名 {'、'.join(sorted(taken))} 已被占用，无法生成演示数据", field="username")
    rng = random.Random(SEED)
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for every demo account: hashing is slow
    areas = await _add_areas(session)
    units = await _add_units(session, areas, now)
    staff = await _add_staff(session, areas, units, password_hash, now)
    requesters = await _add_residents(session, rng, areas.grids, password_hash, now)
    assignees = await _add_members(session, rng, areas.communities, units, password_hash, now)
    await add_orders(session, rng, now, requesters, assignees, staff["demo-dispatcher"])
    for member_id, load in assignees.live_load.items():
        if load:
            await session.execute(update(MemberProfile).where(MemberProfile.account_id == member_id)
                                  .values(live_orders=load))


async def _add_area(session: AsyncSession, parent: Area | None, level: AreaLevel, code: str, name: str,
                    latitude: float, longitude: float) -> Area:
    area = Area(parent_id=parent.id if parent else None, level=level, code=code, name=name, path="",
                latitude=latitude, longitude=longitude)
    session.add(area)
    await session.flush()
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    return area


async def _add_areas(session: AsyncSession) -> DemoAreas:
    # Under the existing root (a city an admin already made), else under an invented one.
    city = await session.scalar(select(Area).where(Area.parent_id.is_(None)).order_by(Area.id).limit(1))
    if city is None:
        city = await _add_area(session, None, AreaLevel.CITY, *places.CITY)
    district = await _add_area(session, city, AreaLevel.DISTRICT, *places.DISTRICT)
    result = DemoAreas(district, [], [], [])
    for code, name, latitude, longitude, communities in places.STREETS:
        street = await _add_area(session, district, AreaLevel.STREET, code, name, latitude, longitude)
        result.streets.append(street)
        for c_code, c_name, east, north in communities:
            c_lat, c_lon = places.offset(latitude, longitude, east, north)
            community = await _add_area(session, street, AreaLevel.COMMUNITY, c_code, c_name, c_lat, c_lon)
            result.communities.append(community)
            for number in range(1, places.GRIDS_PER_COMMUNITY + 1):
                g_lat, g_lon = places.offset(c_lat, c_lon, 250 * (number % 2 * 2 - 1), 250 * (number // 3 * 2 - 1))
                grid = await _add_area(session, community, AreaLevel.GRID, f"{c_code}-g{number}",
                                       f"{c_name}第{number}网格", g_lat, g_lon)
                result.grids.append(grid)
    return result


async def _add_units(session: AsyncSession, areas: DemoAreas, now: datetime) -> list[Unit]:
    units = [Unit(name=name, kind=kind, area_id=areas.district.id, created_at=now) for name, kind in places.UNITS]
    for unit in units:
        unit.categories, unit.skills, unit.round_capacity = places.ROUND_UNITS.get(unit.name, ([], [], 0))
    session.add_all(units)
    await session.flush()
    for index, unit in enumerate(units):
        for community in (areas.communities[index % 6], areas.communities[(index + 3) % 6]):
            session.add(UnitCommunity(unit_id=unit.id, community_id=community.id,
                                      status=RegistrationStatus.CONFIRMED, registered_at=now))
    return units


async def _add_account(session: AsyncSession, password_hash: str, now: datetime, *, name: str,
                       phone: str | None = None, username: str | None = None) -> Account:
    account = Account(phone=phone, username=username, display_name=name, password_hash=password_hash,
                      is_active=True, created_at=now)
    session.add(account)
    await session.flush()
    return account


async def _add_staff(session: AsyncSession, areas: DemoAreas, units: list[Unit], password_hash: str,
                     now: datetime) -> dict[str, int]:
    volunteer_team = next(unit for unit in units if unit.name == "夕阳红志愿服务队")
    department = next(unit for unit in units if unit.name == "城管执法中队")  # to be summoned (吹哨)
    grants = [
        ("demo-admin", "系统管理员", Role.ADMIN, areas.district.id, None),
        ("demo-dispatcher", "春晖社区工作者", Role.DISPATCHER, areas.communities[0].id, None),
        ("demo-street", "东湖街道工作人员", Role.DISPATCHER, areas.streets[0].id, None),
        ("demo-auditor", "区委组织部审核员", Role.AUDITOR, areas.district.id, None),
        ("demo-unit-admin", "夕阳红志愿服务队负责人", Role.UNIT_ADMIN, areas.district.id, volunteer_team.id),
        ("demo-dept-admin", "城管执法中队值班员", Role.UNIT_ADMIN, areas.district.id, department.id),
    ]
    ids: dict[str, int] = {}
    for username, name, role, area_id, unit_id in grants:
        account = await _add_account(session, password_hash, now, name=name, username=username)
        session.add(RoleGrant(account_id=account.id, role=role, area_id=area_id, unit_id=unit_id, created_at=now))
        ids[username] = account.id
    return ids


async def _add_residents(session: AsyncSession, rng: random.Random, grids: list[Area], password_hash: str,
                         now: datetime) -> list[Requester]:
    community_names = {g.parent_id: g.name.split("第")[0] for g in grids}
    requesters = []
    for serial in range(1, RESIDENTS + 1):
        grid = grids[0] if serial == 1 else rng.choice(grids)
        account = await _add_account(session, password_hash, now, name=person_name(rng), phone=demo_phone(serial))
        address = home_address(rng, community_names[grid.parent_id])
        tags = [rng.choice(list(VulnerableTag))] if rng.random() < 0.15 else []
        session.add(ResidentProfile(account_id=account.id, grid_id=grid.id, address=address, tags=tags, created_at=now))
        session.add(RoleGrant(account_id=account.id, role=Role.RESIDENT, area_id=grid.id, created_at=now))
        latitude, longitude = jitter(rng, grid.latitude or 0.0, grid.longitude or 0.0, 200)
        requesters.append(Requester(account.id, grid.id, address, latitude, longitude))
    return requesters


async def _add_members(session: AsyncSession, rng: random.Random, communities: list[Area], units: list[Unit],
                       password_hash: str, now: datetime) -> Assignees:
    categories = (await session.scalars(select(Category).order_by(Category.sort_order))).all()
    assignees = Assignees({c.code: [] for c in categories}, {}, {})
    for number in range(1, MEMBERS + 1):
        community = communities[0] if number == 1 else rng.choice(communities)
        serves = rng.sample(categories, rng.randint(1, 3))
        account = await _add_account(session, password_hash, now, name=person_name(rng),
                                     phone=demo_phone(10_000 + number))
        capacity = rng.randint(1, 3)
        assignees.capacity[account.id], assignees.live_load[account.id] = capacity, 0
        latitude, longitude = jitter(rng, community.latitude or 0.0, community.longitude or 0.0, 800)
        session.add(MemberProfile(
            account_id=account.id, community_id=community.id, work_unit_id=rng.choice(units).id,
            unit_confirmed_at=now if rng.random() < 0.9 else None, reported_at=now,
            skills=sorted({skill for c in serves for skill in c.skills}), categories=[c.code for c in serves],
            availability=weekly_availability(rng), capacity=capacity, radius_m=rng.choice([2000, 3000, 5000]),
            latitude=latitude, longitude=longitude, yearly_target=12,
        ))
        session.add(RoleGrant(account_id=account.id, role=Role.MEMBER, area_id=community.id, created_at=now))
        for category in serves:
            assignees.by_category[category.code].append(account.id)
    return assignees
