"""Reading rounds: a list for an area, one round with its assignments and unserved orders."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import DISPATCHERS, Actor
from market.dispatch.rounds import staff_area, staff_run
from market.dispatch.schemas import AssignmentRead, RoundDetail, RoundRead, UnitBrief, UnservedRead
from market.models import Account, MatchAssignment, MatchRun, Order, Unit
from market.orders.schemas import PersonRead
from market.vocab import Role, RoundStatus, UnservedReason

READERS = (*DISPATCHERS, Role.AUDITOR)  # who may read rounds and weights


async def list_rounds(session: AsyncSession, actor: Actor, area_id: int, limit: int,
                      offset: int) -> tuple[list[RoundRead], int]:
    area = await staff_area(session, actor, area_id, *READERS)
    where = MatchRun.area_id == area.id
    total = await session.scalar(select(func.count()).select_from(MatchRun).where(where)) or 0
    runs = (await session.scalars(select(MatchRun).where(where).order_by(MatchRun.id.desc())
                                  .limit(limit).offset(offset))).all()
    return [round_read(run) for run in runs], total


async def read_round(session: AsyncSession, actor: Actor, run_id: int) -> RoundDetail:
    run = await staff_run(session, actor, run_id, *READERS)
    rows = (await session.execute(
        select(MatchAssignment, Order.title, Account.display_name, Unit.name)
        .join(Order, Order.id == MatchAssignment.order_id)
        .outerjoin(Account, Account.id == MatchAssignment.member_id).outerjoin(Unit, Unit.id == MatchAssignment.unit_id)
        .where(MatchAssignment.run_id == run.id).order_by(MatchAssignment.order_id, MatchAssignment.id))).all()
    assignments = [AssignmentRead(
        id=a.id, order_id=a.order_id, order_title=title,
        member=PersonRead(a.member_id, name) if a.member_id else None,
        unit=UnitBrief(a.unit_id, unit_name) if a.unit_id else None,
        distance_m=a.distance_m, distance=a.distance, outside=a.outside, fairness=a.fairness,
        same_community=a.same_community, overridden=a.overridden_by_id is not None, offer_id=a.offer_id,
        skipped=a.skipped) for a, title, name, unit_name in rows]
    unserved = [UnservedRead(item["order_id"], item["slots"], item["reason"], UnservedReason(item["reason"]).label)
                for item in run.unserved or []]
    return RoundDetail(**_fields(run), assignments=assignments, unserved=unserved)


def round_read(run: MatchRun) -> RoundRead:
    return RoundRead(**_fields(run))


def _fields(run: MatchRun) -> dict:
    return {
        "id": run.id, "area_id": run.area_id, "started_by_id": run.started_by_id, "dry_run": run.dry_run, "status": run.status,
        "status_name": RoundStatus(run.status).label, "solver": run.solver, "weights": dict(run.weights),
        "orders_count": run.orders_count, "candidates_count": run.candidates_count, "pairs_count": run.pairs_count,
        "assigned_count": run.assigned_count, "objective": run.objective, "lower_bound": run.lower_bound,
        "seconds": run.seconds, "started_at": run.started_at, "finished_at": run.finished_at,
        "committed_at": run.committed_at, "error": run.error, "problem_file": run.problem_path,
        "result_file": run.result_path,
    }
