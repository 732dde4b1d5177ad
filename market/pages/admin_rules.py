"""Admin page for the point rules (积分规则): the current version in a form, its history, and a new version from it.

Each number is one labelled field named after its place in the rules ("stars.bands.0", "base_by_category.repair");
each is checked against the rules' own bounds, and the whole against the rules service's checks.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.dependencies import AppClock, AppDatabase, Caller, DbSession
from market.errors import InvalidInput
from market.models import Category
from market.pages.auditor_forms import ADMIN, Form
from market.pages.rendering import render
from market.points import rules
from market.points.rules import PointRules, RulesCreate
from market.vocab import Triage

SCALARS = {
    "base_default": "基础分", "visit_points": "走访积分", "accept_bonus": "按时接单加分",
    "on_time_bonus": "按时办结加分", "unrated_percent": "未评价的计分比例（%）",
    "disputed_award_percent": "差评后仍计分的比例（%）", "unit_share_percent": "所在单位另得的比例（%）",
    "lapse_allowance_per_month": "每月可超时未接单的次数", "lapse_penalty": "超出后每次扣分",
    "daily_cap": "每人每日积分上限（0 为不设上限）",
}
STAR_SCALARS = {
    "stars.weight_points": "积分的权重（%）", "stars.weight_completion": "办结率的权重（%）",
    "stars.weight_on_time": "按时办结率的权重（%）", "stars.weight_satisfaction": "满意率的权重（%）",
    "stars.full_points": "积分满分线（期间积分达到即得满分）", "stars.unrated_satisfaction": "无人评价时按满意率（%）",
    "stars.notice_days": "公示天数",
}
EFFORT = {f"effort_percent.{t.value}": f"{t.label}（%）" for t in Triage}
RATING = {f"rating_percent.{s}": f"{s} 星评价（%）" for s in ("5", "4", "3")}
BANDS = {f"stars.bands.{i}": f"{i + 1} 星最低分" for i in range(5)}
# The service names a group of fields when the group as a whole is wrong (bands not rising, weights not 100).
GROUPS = {"rules.base_by_category": "base_by_category", "rules.effort_percent": "effort_percent",
          "rules.rating_percent": "rating_percent", "rules.stars.bands": "stars.bands", "rules.stars": "stars.weights"}
NOTE_LENGTH = 500
BOUND = re.compile(r"Expected `int` (>=|<=) (\d+)")


@get("/admin/rules", opt=ADMIN, include_in_schema=False)
async def rules_page(request: Request, session: DbSession, clock: AppClock) -> Template:
    current = await rules.current_rules(session, clock.now())
    return await _page(request, session, _flat(current.rules), {})


@post("/admin/rules", opt=ADMIN, include_in_schema=False)
async def add_version(request: Request, data: Form, database: AppDatabase, actor: Caller,
                      clock: AppClock) -> Response:
    async with database.transaction(write=False) as session:
        labels = await _labels(session)
    values = {name: str(data.get(name) or "").strip() for name in [*labels, "note"]}
    errors = _check(values, labels)
    if not values["note"]:
        errors["note"] = "请填写修改说明，如“维修类基础分提高到 15”"
    elif len(values["note"]) > NOTE_LENGTH:
        errors["note"] = f"修改说明最多 {NOTE_LENGTH} 个字"
    if not errors:
        try:
            wanted = RulesCreate(msgspec.to_builtins(msgspec.convert(_nested(values, labels), PointRules)),
                                 values["note"])
            async with database.transaction() as session:
                await rules.add_version(session, wanted, actor.account_id, clock.now())
        except InvalidInput as error:
            errors[GROUPS.get(error.field or "", error.field or "form")] = error.message
    if errors:
        async with database.transaction(write=False) as session:
            return await _page(request, session, values, errors, 400)
    return Redirect("/admin/rules?ok=admin_rules_saved")


def _check(values: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    """Each field alone against the rules' bounds: a whole number in range; blank only where a default applies."""
    errors: dict[str, str] = {}
    for name, label in labels.items():
        raw = values[name]
        if not raw:
            if not name.startswith(("base_by_category.", "effort_percent.", "rating_percent.")):
                errors[name] = f"请填写{label}"
            continue
        if not re.fullmatch(r"-?\d+", raw):
            errors[name] = f"{label}须为整数"
            continue
        try:
            msgspec.convert(_nested({name: raw}, {name: label}), PointRules)
        except msgspec.ValidationError as error:
            found = BOUND.search(str(error))
            errors[name] = f"{label}{'不能小于' if found and found[1] == '>=' else '不能大于'} {found[2]}" \
                if found else f"{label}填写不正确"
    return errors


def _nested(values: dict[str, str], labels: dict[str, str]) -> dict[str, Any]:
    """The filled fields as the rules' nested shape: "stars.bands.2" is the third band of the stars part."""
    made: dict[str, Any] = {}
    for name in labels:
        if not values.get(name):
            continue
        number, parts = int(values[name]), name.split(".")  # bands checked one at a time leave zeros beside
        if parts[0] == "stars":
            stars = made.setdefault("stars", {})
            if parts[1] == "bands":
                stars.setdefault("bands", [0] * 5)[int(parts[2])] = number
            else:
                stars[parts[1]] = number
        elif len(parts) == 2:
            made.setdefault(parts[0], {})[parts[1]] = number
        else:
            made[name] = number
    return made


def _flat(current: PointRules) -> dict[str, str]:
    values = {name: str(getattr(current, name)) for name in SCALARS}
    values |= {name: str(getattr(current.stars, name.split(".")[1])) for name in STAR_SCALARS}
    values |= {f"stars.bands.{i}": str(band) for i, band in enumerate(current.stars.bands)}
    for part in ("base_by_category", "effort_percent", "rating_percent"):
        values |= {f"{part}.{key}": str(number) for key, number in getattr(current, part).items()}
    return values


async def _labels(session: AsyncSession) -> dict[str, str]:
    """Every field of the form with its Chinese label, the categories' base points among them."""
    categories = (await session.execute(select(Category.code, Category.name).order_by(Category.sort_order))).all()
    return {**SCALARS, **{f"base_by_category.{code}": f"{name}基础分" for code, name in categories},
            **EFFORT, **RATING, **BANDS, **STAR_SCALARS}


async def _page(request: Request, session: AsyncSession, values: dict[str, str], errors: dict[str, str],
                status_code: int = 200) -> Template:
    labels = await _labels(session)
    return render(request, "admin/rules.html", status_code=status_code, values=values, errors=errors,
                  versions=await rules.list_versions(session), scalars=SCALARS, stars=STAR_SCALARS, effort=EFFORT,
                  rating=RATING, bands=BANDS,
                  categories={k: v for k, v in labels.items() if k.startswith("base_by_category.")})


HANDLERS = [rules_page, add_version]
