"""Admins keeping the SLA policy: minutes to accept and to complete, by order kind and triage type.

An order's deadlines are set from this table when it is approved, so a change applies to orders approved
after it; orders already approved keep their deadlines.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import InvalidInput
from market.examples import example_body
from market.models import SlaPolicy
from market.vocab import OrderKind, Triage

MOST_MINUTES = 365 * 24 * 60  # a year


class SlaRead(msgspec.Struct):
    kind: str
    kind_name: str
    triage: str
    triage_name: str
    accept_minutes: int | None  # None: no row yet (approving such an order sets no deadline)
    complete_minutes: int | None


class SlaUpdate(msgspec.Struct, forbid_unknown_fields=True):
    accept_minutes: int
    complete_minutes: int


async def list_policies(session: AsyncSession) -> list[SlaRead]:
    """Every kind × triage, in the vocabulary's order, with its minutes (or None where no row exists)."""
    rows = {(r.kind, r.triage): r for r in await session.scalars(select(SlaPolicy))}
    return [_read(kind, triage, rows.get((kind.value, triage.value))) for kind in OrderKind for triage in Triage]


async def set_policy(session: AsyncSession, kind: str, triage: str, data: SlaUpdate) -> SlaRead:
    if kind not in {k.value for k in OrderKind}:
        raise InvalidInput("没有这种订单类型", field="kind")
    if triage not in {t.value for t in Triage}:
        raise InvalidInput("处置分类只能是一般、协调、突发、审批", field="triage")
    if not 1 <= data.accept_minutes <= MOST_MINUTES:
        raise InvalidInput(f"接单时限须在 1 到 {MOST_MINUTES} 分钟之间", field="accept_minutes")
    if data.complete_minutes <= data.accept_minutes:
        raise InvalidInput("办结时限须长于接单时限", field="complete_minutes")
    if data.complete_minutes > MOST_MINUTES:
        raise InvalidInput(f"办结时限最长 {MOST_MINUTES} 分钟（一年）", field="complete_minutes")
    row = await session.get(SlaPolicy, (kind, triage))
    if row is None:
        row = SlaPolicy(kind=kind, triage=triage, accept_minutes=data.accept_minutes,
                        complete_minutes=data.complete_minutes)
        session.add(row)
    else:
        row.accept_minutes, row.complete_minutes = data.accept_minutes, data.complete_minutes
    await session.flush()
    return _read(OrderKind(kind), Triage(triage), row)


def _read(kind: OrderKind, triage: Triage, row: SlaPolicy | None) -> SlaRead:
    return SlaRead(kind.value, kind.label, triage.value, triage.label, row.accept_minutes if row else None,
                   row.complete_minutes if row else None)


SlaUpdateBody = example_body(SlaUpdate, {"accept_minutes": 120, "complete_minutes": 1440})
