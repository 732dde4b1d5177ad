"""The summons watch: a department that misses its acknowledgement is escalated and it counts against it;
a report past its deadline is flagged to whoever summoned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update

from market.areas.tree import areas_by_id, level_above
from market.database import Database
from market.models import Order, Summons, Unit
from market.notifications.service import Note, area_staff, notify, unit_admins
from market.summons.service import SUMMONABLE
from market.vocab import AreaLevel, NotificationKind


async def watch_summons(database: Database, now: datetime) -> dict[str, int]:
    # A summons of an order that was settled meanwhile (closed, cancelled …) is no longer chased.
    live = exists().where(Order.id == Summons.order_id, Order.status.in_(SUMMONABLE))
    async with database.transaction() as session:
        missed = (await session.execute(
            update(Summons).where(Summons.acknowledged_at.is_(None), Summons.ack_missed_at.is_(None),
                                  Summons.ack_due_at <= now, live)
            .values(ack_missed_at=now).returning(Summons.id, Summons.order_id, Summons.unit_id, Summons.summoned_by_id)
            .execution_options(synchronize_session=False))).all()
        overdue = (await session.execute(
            update(Summons).where(Summons.reported_at.is_(None), Summons.report_overdue_at.is_(None),
                                  Summons.report_due_at <= now, live)
            .values(report_overdue_at=now)
            .returning(Summons.id, Summons.order_id, Summons.unit_id, Summons.summoned_by_id)
            .execution_options(synchronize_session=False))).all()
        rows = missed + overdue
        orders = dict((await session.execute(select(Order.id, Order.area_id).where(
            Order.id.in_([row[1] for row in rows] or [-1])))).all())
        titles = dict((await session.execute(select(Order.id, Order.title).where(Order.id.in_(list(orders) or [-1]))))
                      .all())
        units = dict((await session.execute(select(Unit.id, Unit.name).where(
            Unit.id.in_([row[2] for row in rows] or [-1])))).all())
        areas = await areas_by_id(session)
        streets = {order_id: level_above(areas, area_id, AreaLevel.STREET) for order_id, area_id in orders.items()}
        street_staff = await area_staff(session, [s for s in streets.values() if s])
        admins = await unit_admins(session, [row[2] for row in overdue])
        notes = []
        for summons_id, order_id, unit_id, summoner in missed:
            # Escalated: the street's staff hear of it as well as the dispatcher who blew the whistle.
            for recipient in sorted({summoner, *street_staff.get(streets.get(order_id) or -1, [])}):
                notes.append(Note(recipient, NotificationKind.SUMMONS_LATE, "部门未按时报到",
                                  f"{units[unit_id]}未在时限内报到「{titles[order_id]}」，已记录并上报街道。", order_id,
                                  f"summons_missed:{summons_id}:{recipient}"))
        for summons_id, order_id, unit_id, summoner in overdue:
            for recipient in sorted({summoner, *admins.get(unit_id, [])}):
                notes.append(Note(recipient, NotificationKind.SUMMONS_LATE, "部门反馈超时",
                                  f"{units[unit_id]}尚未反馈「{titles[order_id]}」的办理情况，已超过时限。", order_id,
                                  f"summons_overdue:{summons_id}:{recipient}"))
        await notify(session, notes, now)
    return {"ack_missed": len(missed), "report_overdue": len(overdue)}
