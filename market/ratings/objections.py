"""异议 during 公示: the rated member (or the unit's admin) files one; an auditor upholds it, with a recomputation of
that row, or dismisses it. And each one's own ratings."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.errors import Conflict, NotFound
from market.models import Area, Objection, StarRating, StarRatingRun
from market.ratings.schemas import OBJECTION_STATUS_NAMES, MyRating, ObjectionRead
from market.ratings.service import RATERS, _rows, rating_row, read_run_header, recompute_row


async def my_ratings(session: AsyncSession, actor: Actor) -> list[MyRating]:
    """Published (公示 or final) rows about the caller, or about the units they administer."""
    rows = (await session.execute(_rows().join(StarRatingRun, StarRatingRun.id == StarRating.run_id).where(
        StarRatingRun.status != "draft",
        or_(StarRating.account_id == actor.account_id, StarRating.unit_id.in_(actor.unit_ids() or {-1})))
        .order_by(StarRatingRun.period.desc(), StarRating.id))).all()
    runs = {run.id: run for run in await session.scalars(
        select(StarRatingRun).where(StarRatingRun.id.in_({row.run_id for row, _ in rows} or {-1})))}
    return [MyRating(await read_run_header(session, runs[row.run_id]), rating_row(row, name)) for row, name in rows]


async def file_objection(session: AsyncSession, actor: Actor, rating_id: int, reason: str,
                         now: datetime) -> ObjectionRead:
    row = await session.get(StarRating, rating_id)
    if row is None or not (row.account_id == actor.account_id or row.unit_id in actor.unit_ids()):
        raise NotFound("星级评定不存在")
    run = await session.get(StarRatingRun, row.run_id)
    assert run is not None
    if run.status != "notice" or (run.notice_ends_at and now >= run.notice_ends_at):
        raise Conflict("只能在公示期内提出异议", details={"status": run.status})
    if await session.scalar(select(Objection.id).where(Objection.rating_id == row.id)):
        raise Conflict("每次评定只能提出一次异议，已经提出过了", details={"rating_id": row.id})
    objection = Objection(rating_id=row.id, filed_by_id=actor.account_id, reason=reason.strip(), status="open",
                          filed_at=now)
    session.add(objection)
    await session.flush()
    return await read_objection(session, objection.id)


async def decide(session: AsyncSession, actor: Actor, objection_id: int, upheld: bool, note: str, zone: ZoneInfo,
                 now: datetime) -> ObjectionRead:
    """Uphold (the row is computed again from today's data, e.g. after a ledger correction) or dismiss; once."""
    objection = await session.get(Objection, objection_id)
    row = await session.get(StarRating, objection.rating_id) if objection else None
    run = await session.get(StarRatingRun, row.run_id) if row else None
    area_path = await session.scalar(select(Area.path).where(Area.id == run.area_id)) if run else None
    if objection is None or row is None or run is None or area_path is None or not actor.covers(area_path, *RATERS):
        raise NotFound("异议不存在")
    if objection.status != "open":
        raise Conflict("该异议已处理", details={"objection_id": objection.id})
    before = row.stars
    if upheld:
        await recompute_row(session, run, row, zone)
    objection.status = "upheld" if upheld else "dismissed"
    objection.decided_by_id, objection.decision_note, objection.decided_at = actor.account_id, note.strip(), now
    await session.flush()
    read = await read_objection(session, objection.id)
    read.stars_before, read.stars_after = before, row.stars
    return read


async def run_objections(session: AsyncSession, actor: Actor, run_id: int) -> list[ObjectionRead]:
    run = await session.get(StarRatingRun, run_id)
    area_path = await session.scalar(select(Area.path).where(Area.id == run.area_id)) if run else None
    if run is None or area_path is None or not actor.covers(area_path, *RATERS):
        raise NotFound("星级评定不存在")
    rows = await session.execute(_rows().add_columns(Objection).join(Objection, Objection.rating_id == StarRating.id)
                                 .where(StarRating.run_id == run_id).order_by(Objection.id))
    return [_read(objection, row, name) for row, name, objection in rows.all()]


async def read_objection(session: AsyncSession, objection_id: int) -> ObjectionRead:
    objection = await session.get(Objection, objection_id, populate_existing=True)
    assert objection is not None
    row, name = (await session.execute(_rows().where(StarRating.id == objection.rating_id))).one()
    return _read(objection, row, name)


def _read(objection: Objection, row: StarRating, name: str) -> ObjectionRead:
    return ObjectionRead(objection.id, row.id, row.run_id, name, objection.reason, objection.status,
                         OBJECTION_STATUS_NAMES[objection.status], objection.filed_at, objection.decision_note,
                         objection.decided_at)

