"""The member's points, stars and yearly 双报到 progress, and their profile (skills, categories, time, capacity)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select

from market.access import Actor
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.errors import InvalidInput, MarketError
from market.members import obligation
from market.members.schemas import MemberProfileUpdate, MemberRead
from market.members.service import read_member, update_profile
from market.models import Area, Category, MemberProfile, Skill
from market.pages.member.actions import MEMBER, Form, attempt
from market.pages.rendering import parse_form, render
from market.points.service import my_points
from market.ratings.objections import my_ratings

ENTRIES_PER_PAGE = 20
WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
RADII = [500, 1000, 2000, 3000, 5000, 10000, 20000, 50000]
BLANK_ROWS = 2
MAX_ROWS = 50
END_OF_DAY = 24 * 60
PROFILE_LABELS = {"skills": "技能", "categories": "服务类别", "availability": "服务时间",
                  "capacity": "同时承接的订单数", "radius_m": "服务距离"}


@get("/me/points", opt=MEMBER, include_in_schema=False)
async def points_page(request: Request, session: DbSession, actor: Caller, settings: AppSettings, clock: AppClock,
                      page: FromQuery[int] = 1) -> Template:
    page = max(page, 1)
    points = await my_points(session, actor, ENTRIES_PER_PAGE, (page - 1) * ENTRIES_PER_PAGE)
    year = clock.now().astimezone(settings.tz).year
    target = next(iter(await obligation.obligations(session, obligation.own(actor), year, settings.tz)), None)
    return render(request, "member/points.html", points=points, ratings=await my_ratings(session, actor),
                  target=target, page=page, pages=max(1, -(-points.entries.total // ENTRIES_PER_PAGE)))


@get("/me/profile", opt=MEMBER, include_in_schema=False)
async def profile_page(request: Request, session: DbSession, actor: Caller) -> Template:
    member = await read_member(session, actor.account_id)
    return await _profile(request, session, actor, _values_of(member))


@post("/me/profile", opt=MEMBER, include_in_schema=False)
async def save_profile(request: Request, data: Form, session: DbSession, actor: Caller) -> Response:
    values = _entered(data)
    try:
        update: MemberProfileUpdate = parse_form(await _update_of(session, actor, values), MemberProfileUpdate,
                                                 PROFILE_LABELS)
    except InvalidInput as error:
        return await _profile(request, session, actor, values, 400, _message(error))
    if error := await attempt(session, lambda: update_profile(session, actor, update)):
        return await _profile(request, session, actor, values, error.status, _message(error))
    return Redirect("/me/profile?ok=saved")


async def _profile(request: Request, session: DbSession, actor: Actor, values: dict[str, Any], status_code: int = 200,
                   errors: dict[str, str] | None = None) -> Template:
    member = await read_member(session, actor.account_id)
    community = await session.get(Area, member.community_id)
    categories = (await session.scalars(select(Category).where(Category.is_active.is_(True))
                                        .order_by(Category.sort_order))).all()
    skills = (await session.scalars(select(Skill).order_by(Skill.code))).all()
    rows = values["rows"] + [{"day": "", "start": "", "end": ""}] * BLANK_ROWS
    return render(request, "member/profile.html", status_code=status_code, member=member,
                  community=community.name if community else "", categories=categories, skills=skills,
                  weekdays=list(enumerate(WEEKDAYS)), radii=_radii(values["radius_m"]),
                  values=values, rows=rows[:MAX_ROWS], errors=errors or {})


def _radii(current: str) -> list[int]:
    """The usual distances, and the member's own if it is another."""
    return sorted({*RADII, int(current)}) if current.isdigit() and int(current) > 0 else RADII


def _values_of(member: MemberRead) -> dict[str, Any]:
    rows = [{"day": str(day), "start": _clock(start), "end": _clock(end)} for day, start, end in member.availability]
    return {"skills": set(member.skills), "categories": set(member.categories), "rows": rows,
            "capacity": str(member.capacity), "radius_m": str(member.radius_m)}


def _entered(data: dict[str, Any]) -> dict[str, Any]:
    """The form as entered, to save or to show again: chosen codes, time rows left as typed."""
    rows = [{"day": _one(data, f"day_{i}"), "start": _one(data, f"start_{i}"), "end": _one(data, f"end_{i}")}
            for i in range(MAX_ROWS)]
    return {"skills": set(_many(data, "skills")), "categories": set(_many(data, "categories")),
            "rows": [row for row in rows if any(row.values())], "capacity": _one(data, "capacity"),
            "radius_m": _one(data, "radius_m")}


async def _update_of(session: DbSession, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """The service's update: what the form edits, and what it does not (place, yearly target) as it is now."""
    current = await session.get(MemberProfile, actor.account_id)
    kept = {"latitude": current.latitude, "longitude": current.longitude, "yearly_target": current.yearly_target,
            "yearly_target_unit": current.yearly_target_unit} if current else {}
    edited = {"skills": sorted(values["skills"]), "categories": sorted(values["categories"]),
              "availability": [_slot(row) for row in values["rows"] if row["day"]]}
    edited.update({name: values[name] for name in ("capacity", "radius_m") if values[name]})
    return {**kept, **edited}


def _slot(row: dict[str, str]) -> list[int]:
    """A time row as [weekday, start minute, end minute]; a day without times is the whole day."""
    try:
        start = _minutes(row["start"]) if row["start"] else 0
        end = _minutes(row["end"]) if row["end"] else END_OF_DAY
        return [int(row["day"]), start, END_OF_DAY if end == END_OF_DAY - 1 else end]
    except ValueError:
        raise InvalidInput("时间填写不正确", field="availability") from None


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")[:2]
    return int(hours) * 60 + int(minutes)


def _clock(minutes: int) -> str:
    """Minutes of the day as the time input shows them; the end of the day as 23:59, which saves back as 24:00."""
    minutes = min(minutes, END_OF_DAY - 1)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _message(error: MarketError) -> dict[str, str]:
    if error.field == "categories" and "未知" not in error.message:
        return {"categories": "请至少选择一个服务类别"}
    if error.field == "availability":
        return {"availability": "请检查服务时间：每行选一个星期，开始时间要早于结束时间"}
    return {error.field or "form": error.message}


def _one(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return str(value[-1] if isinstance(value, list) else value or "").strip()


def _many(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name)
    return [str(v) for v in (value if isinstance(value, list) else [value] if value else [])]
