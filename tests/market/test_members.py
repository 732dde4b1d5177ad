"""双报到: a member reports to a community, the unit confirms, the community sees who came; no contact data."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from market.database import Database
from tests.conftest import SECRET
from tests.market.world import World, bearer

REPORT = {"skills": ["electrician"], "categories": ["repair"], "availability": [[5, 540, 1020]], "capacity": 2,
          "radius_m": 3000, "yearly_target": 12}


async def test_reporting_in_confirmation_and_the_community_list(client: AsyncTestClient, world: World,
                                                               database: Database) -> None:
    resident, unit_admin, dispatcher, other = await bearer(
        database, [world.resident, world.unit_admin, world.dispatcher, world.other_dispatcher], SECRET)
    reported = await client.post("/api/members/report", headers=resident,
                                 json={**REPORT, "community_id": world.community, "work_unit_id": world.unit})
    assert reported.status_code == 201 and reported.json()["unit_confirmed"] is False
    twice = await client.post("/api/members/report", headers=resident, json={**REPORT, "community_id": world.community})
    assert twice.status_code == 409
    confirmed = await client.post(f"/api/units/{world.unit}/members/{world.resident}/confirm", headers=unit_admin)
    assert confirmed.json()["unit_confirmed"] is True
    listed = await client.get(f"/api/communities/{world.community}/members", headers=dispatcher)
    assert world.resident in [m["account_id"] for m in listed.json()]
    assert "138" not in listed.text and "phone" not in listed.text
    hidden = await client.get(f"/api/communities/{world.community}/members", headers=other)
    assert hidden.status_code == 404


async def test_a_bad_report_names_the_field(client: AsyncTestClient, world: World, database: Database) -> None:
    [resident] = await bearer(database, [world.resident], SECRET)
    for change, field in (({"community_id": world.grid}, "community_id"), ({"categories": ["x"]}, "categories"),
                          ({"availability": [[7, 0, 60]]}, "availability"), ({"capacity": -1}, "capacity"),
                          ({"latitude": 30.1}, "latitude")):
        response = await client.post("/api/members/report", headers=resident,
                                     json={**REPORT, "community_id": world.community, **change})
        assert response.status_code == 400 and response.json()["field"] == field, (change, response.text)


async def test_a_member_updates_their_profile(client: AsyncTestClient, world: World, database: Database) -> None:
    [member] = await bearer(database, [world.member], SECRET)
    updated = await client.put("/api/members/me", headers=member, json={**REPORT, "capacity": 3})
    assert updated.status_code == 200 and updated.json()["capacity"] == 3

