"""Writing notifications in bulk, once per event and recipient, and reading and marking one's inbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import DISPATCHERS, Actor
from market.database import insert_ignoring
from market.errors import NotFound
from market.models import Notification, Order, OutboxMessage, RoleGrant
from market.vocab import NotificationKind, Role


@dataclass(frozen=True)
class Note:
    recipient_id: int
    kind: NotificationKind
    title: str
    body: str
    order_id: int | None
    dedupe_key: str  # the event and the recipient: "offer_expired:17:42"


class NotificationRead(msgspec.Struct):
    id: int
    kind: str
    kind_name: str
    title: str
    body: str
    order_id: int | None
    created_at: datetime
    read_at: datetime | None


class Inbox(msgspec.Struct):
    items: list[NotificationRead]
    total: int
    unread: int


async def notify(session: AsyncSession, notes: Sequence[Note], now: datetime) -> int:
    """Each note into its recipient's inbox and the outbox, in the caller's transaction; a note whose
    dedupe key is already there is skipped, so an event handled twice notifies once. Returns how many were new."""
    if not notes:
        return 0
    rows = [{**asdict(note), "kind": str(note.kind), "created_at": now} for note in notes]
    inserted = (await session.execute(
        insert_ignoring(session.bind.dialect.name, Notification, ["dedupe_key"]).returning(Notification.id),
        rows)).scalars().all()
    if inserted:
        await session.execute(OutboxMessage.__table__.insert(),
                              [{"notification_id": n, "created_at": now, "attempts": 0} for n in inserted])
    return len(inserted)


async def tell_requester(session: AsyncSession, order: Order, kind: NotificationKind, title: str, body: str,
                         now: datetime) -> None:
    """The resident the order is for hears of it (each state the order reaches, once)."""
    if order.requester_id:
        await notify(session, [Note(order.requester_id, kind, title, body, order.id,
                                    f"{kind}:{order.id}:{order.version}")], now)


async def area_staff(session: AsyncSession, area_ids: Sequence[int]) -> dict[int, list[int]]:
    """Who holds a staff role (dispatcher, admin) on exactly that area: that level's own people."""
    found: dict[int, list[int]] = {}
    for area_id, account_id in (await session.execute(select(RoleGrant.area_id, RoleGrant.account_id).where(
            RoleGrant.area_id.in_(list(area_ids)), RoleGrant.role.in_(DISPATCHERS)))).all():
        found.setdefault(area_id, []).append(account_id)
    return found


async def unit_admins(session: AsyncSession, unit_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each unit's admins, who answer for it."""
    found: dict[int, list[int]] = {}
    for unit_id, account_id in (await session.execute(
            select(RoleGrant.unit_id, RoleGrant.account_id).where(
                RoleGrant.unit_id.in_(list(unit_ids) or [-1]), RoleGrant.role == Role.UNIT_ADMIN)
            .order_by(RoleGrant.account_id))).all():
        found.setdefault(unit_id, []).append(account_id)
    return found


async def inbox(session: AsyncSession, actor: Actor, unread_only: bool, limit: int, offset: int) -> Inbox:
    mine = Notification.recipient_id == actor.account_id
    shown = mine & Notification.read_at.is_(None) if unread_only else mine
    total = await session.scalar(select(func.count()).select_from(Notification).where(shown)) or 0
    unread = await session.scalar(select(func.count()).select_from(Notification)
                                  .where(mine, Notification.read_at.is_(None))) or 0
    rows = (await session.scalars(select(Notification).where(shown).order_by(Notification.id.desc())
                                  .limit(limit).offset(offset))).all()
    return Inbox([_read(n) for n in rows], total, unread)


async def mark_read(session: AsyncSession, actor: Actor, notification_id: int, now: datetime) -> NotificationRead:
    note = await session.get(Notification, notification_id)
    if note is None or note.recipient_id != actor.account_id:
        raise NotFound("消息不存在")
    note.read_at = note.read_at or now
    await session.flush()
    return _read(note)


async def mark_all_read(session: AsyncSession, actor: Actor, now: datetime) -> int:
    result = await session.execute(update(Notification).where(
        Notification.recipient_id == actor.account_id, Notification.read_at.is_(None)).values(read_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def _read(note: Notification) -> NotificationRead:
    return NotificationRead(note.id, note.kind, NotificationKind(note.kind).label, note.title, note.body,
                            note.order_id, note.created_at, note.read_at)
