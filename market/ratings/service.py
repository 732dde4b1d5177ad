"""Star ratings of an area and period: compute (draft), recompute, 公示, objections, final."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Conflict, InvalidInput, NotFound
from market.models import Account, Area, MemberProfile, Objection, StarRating, StarRatingRun, Unit
from market.points.rules import PointRules, current_rules, rules_version
from market.ratings import scoring
from market.ratings.figures import Holder, area_figures, members_in, units_in
from market.ratings.periods import period_bounds, period_dates
from market.ratings.schemas import RUN_STATUS_NAMES, RatingRow, RunCreate, RunDetail, RunRead
from market.visits.periods import local_midnight
from market.vocab import Role

RATERS = (Role.AUDITOR, Role.ADMIN)
READERS = (Role.AUDITOR, Role.ADMIN, Role.DISPATCHER)


async def create_run(session: AsyncSession, actor: Actor, data: RunCreate, zone: ZoneInfo,
                     now: datetime) -> RunDetail:
    area = await _area_in_reach(session, actor, data.area_id, RATERS)
    start, end = period_dates(data.period)
    if start > now.astimezone(zone).date():
        raise InvalidInput("该周期还没有开始，不能评定", field="period")
    if await session.scalar(select(StarRatingRun.id).where(StarRatingRun.area_id == area.id,
                                                           StarRatingRun.period == data.period)):
        raise Conflict("该区域该周期已有评定，请在原评定上重新计算", field="period")
    rules = await current_rules(session, now)
    run = StarRatingRun(area_id=area.id, period=data.period, period_start=start, period_end=end, status="draft",
                        rule_version=rules.version, digest="", created_by_id=actor.account_id, computed_at=now)
    session.add(run)
    await session.flush()
    await _compute(session, run, area.path, rules.rules, zone, now)
    return await read_run(session, actor, run.id)


async def recompute_run(session: AsyncSession, actor: Actor, run_id: int, zone: ZoneInfo, now: datetime) -> RunDetail:
    """A draft computed again from the data as it is now (under the rules version it was made with)."""
    run, area = await _run_in_reach(session, actor, run_id, RATERS)
    if run.status != "draft":
        raise Conflict("只有草稿可以整体重新计算；公示期间请通过异议处理", details={"status": run.status})
    await session.execute(delete(StarRating).where(StarRating.run_id == run.id))
    await _compute(session, run, area.path, await rules_version(session, run.rule_version), zone, now)
    return await read_run(session, actor, run.id)


async def _compute(session: AsyncSession, run: StarRatingRun, area_path: str, rules: PointRules, zone: ZoneInfo,
                   now: datetime) -> None:
    start, end = period_bounds(run.period, zone)
    figures = await area_figures(session, members_in(area_path), units_in(area_path), start, end)
    rows = [_row_values(run.id, holder, f, rules) for holder, f in sorted(figures.items())]
    if rows:  # an area nobody reported to (a grid: members report to communities) rates nobody
        await session.execute(StarRating.__table__.insert(), rows)
    run.digest = await run_digest(session, run.id)
    run.computed_at = now


def _row_values(run_id: int, holder: Holder, figures: scoring.Figures, rules: PointRules) -> dict:
    score = scoring.score(figures, rules.stars)
    return {"run_id": run_id, "account_id": holder[1] if holder[0] == "member" else None,
            "unit_id": holder[1] if holder[0] == "unit" else None, **figures.__dict__, "score": score,
            "stars": scoring.stars(score, rules.stars)}


async def recompute_row(session: AsyncSession, run: StarRatingRun, row: StarRating, zone: ZoneInfo) -> None:
    """One holder's row again from the data as it is now, as an upheld objection asks."""
    area = await session.get(Area, run.area_id)
    assert area is not None
    members = members_in(area.path).where(MemberProfile.account_id == (row.account_id or -1))
    units = units_in(area.path).subquery()
    units_for_row = select(units.c.id).where(units.c.id == (row.unit_id or -1))
    start, end = period_bounds(run.period, zone)
    figures = await area_figures(session, members, units_for_row, start, end)
    holder: Holder = ("member", row.account_id) if row.account_id is not None else ("unit", row.unit_id or 0)
    nothing = scoring.Figures(0, 0, 0, 0, 0, 0)  # a holder who has left the area since counts nothing here
    values = _row_values(run.id, holder, figures.get(holder, nothing), await rules_version(session, run.rule_version))
    for name in ("points", "taken", "completed", "on_time", "rated", "satisfied", "score", "stars"):
        setattr(row, name, values[name])
    await session.flush()
    run.digest = await run_digest(session, run.id)


