"""Writing residents' posts in batches: synchronous code, one transaction and a few bulk statements.

It runs where it is put: on the web process's writer thread, or alone in a child process (see
writer_process.py) so that it does not share the web process's GIL. Posts and answers are plain
msgspec structs, so they cross a process boundary as bytes. Every post gets its own answer: a refusal
names its field; if a batch fails as a whole, its posts are written again one by one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import Engine, and_, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from market.errors import Conflict, Forbidden, InvalidInput, MarketError, NotFound
from market.models import (
    Account,
    Area,
    Category,
    Order,
    OrderEvent,
    ResidentProfile,
    Skill,
)
from market.orders.posting import check_draft, new_order
from market.orders.queries import order_read
from market.orders.schemas import EventRead, OrderCreate, OrderDetail
from market.vocab import AreaLevel, OrderSource, OrderStatus

log = logging.getLogger("market.intake")
# Categories and skills change rarely (an admin's edit); batches reuse them for this long.
TAXONOMY_TTL = timedelta(seconds=10)
REFUSALS = {kind.code: kind for kind in (InvalidInput, Forbidden, NotFound, Conflict)}


class PostRequest(msgspec.Struct, array_like=True):
    account_id: int
    data: OrderCreate
    key: str | None


class PostAnswer(msgspec.Struct, array_like=True, omit_defaults=True):
    """The new order's detail; for a retried key, the id of the order the first try made; or a refusal."""

    order_id: int = 0
    created: bool = False
    detail: OrderDetail | None = None
    refusal: str | None = None  # an error code; "internal" for what is not the caller's fault
    message: str = ""
    field: str | None = None

    def error(self) -> Exception | None:
        if self.refusal is None:
            return None
        if self.refusal in REFUSALS:
            return REFUSALS[self.refusal](self.message, field=self.field)
        return RuntimeError(f"posting an order failed: {self.message}")


class Batch(msgspec.Struct, array_like=True):
    now: datetime
    posts: list[PostRequest]


def refused(error: MarketError) -> PostAnswer:
    return PostAnswer(refusal=error.code, message=error.message, field=error.field)


class BatchWriter:
    """Writes batches on one synchronous engine; keeps the taxonomy for a few seconds between batches."""

    def __init__(self, engine: Engine, budget_cap_yuan: int) -> None:
        self.engine, self.budget_cap_yuan = engine, budget_cap_yuan
        self._taxonomy: tuple[datetime, Taxonomy] | None = None

    def write(self, batch: Batch) -> list[PostAnswer]:
        try:
            return self._write_together(batch.posts, batch.now)
        except Exception as error:  # noqa: BLE001 - every post must get an answer
            if len(batch.posts) == 1:
                return [self._after_failure(batch.posts[0], error)]
            return [answer for post in batch.posts for answer in self.write(Batch(batch.now, [post]))]

    def _write_together(self, posts: list[PostRequest], now: datetime) -> list[PostAnswer]:
        with Session(self.engine) as session, session.begin():
            if self._taxonomy is None or now - self._taxonomy[0] >= TAXONOMY_TTL or now < self._taxonomy[0]:
                self._taxonomy = (now, read_taxonomy(session))
            return post_orders(session, posts, self._taxonomy[1], self.budget_cap_yuan, now)

    def _after_failure(self, post: PostRequest, error: Exception) -> PostAnswer:
        """A lone post that failed: a concurrent retry with its key may have won; else the error stands."""
        if isinstance(error, IntegrityError) and post.key is not None:
            with Session(self.engine) as session, session.begin():
                found = _previous(session, [post]).get((post.account_id, post.key))
            if found:
                return PostAnswer(order_id=found)
        if isinstance(error, MarketError):
            return refused(error)
        log.error("posting an order failed", exc_info=error)
        return PostAnswer(refusal="internal", message=type(error).__name__)


def _previous(session: Session, drafts: list[PostRequest]) -> dict[tuple[int, str], int]:
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


def post_orders(session: Session, drafts: list[PostRequest], taxonomy: Taxonomy, budget_cap_yuan: int,
                now: datetime) -> list[PostAnswer]:
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
    answers: list[PostAnswer | Order] = []
    made: dict[tuple[int, str], Order] = {}
    for draft in drafts:
        if found := previous.get((draft.account_id, draft.key or "")):
            answers.append(PostAnswer(order_id=found))
        elif draft.key and (draft.account_id, draft.key) in made:
            answers.append(made[(draft.account_id, draft.key)])
        else:
            try:
                answer: PostAnswer | Order = _order_from(draft, residents, categories, skills, grids, budget_cap_yuan,
                                                         now)
            except MarketError as error:
                answer = refused(error)
            if isinstance(answer, Order) and draft.key:
                made[(draft.account_id, draft.key)] = answer
            answers.append(answer)
    orders = list({id(a): a for a in answers if isinstance(a, Order)}.values())
    if orders:
        _insert_all(session, orders, now)
    first_answer: set[int] = set()
    result: list[PostAnswer] = []
    for answer in answers:
        if not isinstance(answer, Order):
            result.append(answer)
            continue
        created = answer.id not in first_answer
        first_answer.add(answer.id)
        _, account = residents[answer.created_by_id or 0]
        detail = _fresh_detail(answer, account, categories, now) if created else None
        result.append(PostAnswer(order_id=answer.id, created=created, detail=detail))
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


def _order_from(draft: PostRequest, residents: dict, categories: dict[str, str], skills: frozenset[str],
                grids: set[int], budget_cap_yuan: int, now: datetime) -> Order:
    data = draft.data
    if draft.account_id not in residents:
        raise Forbidden("请先完善居民信息")
    if data.category not in categories:
        raise InvalidInput("没有这个服务类别，请从列表中选择", field="category")
    if unknown := sorted(set(data.skills) - skills):
        raise InvalidInput(f"未知的技能：{'、'.join(unknown)}", field="skills")
    if data.grid_id is not None and data.grid_id not in grids:
        raise InvalidInput("请选择所在网格", field="grid_id")
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
