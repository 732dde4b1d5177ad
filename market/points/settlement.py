"""The settlement job: closed orders earn pending awards, and lapsed offers beyond the allowance cost points.

A batch claims its closed orders first (`UPDATE orders SET points_settled_at … WHERE points_settled_at
IS NULL RETURNING`), so two sweepers never settle one order twice; every entry is unique on its source
besides. Holders are then written in ascending id order, so two sweepers never wait on each other in a ring.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.database import Database
from market.models import LedgerEntry, MemberProfile, Offer, Order, OrderEvent, Rating
from market.points import ledger
from market.points.awards import Assignee, Award, OrderFacts, order_awards
from market.points.ledger import DailyCap, NewEntry
from market.points.rules import current_rules
from market.visits.periods import local_midnight
from market.vocab import OfferStatus, OrderStatus

BATCH_SIZE = 200


async def settle_points(database: Database, now: datetime, zone: ZoneInfo, batch_size: int = BATCH_SIZE
                        ) -> dict[str, int]:
    orders = await database.in_batches(lambda session: _settle_orders(session, now, zone, batch_size), batch_size)
    async with database.transaction() as session:
        penalties = await penalise_lapses(session, now, zone)
    return {"orders_settled": orders, "penalties": penalties}


async def _settle_orders(session: AsyncSession, now: datetime, zone: ZoneInfo, batch_size: int) -> tuple[int, int]:
    # The status as a literal, so that SQLite sees the partial index on unsettled closed orders applies.
    due = (await session.scalars(select(Order.id).where(
        Order.status == literal_column("'closed'"), Order.points_settled_at.is_(None))
        .order_by(Order.id).limit(batch_size))).all()
    if not due:
        return 0, 0
    claimed = sorted((await session.scalars(
        update(Order).where(Order.id.in_(due), Order.points_settled_at.is_(None)).values(points_settled_at=now)
        .returning(Order.id).execution_options(synchronize_session=False))).all())
    await award_orders(session, claimed, now, zone)
    return len(due), len(claimed)


async def award_orders(session: AsyncSession, order_ids: list[int], now: datetime, zone: ZoneInfo) -> int:
    """Write the closed orders' awards (each once, whoever else writes them); the number written now."""
    rules = await current_rules(session, now)
    cap = DailyCap(rules.rules.daily_cap, local_midnight(now.astimezone(zone).date(), zone))
    planned = []
    for facts, event_id, area_id in await order_facts(session, order_ids):
        planned += [(award, facts.order_id, event_id, area_id) for award in order_awards(facts, rules.rules)]
    holders: dict[tuple[int | None, int | None], int] = {}
    for award, *_ in planned:
        key = (award.member_id, award.unit_id)
        if key not in holders:
            holders[key] = (await ledger.holder(session, now, member_id=award.member_id, unit_id=award.unit_id)).id
    written = 0
    for award, order_id, event_id, area_id in sorted(planned, key=lambda p: holders[(p[0].member_id, p[0].unit_id)]):
        made = await ledger.append(session, holders[(award.member_id, award.unit_id)], _award_entry(
            award, order_id, event_id, area_id, rules.version), now, cap=cap)
        written += made is not None
    return written


def _award_entry(award: Award, order_id: int, event_id: int, area_id: int, version: int) -> NewEntry:
    return NewEntry(kind="award", points=award.points, source_key=award.source_key, rule_version=version,
                    area_id=area_id, order_id=order_id, source_event_id=event_id, note=award.note)


async def order_facts(session: AsyncSession, order_ids: list[int]) -> list[tuple[OrderFacts, int, int]]:
    """Each closed order's facts for the award rules, with the event that closed it and its area."""
    if not order_ids:
        return []
    orders = (await session.scalars(select(Order).where(Order.id.in_(order_ids)).order_by(Order.id))).all()
    closing = dict((await session.execute(select(OrderEvent.order_id, func.max(OrderEvent.id)).where(
        OrderEvent.order_id.in_(order_ids), OrderEvent.to_status == OrderStatus.CLOSED)
        .group_by(OrderEvent.order_id))).all())
    stars = dict((await session.execute(select(Rating.order_id, Rating.stars).where(
        Rating.order_id.in_(order_ids)))).all())
    offers = (await session.execute(
        select(Offer.order_id, Offer.member_id, Offer.unit_id, Offer.responded_at, Offer.accept_due_at,
               MemberProfile.work_unit_id, MemberProfile.unit_confirmed_at)
        .outerjoin(MemberProfile, MemberProfile.account_id == Offer.member_id)
        .where(Offer.order_id.in_(order_ids), Offer.status == OfferStatus.ACCEPTED))).all()
    assignees: dict[int, list[Assignee]] = defaultdict(list)
    for order_id, member_id, unit_id, responded_at, accept_due_at, work_unit_id, confirmed_at in offers:
        on_time = responded_at is not None and (accept_due_at is None or responded_at <= accept_due_at)
        # An offer to a unit is the unit's own order: it earns in full, and so does the member it named.
        # A member's own offer earns the member, and their confirmed work unit its share.
        assignees[order_id].append(Assignee(member_id, unit_id, on_time,
                                            work_unit_id if member_id and confirmed_at and not unit_id else None))
    return [(OrderFacts(
        order_id=o.id, title=o.title, kind=o.kind, category=o.category_code, triage=o.triage,
        completed_on_time=o.completed_at is not None and (o.due_at is None or o.completed_at <= o.due_at),
        stars=stars.get(o.id), decision=o.points_decision, assignees=tuple(assignees[o.id])),
        closing[o.id], o.area_id) for o in orders if o.id in closing]


async def penalise_lapses(session: AsyncSession, now: datetime, zone: ZoneInfo) -> int:
    """Each member's lapsed offers of this month and the last beyond the monthly allowance cost points."""
    rules = await current_rules(session, now)
    if rules.rules.lapse_penalty == 0:
        return 0
    this_month = now.astimezone(zone).date().replace(day=1)
    since = local_midnight((this_month - timedelta(days=1)).replace(day=1), zone)
    lapses = (await session.execute(
        select(Offer.id, Offer.member_id, Offer.order_id, Offer.responded_at)
        .where(Offer.status == OfferStatus.EXPIRED, Offer.member_id.is_not(None), Offer.responded_at >= since)
        .order_by(Offer.member_id, Offer.responded_at, Offer.id))).all()
    seen: dict[tuple[int, str], int] = defaultdict(int)
    beyond = []
    for offer_id, member_id, order_id, responded_at in lapses:
        month = responded_at.astimezone(zone).strftime("%Y-%m")
        seen[(member_id, month)] += 1
        if seen[(member_id, month)] > rules.rules.lapse_allowance_per_month:
            beyond.append((offer_id, member_id, order_id, month, seen[(member_id, month)]))
    done = set(await session.scalars(select(LedgerEntry.offer_id).where(
        LedgerEntry.offer_id.in_([b[0] for b in beyond] or [-1]), LedgerEntry.kind == "penalty")))
    written = 0
    for offer_id, member_id, order_id, month, count in beyond:
        if offer_id in done:
            continue
        account = await ledger.holder(session, now, member_id=member_id)
        note = f"{month} 第 {count} 次派单超时未响应（每月允许 {rules.rules.lapse_allowance_per_month} 次）"
        made = await ledger.append(session, account.id, NewEntry(
            kind="penalty", points=-rules.rules.lapse_penalty, source_key=f"lapse:offer:{offer_id}",
            rule_version=rules.version, area_id=account.area_id, order_id=order_id, offer_id=offer_id, note=note), now)
        written += made is not None
    return written
