"""Residents' posts taken in batches (group commit): many posts, one transaction, a few bulk statements.

Posting is the busiest write. One transaction per post pays for its round trips and its commit alone;
here the posts that arrive while a batch is being written wait, and are then written together, by
synchronous code in one worker-thread hop (an async driver would hop threads once per statement). Each
post is still checked on its own and gets its own answer; if a batch fails as a whole, its posts are
written again one by one, so one bad post can only fail itself.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import and_, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from market.clock import Clock
from market.database import Database
from market.errors import Forbidden, InvalidInput, MarketError
from market.models import Account, Area, Category, Order, OrderEvent, ResidentProfile, Skill
from market.orders.posting import MAX_IDEMPOTENCY_KEY, check_draft, new_order
from market.orders.queries import order_read
from market.orders.schemas import EventRead, OrderCreate, OrderDetail
from market.vocab import AreaLevel, OrderSource, OrderStatus

log = logging.getLogger("market.intake")
# Bounded, so a steady stream of posts cannot hold a batch back.
MAX_GATHER_PASSES = 20
# Categories and skills change rarely (an admin's edit); batches reuse them for this long.
TAXONOMY_TTL = timedelta(seconds=10)


@dataclass
class Draft:
    account_id: int
    data: OrderCreate
    key: str | None
    answer: asyncio.Future[Posted] = field(repr=False)


@dataclass(frozen=True)
class Posted:
    """The new order's detail; or, for a retried key, the id of the order the first try made."""

    order_id: int
    created: bool
    detail: OrderDetail | None


class Intake:
    def __init__(self, database: Database, clock: Clock, budget_cap_yuan: int) -> None:
        self.database, self.clock, self.budget_cap_yuan = database, clock, budget_cap_yuan
        self._waiting: list[Draft] = []
        self._arrived = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        # One thread writes every batch: no context copied per batch, and its connection stays warm.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="order-intake")
        self._taxonomy: tuple[datetime, Taxonomy] | None = None

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_forever(), name="order-intake")

    async def stop(self) -> None:
        if self._writer:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
        for draft in self._waiting:
            draft.answer.cancel()
        self._thread.shutdown(wait=True)

    async def submit(self, account_id: int, data: OrderCreate, key: str | None) -> Posted:
        if key is not None and (not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY):
            raise InvalidInput(f"Idempotency-Key 须为 1–{MAX_IDEMPOTENCY_KEY} 个字符", field="Idempotency-Key")
        check_draft(data, self.budget_cap_yuan)
        draft = Draft(account_id, data, key, asyncio.get_running_loop().create_future())
        self._waiting.append(draft)
        self._arrived.set()
        return await draft.answer

    async def _write_forever(self) -> None:
        while True:
            await self._arrived.wait()
            await self._let_posts_gather()
            self._arrived.clear()
            batch, self._waiting = self._waiting, []
            if batch:
                await self._write(batch)

    async def _let_posts_gather(self) -> None:
        """Let requests already being handled join this batch: yield while the queue still grows."""
        for _ in range(MAX_GATHER_PASSES):
            seen = len(self._waiting)
            await asyncio.sleep(0)
            if len(self._waiting) == seen:
                return

    async def _write(self, batch: list[Draft]) -> None:
        now = self.clock.now()
        try:
            async with self.database.write_turn():
                answers = await asyncio.get_running_loop().run_in_executor(self._thread, self._write_batch, batch, now)
        except Exception as error:  # noqa: BLE001 - every post must get an answer
            if len(batch) > 1:
                for draft in batch:
                    await self._write([draft])
                return
            answers = [await asyncio.get_running_loop().run_in_executor(self._thread, self._after_failure, batch[0],
                                                                        error)]
        for draft, answer in zip(batch, answers, strict=True):
            if draft.answer.done():
                continue
            if isinstance(answer, BaseException):
                draft.answer.set_exception(answer)
            else:
                draft.answer.set_result(answer)

    def _write_batch(self, batch: list[Draft], now: datetime) -> list[Posted | MarketError]:
        with Session(self.database.sync_engine) as session, session.begin():
            if self._taxonomy is None or now - self._taxonomy[0] >= TAXONOMY_TTL or now < self._taxonomy[0]:
                self._taxonomy = (now, read_taxonomy(session))
            return post_orders(session, batch, self._taxonomy[1], self.budget_cap_yuan, now)

    def _after_failure(self, draft: Draft, error: Exception) -> Posted | BaseException:
        """A lone post that failed: a concurrent retry with its key may have won; else the error stands."""
        if isinstance(error, IntegrityError) and draft.key is not None:
            with Session(self.database.sync_engine) as session, session.begin():
                previous = _previous(session, [draft])
            if found := previous.get((draft.account_id, draft.key)):
                return Posted(found, False, None)
        if not isinstance(error, MarketError):
            log.error("posting an order failed", exc_info=error)
        return error


def _previous(session: Session, drafts: list[Draft]) -> dict[tuple[int, str], int]:
    keyed = [and_(Order.created_by_id == d.account_id, Order.idempotency_key == d.key) for d in drafts if d.key]
    if not keyed:
        return {}
    rows = (session.execute(select(Order.created_by_id, Order.idempotency_key, Order.id).where(or_(*keyed)))).all()
    return {(row.created_by_id, row.idempotency_key): row.id for row in rows}


