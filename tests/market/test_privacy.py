"""Contact details: masked for all but the resident and the serving assignee; reveals are logged."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from market.accounts.phones import mask_phone, normalise_phone
from market.database import Database
from market.errors import InvalidInput
from market.models import RevealLog
from market.orders.masking import mask_address
from tests.market.flows import signed_in
from tests.market.world import World

FULL_ADDRESS = "和平路12号3幢2单元1203室"


@pytest.mark.parametrize(("raw", "normal"), [("13800138000", "13800138000"), ("+86 138-0013-8000", "13800138000"),
                                             ("0086 13800138000", "13800138000"), ("(138)00138000", "13800138000")])
def test_phones_are_normalised(raw: str, normal: str) -> None:
    assert normalise_phone(raw) == normal


@pytest.mark.parametrize("raw", ["1380013800", "23800138000", "010-12345678", "138001380001", "abc"])
def test_a_phone_that_is_not_a_mainland_mobile_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        normalise_phone(raw)
    assert raised.value.field == "phone"


def test_masks_keep_only_what_identifies_nobody() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_address(FULL_ADDRESS) == "和平路12号3幢****"
    assert mask_address("幸福里5号") == "幸福里5号"[:2] + "****"
    assert mask_address("春晖社区和平路88号201室") == "春晖社区和平路88号****"


async def test_the_assignee_sees_contact_details_only_while_serving(client: AsyncTestClient, world: World,
                                                                    database: Database) -> None:
    ids = [world.resident, world.dispatcher, world.member]
    flows = await signed_in(client, world, database, *ids)
    made = await flows.order_in("offered")
    url = f"/api/orders/{made.order_id}"
    before = await flows.call("GET", url, world.member)
    assert before["requester"]["phone"] == "138****0001" and before["address"] == "和平路12号3幢****"
    await flows.call("POST", f"/api/offers/{made.offer_id}/accept", world.member)
    serving = await flows.call("GET", url, world.member)
    assert serving["requester"]["phone"] == "13800000001" and serving["address"] == FULL_ADDRESS
    await flows.call("POST", f"{url}/start", world.member)
    await flows.call("POST", f"{url}/complete", world.member, files={"note": (None, "好了")})
    after = await flows.call("GET", url, world.member)
    assert after["requester"]["phone"] == "138****0001"
    assert (await flows.call("GET", url, world.resident))["requester"]["phone"] == "13800000001"


async def test_staff_see_masked_details_until_they_reveal_with_a_reason_which_is_logged(
        client: AsyncTestClient, world: World, database: Database) -> None:
    ids = [world.resident, world.dispatcher, world.auditor]
    flows = await signed_in(client, world, database, *ids)
    made = await flows.order_in("open")
    url = f"/api/orders/{made.order_id}"
    assert (await flows.call("GET", url, world.dispatcher))["requester"]["phone"] == "138****0001"
    no_reason = await client.post(f"{url}/reveal", json={"field": "phone", "reason": ""},
                                  headers=flows.headers[world.dispatcher])
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    revealed = await flows.call("POST", f"{url}/reveal", world.dispatcher, json={"field": "phone", "reason": "电话回访"})
    address = await flows.call("POST", f"{url}/reveal", world.dispatcher, json={"field": "address", "reason": "上门核实"})
    assert revealed["value"] == "13800000001" and address["value"] == FULL_ADDRESS
    async with database.transaction(write=False) as session:
        logs = (await session.scalars(select(RevealLog).order_by(RevealLog.id))).all()
    assert [(log.actor_id, log.subject_id, log.field, log.reason) for log in logs] == [
        (world.dispatcher, world.resident, "phone", "电话回访"), (world.dispatcher, world.resident, "address", "上门核实")]
    assert all(log.order_id == made.order_id and log.at is not None for log in logs)
