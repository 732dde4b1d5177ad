"""吹哨报到: a dispatcher summons a department; it acknowledges within the limit and reports back, or is escalated."""

from __future__ import annotations

from datetime import timedelta

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from market.clock import ManualClock
from market.database import Database
from market.models import Account, Notification, RoleGrant, Unit
from market.summons.jobs import watch_summons
from market.vocab import Role
from tests.market.flows import Flows, move_clock, signed_in
from tests.market.world import START, World

MINUTE = timedelta(minutes=1)


async def _department(database: Database, world: World) -> tuple[int, int]:
    """A department whose admin is the world's unit admin, and a staff member of the street."""
    async with database.transaction() as session:
        unit = Unit(name="城管执法中队", kind="department", area_id=world.street, created_at=START)
        street_staff = Account(username="street-staff", display_name="街道值班", password_hash="-", created_at=START)
        session.add_all([unit, street_staff])
        await session.flush()
        session.add_all([
            RoleGrant(account_id=world.unit_admin, role=Role.UNIT_ADMIN, area_id=world.street, unit_id=unit.id,
                      created_at=START),
            RoleGrant(account_id=street_staff.id, role=Role.DISPATCHER, area_id=world.street, created_at=START)])
        return unit.id, street_staff.id


async def _flows(client: AsyncTestClient, world: World, database: Database) -> Flows:
    return await signed_in(client, world, database, *[world.resident, world.dispatcher, world.other_dispatcher, world.member, world.unit_admin])


async def _inbox(database: Database, account_id: int) -> list[str]:
    async with database.transaction(write=False) as session:
        return list((await session.scalars(select(Notification.kind).where(Notification.recipient_id == account_id)
                                           .order_by(Notification.id))).all())


async def test_a_summoned_department_acknowledges_in_time_and_reports_back(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    department, _ = await _department(database, world)
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    summons = await flows.call("POST", f"/api/orders/{made.order_id}/summons", world.dispatcher,
                               json={"unit_id": department, "note": "消防通道被占，请协助清理"})
    assert summons["ack_due_at"].startswith("2026-11-23T01:30") and summons["unit_name"] == "城管执法中队"
    assert await _inbox(database, world.unit_admin) == ["summons"]
    seen = await flows.call("GET", f"/api/orders/{made.order_id}", world.unit_admin)
    assert seen["id"] == made.order_id and "****" in seen["requester"]["phone"]

    await move_clock(START + 29 * MINUTE, flows, database, clock)
    acknowledged = await flows.call("POST", f"/api/summons/{summons['id']}/acknowledge", world.unit_admin)
    assert acknowledged["acknowledged_at"] is not None and not acknowledged["ack_missed"]
    again = await client.post(f"/api/summons/{summons['id']}/acknowledge", headers=flows.headers[world.unit_admin])
    assert again.status_code == 409
    reported = await flows.call("POST", f"/api/summons/{summons['id']}/report", world.unit_admin,
                                json={"report": "已清理完毕"})
    assert reported["report"] == "已清理完毕"
    assert await watch_summons(database, START + timedelta(days=3)) == {"ack_missed": 0, "report_overdue": 0}
    assert await _inbox(database, world.dispatcher) == ["summons"]  # told of the report
    listed = await flows.call("GET", "/api/orders", world.unit_admin)
    assert [o["id"] for o in listed["items"]] == [made.order_id]


async def test_a_missed_acknowledgement_is_escalated_to_the_street_and_stays_on_record(
        client: AsyncTestClient, world: World, database: Database, clock: ManualClock) -> None:
    department, street_staff = await _department(database, world)
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    summons = await flows.call("POST", f"/api/orders/{made.order_id}/summons", world.dispatcher,
                               json={"unit_id": department, "note": "请协助", "report_within_hours": 2})
    assert await watch_summons(database, START + 30 * MINUTE - timedelta(seconds=1)) == {
        "ack_missed": 0, "report_overdue": 0}
    assert await watch_summons(database, START + 30 * MINUTE + timedelta(seconds=1)) == {
        "ack_missed": 1, "report_overdue": 0}
    assert await _inbox(database, street_staff) == ["summons_late"]
    assert await _inbox(database, world.dispatcher) == ["summons_late"]
    assert await watch_summons(database, START + 31 * MINUTE) == {"ack_missed": 0, "report_overdue": 0}

    await move_clock(START + 40 * MINUTE, flows, database, clock)
    late = await flows.call("POST", f"/api/summons/{summons['id']}/acknowledge", world.unit_admin)
    assert late["acknowledged_at"] is not None and late["ack_missed"]
    assert await watch_summons(database, START + 3 * 60 * MINUTE) == {"ack_missed": 0, "report_overdue": 1}
    [listed] = await flows.call("GET", "/api/summons", world.dispatcher)
    assert (listed["id"], listed["ack_missed"], listed["report_overdue"]) == (summons["id"], True, True)
    assert await flows.call("GET", "/api/summons", world.other_dispatcher) == []


async def test_only_a_department_is_summoned_with_a_reason_by_the_orders_own_dispatcher(
        client: AsyncTestClient, world: World, database: Database) -> None:
    department, _ = await _department(database, world)
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    url = f"/api/orders/{made.order_id}/summons"
    business = await client.post(url, json={"unit_id": world.unit, "note": "请协助"},
                                 headers=flows.headers[world.dispatcher])
    assert business.status_code == 400 and business.json()["field"] == "unit_id"
    silent = await client.post(url, json={"unit_id": department, "note": "  "}, headers=flows.headers[world.dispatcher])
    assert silent.status_code == 400 and silent.json()["field"] == "note"
    outsider = await client.post(url, json={"unit_id": department, "note": "请协助"},
                                 headers=flows.headers[world.other_dispatcher])
    assert outsider.status_code == 404
    await flows.call("POST", url, world.dispatcher, json={"unit_id": department, "note": "请协助"})
    twice = await client.post(url, json={"unit_id": department, "note": "再次请协助"},
                              headers=flows.headers[world.dispatcher])
    assert twice.status_code == 409 and twice.json()["field"] == "unit_id"
    closed = await flows.order_in("closed")
    late = await client.post(f"/api/orders/{closed.order_id}/summons", json={"unit_id": department, "note": "请协助"},
                             headers=flows.headers[world.dispatcher])
    assert late.status_code == 409 and late.json()["details"]["current_state"] == "closed"


async def test_a_summons_of_a_cancelled_order_is_no_longer_chased(client: AsyncTestClient, world: World,
                                                                  database: Database) -> None:
    department, _ = await _department(database, world)
    flows = await _flows(client, world, database)
    made = await flows.order_in("open")
    await flows.call("POST", f"/api/orders/{made.order_id}/summons", world.dispatcher,
                     json={"unit_id": department, "note": "请协助"})
    await flows.call("POST", f"/api/orders/{made.order_id}/cancel", world.resident, json={"reason": "已自行解决"})
    assert await watch_summons(database, START + timedelta(days=3)) == {"ack_missed": 0, "report_overdue": 0}
