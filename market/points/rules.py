"""The point rules as versioned data: what each order earns, what a lapse costs, and the star bands."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.database import insert_ignoring
from market.errors import VALUE_PROBLEMS, InvalidInput
from market.examples import example_body
from market.models import Category, PointRuleVersion
from market.vocab import Triage

Points = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
Percent = Annotated[int, msgspec.Meta(ge=0, le=1000)]


class StarRules(msgspec.Struct, forbid_unknown_fields=True):
    """How a period's figures become a score (0–100) and the score a number of stars."""

    # The lowest score of 1★, 2★ … 5★ (华宁's bands): below the first, no star.
    bands: list[Annotated[int, msgspec.Meta(ge=0, le=100)]] = msgspec.field(
        default_factory=lambda: [60, 70, 80, 90, 96])
    # Percent of the score from points, completion rate, on-time rate and satisfaction; they add up to 100.
    weight_points: Percent = 40
    weight_completion: Percent = 20
    weight_on_time: Percent = 20
    weight_satisfaction: Percent = 20
    # Points in the period that earn the whole points part.
    full_points: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 100
    # Satisfaction counted for someone nobody rated in the period, in percent.
    unrated_satisfaction: Annotated[int, msgspec.Meta(ge=0, le=100)] = 80
    notice_days: Annotated[int, msgspec.Meta(ge=1, le=60)] = 7


class PointRules(msgspec.Struct, forbid_unknown_fields=True):
    base_default: Points = 10
    base_by_category: dict[str, Points] = {}
    # Effort by the order's triage (一般/协调/突发/审批), in percent of the base.
    effort_percent: dict[str, Percent] = msgspec.field(default_factory=lambda: {
        "general": 100, "coordinate": 120, "emergency": 150, "approval": 100})
    visit_points: Points = 5
    accept_bonus: Points = 2  # the offer accepted before its deadline
    on_time_bonus: Points = 3  # the order completed before its due time
    # The resident's rating, in percent of the points; ≤ 2★ earns nothing unless the dispatcher decides.
    rating_percent: dict[str, Percent] = msgspec.field(default_factory=lambda: {"5": 120, "4": 110, "3": 100})
    unrated_percent: Percent = 100
    disputed_award_percent: Percent = 50
    # A member's confirmed work unit earns this share of the member's award, besides the member.
    unit_share_percent: Percent = 10
    lapse_allowance_per_month: Annotated[int, msgspec.Meta(ge=0, le=100)] = 2
    lapse_penalty: Points = 2
    # Award points a holder may get in one day before an award needs an auditor's own look (0: no cap).
    daily_cap: Points = 50
    stars: StarRules = msgspec.field(default_factory=StarRules)


class RulesVersion(msgspec.Struct):
    version: int
    rules: PointRules
    note: str
    created_by_id: int | None
    created_at: datetime


class RulesCreate(msgspec.Struct, forbid_unknown_fields=True):
    # Only what changes: fields and keys left out keep the current version's values.
    rules: dict[str, Any]
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


async def current_rules(session: AsyncSession, now: datetime) -> RulesVersion:
    """The newest version; the first use writes version 1 from the defaults, so every entry names a stored one."""
    row = await session.scalar(select(PointRuleVersion).order_by(PointRuleVersion.version.desc()).limit(1))
    if row is None:
        await session.execute(insert_ignoring(session.bind.dialect.name, PointRuleVersion, ["version"]).values(
            version=1, rules=msgspec.to_builtins(PointRules()), note="默认规则", created_by_id=None, created_at=now))
        row = await session.scalar(select(PointRuleVersion).where(PointRuleVersion.version == 1))
    assert row is not None
    return _read(row)


async def rules_version(session: AsyncSession, version: int) -> PointRules:
    row = await session.get(PointRuleVersion, version)
    if row is None:
        raise InvalidInput("积分规则版本不存在", field="rule_version")
    return msgspec.convert(row.rules, PointRules)


async def add_version(session: AsyncSession, data: RulesCreate, actor_id: int, now: datetime) -> RulesVersion:
    """A new version: the current rules with the changes given (a partial table changes only its keys)."""
    current = msgspec.to_builtins((await current_rules(session, now)).rules)
    rules = _as_rules(_merged(current, data.rules))
    await check_rules(session, rules)
    newest = await session.scalar(select(func.max(PointRuleVersion.version)))
    row = PointRuleVersion(version=(newest or 0) + 1, rules=msgspec.to_builtins(rules), note=data.note.strip(),
                           created_by_id=actor_id, created_at=now)
    session.add(row)
    await session.flush()
    return _read(row)


async def list_versions(session: AsyncSession) -> list[RulesVersion]:
    rows = await session.scalars(select(PointRuleVersion).order_by(PointRuleVersion.version.desc()))
    return [_read(row) for row in rows]


async def check_rules(session: AsyncSession, rules: PointRules) -> None:
    """What msgspec's bounds cannot say: known keys, ascending bands, weights adding up to 100."""
    known = set(await session.scalars(select(Category.code)))
    if unknown := sorted(set(rules.base_by_category) - known):
        raise InvalidInput(f"没有这个服务类别：{'、'.join(unknown)}", field="rules.base_by_category")
    if unknown := sorted(set(rules.effort_percent) - {t.value for t in Triage}):
        raise InvalidInput(f"分类只能是一般、协调、突发、审批：{'、'.join(unknown)}", field="rules.effort_percent")
    if unknown := sorted(set(rules.rating_percent) - {"3", "4", "5"}):
        raise InvalidInput("评价系数只能按 3、4、5 星设置", field="rules.rating_percent")
    bands = rules.stars.bands
    if len(bands) != 5 or any(low >= high for low, high in zip(bands, bands[1:], strict=False)):
        raise InvalidInput("星级分数线须为 5 个从低到高的分数", field="rules.stars.bands")
    weights = (rules.stars.weight_points, rules.stars.weight_completion, rules.stars.weight_on_time,
               rules.stars.weight_satisfaction)
    if sum(weights) != 100:
        raise InvalidInput("星级各项权重之和须为 100", field="rules.stars")


def _merged(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key, value in changes.items():
        merged[key] = _merged(current[key], value) if isinstance(value, dict) and isinstance(current.get(key), dict) \
            else value
    return merged


def _as_rules(values: dict[str, Any]) -> PointRules:
    """The rules, or a 400 naming the field at fault (`rules.stars.bands`, `rules.daily_cap` …) in Chinese."""
    try:
        return msgspec.convert(values, PointRules)
    except msgspec.ValidationError as error:
        raw = str(error)
        unknown = re.search(r"unknown field `([^`]+)`", raw)
        path = re.search(r"at `\$((?:\.[a-z_]+)*)", raw)
        field = "rules" + (path.group(1) if path else "") + (f".{unknown.group(1)}" if unknown else "")
        if unknown:
            raise InvalidInput(f"没有这项规则：{unknown.group(1)}", field=field) from None
        for pattern, template in VALUE_PROBLEMS:
            if found := pattern.search(raw):
                raise InvalidInput(template.format(field=field, n=found.group(1) if found.groups() else ""),
                                   field=field) from None
        raise InvalidInput(f"{field} 的值不正确", field=field) from None


def _read(row: PointRuleVersion) -> RulesVersion:
    return RulesVersion(row.version, msgspec.convert(row.rules, PointRules), row.note, row.created_by_id,
                        row.created_at)


RulesCreateBody = example_body(RulesCreate, {"rules": {"base_default": 10, "base_by_category": {"repair": 15},
                                                       "daily_cap": 60}, "note": "维修类基础分提高到 15"})
