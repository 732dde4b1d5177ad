"""Dispatch rounds: collect, solve off the event loop, record the run with its files, and commit its offers."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import DISPATCHERS, Actor
from market.clock import Clock
from market.database import Database
from market.dispatch.problem import RoundInput, collect
from market.dispatch.runner import RoundSolver
from market.dispatch.weights import weights_for
from market.errors import Conflict, MarketError, NotFound
from market.models import Area, MatchAssignment, MatchRun
from market.orders.offers import offer_from_round
from market.settings import Settings
from market.vocab import Role, RoundStatus, UnservedReason
from matching.problem import write_problem
from matching.result import Result


async def staff_area(session: AsyncSession, actor: Actor, area_id: int, *roles: Role) -> Area:
    area = await session.get(Area, area_id)
    if area is None or not actor.covers(area.path, *(roles or DISPATCHERS)):
        raise NotFound("区域不存在")
    return area


async def start_round(database: Database, solver: RoundSolver, settings: Settings, actor: Actor, area_id: int,
                      dry_run: bool, accept_within_minutes: int, clock: Clock) -> int:
    """Runs a round for the area and returns its id; without dry_run its offers are made at once."""
    started = clock.now()
    async with database.transaction(write=False) as session:
        area = await staff_area(session, actor, area_id)
        weights, _ = await weights_for(session, area)
        given = await collect(session, area, weights, started, settings.tz)
    # No transaction is open while the optimiser works: nobody waits on it for a lock.
    problem_file = write_problem(given.problem)
    raw_result, result, seconds = await solver.solve(problem_file)
    files = _save_files(settings.data_dir, problem_file, raw_result)
    try:
        return await _record(database, actor, area, given, result, files, dry_run, accept_within_minutes,
                             Timing(started, clock.now(), seconds))
    except BaseException:
        for path in files:  # the run was not recorded: its files must not linger either
            (Path(settings.data_dir) / path).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Timing:
    started_at: datetime
    finished_at: datetime
    seconds: float


async def _record(database: Database, actor: Actor, area: Area, given: RoundInput, result: Result,
                  files: tuple[str, str], dry_run: bool, accept_within_minutes: int, timing: Timing) -> int:
    weights = given.problem.weights
    async with database.transaction() as session:
        run = MatchRun(area_id=area.id, started_by_id=actor.account_id, dry_run=dry_run,
                       status=RoundStatus.PREVIEW, solver=result.stats.solver,
                       weights=msgspec.structs.asdict(weights), orders_count=result.stats.orders,
                       candidates_count=result.stats.candidates, pairs_count=result.stats.pairs,
                       assigned_count=len(result.assignments), objective=result.objective,
                       lower_bound=result.lower_bound, seconds=timing.seconds, started_at=timing.started_at,
                       finished_at=timing.finished_at,
                       unserved=[{"order_id": given.order_ids[u.order], "slots": u.slots, "reason": u.reason}
                                 for u in result.unserved]
                       + [{"order_id": order_id, "slots": slots, "reason": UnservedReason.WINDOW_PASSED}
                          for order_id, slots in given.window_passed])
        run.problem_path, run.result_path = files
        session.add(run)
        await session.flush()
        session.add_all(_assignments(run.id, given, result))
        await session.flush()
        if not dry_run:
            await _commit(session, actor, run, accept_within_minutes, timing.finished_at)
        return run.id


async def commit_round(session: AsyncSession, actor: Actor, run_id: int, accept_within_minutes: int,
                       now: datetime) -> None:
    run = await staff_run(session, actor, run_id)
    await _commit(session, actor, run, accept_within_minutes, now)


async def _commit(session: AsyncSession, actor: Actor, run: MatchRun, accept_within_minutes: int,
                  now: datetime) -> None:
    """Offers for every assignment still possible; the others record why not. One transaction."""
    taken = await session.execute(update(MatchRun).where(MatchRun.id == run.id, MatchRun.status == RoundStatus.PREVIEW)
                                  .values(status=RoundStatus.COMMITTED, committed_at=now)
                                  .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise Conflict("该轮次已派单", details={"round_id": run.id, "current_state": RoundStatus.COMMITTED})
    due = now + timedelta(minutes=accept_within_minutes)
    assignments = (await session.scalars(select(MatchAssignment).where(MatchAssignment.run_id == run.id)
                                         .order_by(MatchAssignment.id))).all()
    for assignment in assignments:
        try:
            async with session.begin_nested():
                offer = await offer_from_round(session, actor, assignment.order_id, assignment.member_id,
                                               assignment.unit_id, run.id, _why(assignment), due, now)
            assignment.offer_id = offer.id
        except MarketError as error:
            assignment.skipped = error.message[:120]
    await session.flush()


async def staff_run(session: AsyncSession, actor: Actor, run_id: int, *roles: Role) -> MatchRun:
    """The round, if the caller holds one of `roles` (dispatchers by default) over its area; else 404."""
    run = await session.get(MatchRun, run_id)
    area = await session.get(Area, run.area_id) if run else None
    if run is None or area is None or not actor.covers(area.path, *(roles or DISPATCHERS)):
        raise NotFound("派单轮次不存在")
    return run


def _why(assignment: MatchAssignment) -> dict[str, int]:
    """What the member may read of why the offer came to them: their own terms, nobody else's."""
    return {"distance_m": assignment.distance_m, "same_community": int(assignment.same_community),
            "distance_cost": assignment.distance, "outside_cost": assignment.outside,
            "fairness_cost": assignment.fairness, "by_hand": int(assignment.overridden_by_id is not None)}


def _assignments(run_id: int, given: RoundInput, result: Result) -> list[MatchAssignment]:
    orders = {o.id: o for o in given.problem.orders}
    candidates = {c.id: c for c in given.problem.candidates}
    rows = []
    for item in result.assignments:
        order, candidate = orders[item.order], candidates[item.candidate]
        rows.append(MatchAssignment(
            run_id=run_id, order_id=given.order_ids[item.order], member_id=given.member_ids.get(item.candidate),
            unit_id=given.unit_ids.get(item.candidate),
            distance_m=round(math.hypot(order.x_m - candidate.x_m, order.y_m - candidate.y_m)),
            distance=item.terms.distance, outside=item.terms.outside, fairness=item.terms.fairness,
            same_community=order.community == candidate.community))
    return rows


def _save_files(data_dir: str, problem_file: bytes, raw_result: bytes) -> tuple[str, str]:
    """The problem and result as files under the data folder, so the round can be replayed and checked."""
    folder = Path(data_dir) / "rounds"
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    problem_path, result_path = f"rounds/{name}-problem.json", f"rounds/{name}-result.json"
    (Path(data_dir) / problem_path).write_bytes(problem_file)
    (Path(data_dir) / result_path).write_bytes(raw_result)
    return problem_path, result_path