async def run_digest(session: AsyncSession, run_id: int) -> str:
    """A hash of every row's figures in holder order: the same data computed again gives the same digest."""
    rows = (await session.execute(select(
        StarRating.account_id, StarRating.unit_id, StarRating.points, StarRating.taken, StarRating.completed,
        StarRating.on_time, StarRating.rated, StarRating.satisfied, StarRating.score, StarRating.stars)
        .where(StarRating.run_id == run_id)
        .order_by(StarRating.account_id.is_(None), StarRating.account_id, StarRating.unit_id))).all()
    return hashlib.sha256(msgspec.json.encode([list(r) for r in rows])).hexdigest()


async def publish(session: AsyncSession, actor: Actor, run_id: int, zone: ZoneInfo, now: datetime) -> RunDetail:
    """公示: the draft goes on public notice for the rules' notice days; objections may be filed meanwhile."""
    run, _ = await _run_in_reach(session, actor, run_id, RATERS)
    if run.status != "draft":
        raise Conflict("只有草稿可以公示", details={"status": run.status})
    if now < local_midnight(run.period_end, zone):
        raise Conflict(f"评定周期到 {run.period_end - timedelta(days=1)} 才结束，结束后才能公示",
                       details={"period_end": (run.period_end - timedelta(days=1)).isoformat()})
    rules = await rules_version(session, run.rule_version)
    run.status, run.notice_ends_at = "notice", now + timedelta(days=rules.stars.notice_days)
    return await read_run(session, actor, run.id)


async def finalize(session: AsyncSession, actor: Actor, run_id: int, now: datetime) -> RunDetail:
    run, _ = await _run_in_reach(session, actor, run_id, RATERS)
    if run.status != "notice":
        raise Conflict("只有公示中的评定可以定级", details={"status": run.status})
    if run.notice_ends_at and now < run.notice_ends_at:
        raise Conflict("公示期未满，不能定级", details={"notice_ends_at": run.notice_ends_at.isoformat()})
    if await open_objections(session, run.id):
        raise Conflict("还有未处理的异议，不能定级", details={"run_id": run.id})
    run.status, run.finalized_at = "final", now
    return await read_run(session, actor, run.id)


async def open_objections(session: AsyncSession, run_id: int) -> int:
    return await session.scalar(select(func.count()).select_from(Objection).join(
        StarRating, StarRating.id == Objection.rating_id).where(StarRating.run_id == run_id,
                                                               Objection.status == "open")) or 0


async def list_runs(session: AsyncSession, actor: Actor, area_id: int | None) -> list[RunRead]:
    query = select(StarRatingRun).join(Area, Area.id == StarRatingRun.area_id).where(actor.in_scope(Area.path, *READERS))
    if area_id is not None:
        query = query.where(StarRatingRun.area_id == area_id)
    runs = (await session.scalars(query.order_by(StarRatingRun.id.desc()).limit(200))).all()
    return [await read_run_header(session, run) for run in runs]


async def read_run(session: AsyncSession, actor: Actor, run_id: int) -> RunDetail:
    run, _ = await _run_in_reach(session, actor, run_id, READERS)
    rows = (await session.execute(_rows().where(StarRating.run_id == run.id)
                                  .order_by(StarRating.score.desc(), StarRating.id))).all()
    return RunDetail(await read_run_header(session, run), [rating_row(*row) for row in rows])


def _rows():  # noqa: ANN202 - a select of rows with the holder's name
    return select(StarRating, func.coalesce(Account.display_name, Unit.name)) \
        .outerjoin(Account, Account.id == StarRating.account_id).outerjoin(Unit, Unit.id == StarRating.unit_id)


def rating_row(row: StarRating, name: str) -> RatingRow:
    kind = "member" if row.account_id is not None else "unit"
    return RatingRow(row.id, kind, row.account_id or row.unit_id or 0, name, row.points, row.taken, row.completed,
                     row.on_time, row.rated, row.satisfied, row.score / 10, row.stars)


async def read_run_header(session: AsyncSession, run: StarRatingRun) -> RunRead:
    area_name = await session.scalar(select(Area.name).where(Area.id == run.area_id)) or ""
    return RunRead(run.id, run.area_id, area_name, run.period, run.period_start,
                   run.period_end - timedelta(days=1), run.status, RUN_STATUS_NAMES[run.status], run.rule_version,
                   run.digest, run.computed_at, run.notice_ends_at, run.finalized_at,
                   await open_objections(session, run.id))


async def _area_in_reach(session: AsyncSession, actor: Actor, area_id: int, roles: tuple[Role, ...]) -> Area:
    area = await session.get(Area, area_id)
    if area is None or not actor.covers(area.path, *roles):
        raise NotFound("区域不存在", field="area_id")
    return area


async def _run_in_reach(session: AsyncSession, actor: Actor, run_id: int,
                        roles: tuple[Role, ...]) -> tuple[StarRatingRun, Area]:
    run = await session.get(StarRatingRun, run_id)
    area = await session.get(Area, run.area_id) if run else None
    if run is None or area is None or not actor.covers(area.path, *roles):
        raise NotFound("星级评定不存在")
    return run, area
