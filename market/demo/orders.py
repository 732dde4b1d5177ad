"""Demo orders in every state, each with the offers, events and rating its history implies."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from market.models import Offer, Order, OrderEvent, Rating
from market.vocab import OfferStatus, OrderKind, OrderSource, OrderStatus, Triage

# How many demo orders end in each state.
STATE_COUNTS = {
    OrderStatus.SUBMITTED: 8,
    OrderStatus.REJECTED: 4,
    OrderStatus.OPEN: 10,
    OrderStatus.OFFERED: 8,
    OrderStatus.ACCEPTED: 8,
    OrderStatus.IN_PROGRESS: 8,
    OrderStatus.COMPLETED: 8,
    OrderStatus.CONFIRMED: 6,
    OrderStatus.REOPENED: 4,
    OrderStatus.CLOSED: 20,
    OrderStatus.CANCELLED: 4,
}
# The transitions that lead to each final state: (action, status reached).
PATHS = {
    OrderStatus.SUBMITTED: [],
    OrderStatus.REJECTED: [("reject", OrderStatus.REJECTED)],
    OrderStatus.OPEN: [("approve", OrderStatus.OPEN)],
    OrderStatus.CANCELLED: [("approve", OrderStatus.OPEN), ("cancel", OrderStatus.CANCELLED)],
    OrderStatus.OFFERED: [("approve", OrderStatus.OPEN), ("offer", OrderStatus.OFFERED)],
}
PATHS[OrderStatus.ACCEPTED] = PATHS[OrderStatus.OFFERED] + [("accept", OrderStatus.ACCEPTED)]
PATHS[OrderStatus.IN_PROGRESS] = PATHS[OrderStatus.ACCEPTED] + [("start", OrderStatus.IN_PROGRESS)]
PATHS[OrderStatus.COMPLETED] = PATHS[OrderStatus.IN_PROGRESS] + [("complete", OrderStatus.COMPLETED)]
PATHS[OrderStatus.CONFIRMED] = PATHS[OrderStatus.COMPLETED] + [("confirm", OrderStatus.CONFIRMED)]
PATHS[OrderStatus.CLOSED] = PATHS[OrderStatus.CONFIRMED] + [("close", OrderStatus.CLOSED)]
PATHS[OrderStatus.REOPENED] = PATHS[OrderStatus.COMPLETED] + [("dispute", OrderStatus.REOPENED)]

NOTES = {
    "post": "居民提交",
    "reject": "不属于社区服务范围，已建议拨打12345热线",
    "approve": "审核通过",
    "offer": "社区派单",
    "accept": "已接单",
    "start": "已出发",
    "complete": "已办结，已拍照留存",
    "cancel": "居民已自行解决，撤销",
    "confirm": "居民确认并评价",
    "dispute": "居民评价不满意，待社区处理",
    "close": "销号",
}

# category code → (title, description) examples written as residents would
EXAMPLES = {
    "daily_help": [("帮忙买菜送上楼", "腿脚不便，想请人周末帮忙买些蔬菜送到家里。")],
    "elderly_disabled": [("陪老人聊聊天", "独居老人，子女在外地，希望有人每周来坐坐。")],
    "repair": [("厨房灯不亮了", "厨房吸顶灯不亮，换了灯泡也不行，可能是线路问题。"),
               ("水龙头漏水", "卫生间水龙头一直滴水，关不紧。")],
    "medical_escort": [("陪同去医院复查", "下周二上午要去区医院复查，想请人陪同。")],
    "counselling": [("孩子最近情绪低落", "孩子初三，压力大，希望有人能聊一聊。")],
    "legal_advice": [("咨询房屋租赁纠纷", "房东不退押金，想问问该怎么办。")],
    "tutoring": [("孩子数学辅导", "四年级孩子数学跟不上，希望周末有人辅导。")],
    "sanitation": [("楼道堆放杂物", "3单元楼道堆满纸箱，影响通行，存在消防隐患。")],
    "goods_wish": [("想要一个新书包", "孩子的书包破了，希望能有一个新书包。"),
                   ("冬天需要一床棉被", "家里被子太薄，想要一床厚棉被过冬。")],
    "housekeeping": [("帮忙打扫卫生", "老人独居，家里很久没有打扫了。")],
    "haircut": [("上门理发", "卧床老人需要上门理发。")],
    "errands": [("代取药品", "需要到社区卫生服务中心代取慢性病药。")],
    "digital_help": [("教我用手机挂号", "不会用手机挂号，想请人教一教。")],
    "health_check": [("上门量血压", "老人高血压，希望定期上门测量。")],
    "mediation": [("楼上漏水邻里纠纷", "楼上装修后我家天花板渗水，协商不成。")],
    "safety_hazard": [("电动车楼道充电", "有人在楼道里给电动车充电，很危险。")],
    "moving_help": [("帮忙搬旧家具", "要把旧柜子搬下楼，需要两个人。")],
}


@dataclass
class Assignees:
    """Members by the categories they serve, picked so that nobody holds more live orders than capacity."""

    by_category: dict[str, list[int]]
    capacity: dict[int, int]
    live_load: dict[int, int]

    def pick(self, rng: random.Random, category: str, count: int, live: bool) -> list[int]:
        pool = [m for m in self.by_category.get(category, []) if not live or self.live_load[m] < self.capacity[m]]
        if len(pool) < count:
            pool = [m for m, cap in self.capacity.items() if not live or self.live_load[m] < cap]
        chosen = rng.sample(sorted(pool), count)
        for member_id in chosen:
            self.live_load[member_id] += live
        return chosen


@dataclass(frozen=True)
class Requester:
    account_id: int
    grid_id: int
    address: str
    latitude: float
    longitude: float


async def add_orders(session: AsyncSession, rng: random.Random, now: datetime, requesters: list[Requester],
                     assignees: Assignees, dispatcher_id: int) -> int:
    """Add the demo orders; returns how many."""
    count = 0
    for final_status, how_many in STATE_COUNTS.items():
        for _ in range(how_many):
            await _add_order(session, rng, now, rng.choice(requesters), final_status, assignees, dispatcher_id)
            count += 1
    return count


async def _add_order(session: AsyncSession, rng: random.Random, now: datetime, requester: Requester,
                     final_status: OrderStatus, assignees: Assignees, dispatcher_id: int) -> None:
    category = rng.choice(sorted(EXAMPLES))
    title, description = rng.choice(EXAMPLES[category])
    kind = OrderKind.WISH if category == "goods_wish" else rng.choice([OrderKind.SERVICE, OrderKind.SERVICE, OrderKind.ISSUE])
    source = OrderSource.RESIDENT if kind != OrderKind.ISSUE else rng.choice(list(OrderSource)[:4])
    created_at = now - timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 12))
    path = PATHS[final_status]
    if final_status == OrderStatus.COMPLETED:  # done lately, so the resident still has days to rate it
        created_at = now - timedelta(hours=6 * len(path) + rng.randint(6, 96))
    approved = any(action == "approve" for action, _ in path)
    # Orders still waiting for someone want help from now on; the others' windows lie in their past.
    waiting = final_status in (OrderStatus.SUBMITTED, OrderStatus.OPEN, OrderStatus.OFFERED)
    window_start = now if waiting else created_at + timedelta(days=1)
    order = Order(
        kind=kind, source=source, category_code=category, title=title, description=description, skills=[],
        headcount=2 if category == "moving_help" else 1, urgency=rng.choice([1, 2, 2, 3, 3, 4, 5]),
        triage=rng.choice([Triage.GENERAL, Triage.GENERAL, Triage.COORDINATE]) if approved else None,
        area_id=requester.grid_id, address=requester.address,
        latitude=requester.latitude, longitude=requester.longitude,
        window_start=window_start, window_end=window_start + timedelta(days=7),
        budget_fen=rng.choice([8000, 15000, 30000]) if kind == OrderKind.WISH else None,
        requester_id=requester.account_id, created_by_id=requester.account_id,
        claimable=rng.random() < 0.3, status=final_status, version=len(path) + 1,
        accept_due_at=created_at + timedelta(days=1) if approved else None,
        due_at=created_at + timedelta(days=3) if approved else None,
        created_at=created_at, updated_at=created_at + timedelta(hours=6 * len(path)),
    )
    session.add(order)
    await session.flush()
    events = [OrderEvent(order_id=order.id, actor_id=requester.account_id, action="post", from_status=None,
                         to_status=OrderStatus.SUBMITTED, note=NOTES["post"], at=created_at)]
    status = OrderStatus.SUBMITTED
    for step, (action, reached) in enumerate(path, start=1):
        at = created_at + timedelta(hours=6 * step)
        actor = None if action in ("accept", "start", "complete") else dispatcher_id
        if action in ("cancel", "confirm", "dispute"):
            actor = requester.account_id
        events.append(OrderEvent(order_id=order.id, actor_id=actor, action=action, from_status=status,
                                 to_status=reached, note=NOTES[action], at=at))
        status = reached
    session.add_all(events)
    order.started_at = min((e.at for e in events if e.action == "start"), default=None)
    order.completed_at = max((e.at for e in events if e.action == "complete"), default=None)
    if any(action == "offer" for action, _ in path):
        _add_offers(session, rng, order, assignees, dispatcher_id, path, now)
    if final_status in (OrderStatus.CONFIRMED, OrderStatus.CLOSED, OrderStatus.REOPENED):
        stars = rng.choice([1, 2]) if final_status == OrderStatus.REOPENED else rng.choice([4, 5, 5])
        comment = "非常感谢，服务很贴心！" if stars >= 4 else "约好的时间没来，问题还没解决。"
        session.add(Rating(order_id=order.id, rater_id=requester.account_id, stars=stars, comment=comment,
                           created_at=order.updated_at))


def _add_offers(session: AsyncSession, rng: random.Random, order: Order, assignees: Assignees,
                dispatcher_id: int, path: list[tuple[str, OrderStatus]], now: datetime) -> None:
    live = order.status in (OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS)
    accepted = any(action == "accept" for action, _ in path)
    status = OfferStatus.ACCEPTED if accepted else OfferStatus.OFFERED
    offered_at = order.created_at + timedelta(hours=12)
    for slot, member_id in enumerate(assignees.pick(rng, order.category_code, order.headcount, live), start=1):
        session.add(Offer(
            order_id=order.id, slot=slot, member_id=member_id, offered_by_id=dispatcher_id, status=status,
            # An offer still waiting for its answer is due in the hours ahead, not already lapsed.
            accept_due_at=now + timedelta(hours=rng.randint(6, 24)) if status == OfferStatus.OFFERED and live
            else offered_at + timedelta(hours=12),
            explanation=_demo_why(rng),
            offered_at=offered_at, responded_at=offered_at + timedelta(hours=6) if accepted else None,
        ))


def _demo_why(rng: random.Random) -> dict[str, int]:
    """The shape a round's offer carries (see market/dispatch/rounds.py), with plausible values."""
    distance_m = rng.randint(150, 3000)
    return {"distance_m": distance_m, "same_community": 1, "distance_cost": distance_m // 100, "outside_cost": 0,
            "fairness_cost": 5 * rng.randint(0, 4), "by_hand": 0}