@dataclass(frozen=True)
class Taxonomy:
    category_names: dict[str, str]
    skills: frozenset[str]


def read_taxonomy(session: Session) -> Taxonomy:
    names = dict(session.execute(select(Category.code, Category.name).where(Category.is_active)).all())
    return Taxonomy(names, frozenset(session.scalars(select(Skill.code)).all()))


def post_orders(session: Session, drafts: list[Draft], taxonomy: Taxonomy, budget_cap_yuan: int,
                now: datetime) -> list[Posted | MarketError]:
    """Check every draft against the database, then insert the good ones with a few bulk statements."""
    previous = _previous(session, drafts)
    ids = {d.account_id for d in drafts}
    residents = {p.account_id: (p, a) for p, a in (session.execute(
        select(ResidentProfile, Account).join(Account, Account.id == ResidentProfile.account_id)
        .where(ResidentProfile.account_id.in_(ids)))).all()}
    categories, skills = taxonomy.category_names, taxonomy.skills
    wanted_grids = {d.data.grid_id for d in drafts if d.data.grid_id is not None}
    grids = set(session.scalars(select(Area.id).where(Area.id.in_(wanted_grids), Area.level == AreaLevel.GRID))
                .all()) if wanted_grids else set()
    answers: list[Posted | MarketError | Order] = []
    made: dict[tuple[int, str], Order] = {}
    for draft in drafts:
        if found := previous.get((draft.account_id, draft.key or "")):
            answers.append(Posted(found, False, None))
        elif draft.key and (draft.account_id, draft.key) in made:
            answers.append(made[(draft.account_id, draft.key)])
        else:
            answer = _order_from(draft, residents, categories, skills, grids, budget_cap_yuan, now)
            if isinstance(answer, Order) and draft.key:
                made[(draft.account_id, draft.key)] = answer
            answers.append(answer)
    orders = list({id(a): a for a in answers if isinstance(a, Order)}.values())
    if orders:
        _insert_all(session, orders, now)
    first_answer: set[int] = set()
    result: list[Posted | MarketError] = []
    for answer in answers:
        if not isinstance(answer, Order):
            result.append(answer)
            continue
        created = answer.id not in first_answer
        first_answer.add(answer.id)
        _, account = residents[answer.created_by_id or 0]
        result.append(Posted(answer.id, created, _fresh_detail(answer, account, categories, now) if created else None))
    return result


def _insert_all(session: Session, orders: list[Order], now: datetime) -> None:
    """Two bulk statements, not a unit of work per row: the ids come back in the rows' order."""
    columns = [c.key for c in Order.__table__.columns if c.key != "id"]
    rows = [{name: getattr(order, name) for name in columns} for order in orders]
    connection = session.connection()
    ids = connection.execute(insert(Order.__table__).returning(Order.__table__.c.id, sort_by_parameter_order=True),
                             rows).scalars()
    for order, order_id in zip(orders, ids, strict=True):
        order.id = order_id
    connection.execute(insert(OrderEvent.__table__), [
        {"order_id": o.id, "actor_id": o.created_by_id, "action": "post", "from_status": None,
         "to_status": OrderStatus.SUBMITTED, "note": "", "at": now} for o in orders])


def _order_from(draft: Draft, residents: dict, categories: dict[str, str], skills: frozenset[str], grids: set[int],
                budget_cap_yuan: int, now: datetime) -> Order | MarketError:
    data = draft.data
    if draft.account_id not in residents:
        return Forbidden("请先完善居民信息")
    if data.category not in categories:
        return InvalidInput("请选择服务类别", field="category")
    if unknown := sorted(set(data.skills) - skills):
        return InvalidInput(f"未知的技能：{'、'.join(unknown)}", field="skills")
    if data.grid_id is not None and data.grid_id not in grids:
        return InvalidInput("请选择所在网格", field="grid_id")
    profile, _ = residents[draft.account_id]
    return new_order(
        kind=data.kind, source=OrderSource.RESIDENT, category=data.category, title=data.title,
        description=data.description, urgency=data.urgency, headcount=data.headcount, skills=data.skills,
        area_id=data.grid_id if data.grid_id is not None else profile.grid_id,
        address=(data.address or profile.address).strip(), window_start=data.window_start,
        window_end=data.window_end, budget_fen=check_draft(data, budget_cap_yuan), requester_id=draft.account_id,
        created_by_id=draft.account_id, idempotency_key=draft.key, now=now)


def _fresh_detail(order: Order, requester: Account, categories: dict[str, str], now: datetime) -> OrderDetail:
    """What reading the order back would give, built from what was just written."""
    summary = order_read(order, categories, [], {requester.id: requester}, {}, full=True)
    event = EventRead("post", None, OrderStatus.SUBMITTED, OrderStatus.SUBMITTED.label, requester.display_name, "", now)
    return OrderDetail(**msgspec.structs.asdict(summary), events=[event], photo_ids=[])
