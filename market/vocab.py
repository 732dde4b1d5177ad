"""The domain's enumerations, each value with the Chinese name users see."""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A StrEnum whose members carry a Chinese display name in `LABELS`."""

    @property
    def label(self) -> str:
        return LABELS[type(self).__name__][self.value]

    @classmethod
    def choices(cls) -> list[dict[str, str]]:
        return [{"code": m.value, "name": m.label} for m in cls]


class AreaLevel(Labelled):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"

    @property
    def depth(self) -> int:
        return list(AreaLevel).index(self)


class Role(Labelled):
    RESIDENT = "resident"
    MEMBER = "member"
    UNIT_ADMIN = "unit_admin"
    DISPATCHER = "dispatcher"
    AUDITOR = "auditor"
    ADMIN = "admin"


class UnitKind(Labelled):
    DEPARTMENT = "department"
    BUSINESS = "business"
    SOCIAL_ORG = "social_org"


class VulnerableTag(Labelled):
    LIVING_ALONE = "living_alone"
    DISABLED = "disabled"
    HARDSHIP = "hardship"
    SERIOUSLY_ILL = "seriously_ill"
    MIGRANT = "migrant"


class OrderKind(Labelled):
    WISH = "wish"
    SERVICE = "service"
    ISSUE = "issue"
    VISIT = "visit"


class OrderSource(Labelled):
    RESIDENT = "resident"
    GRID_PATROL = "grid_patrol"
    PHONE = "phone"
    HOTLINE = "hotline"
    VISIT_PLAN = "visit_plan"


class Triage(Labelled):
    GENERAL = "general"
    COORDINATE = "coordinate"
    EMERGENCY = "emergency"
    APPROVAL = "approval"


class OrderStatus(Labelled):
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    OPEN = "open"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    REOPENED = "reopened"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class OfferStatus(Labelled):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class DeclineReason(Labelled):
    BUSY = "busy"
    TOO_FAR = "too_far"
    NO_SKILL = "no_skill"
    TIME_CONFLICT = "time_conflict"
    OTHER = "other"


class RegistrationStatus(Labelled):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    ENDED = "ended"


class RoundStatus(Labelled):
    PREVIEW = "preview"
    COMMITTED = "committed"
    FAILED = "failed"


class NotificationKind(Labelled):
    OFFER_EXPIRED = "offer_expired"
    ORDER_AUTO_CLOSED = "order_auto_closed"
    SUPERVISION = "supervision"
    ESCALATION = "escalation"
    SUMMONS = "summons"
    SUMMONS_LATE = "summons_late"
    NEW_OFFER = "new_offer"
    VISIT = "visit"
    ORDER_ACCEPTED = "order_accepted"
    ORDER_COMPLETED = "order_completed"


class VisitFrequency(Labelled):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class SlaLevel(Labelled):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class JobOutcome(Labelled):
    RUNNING = "running"
    OK = "ok"
    ERROR = "error"
    SKIPPED = "skipped"


class UnservedReason(Labelled):
    NO_ELIGIBLE_CANDIDATE = "no_eligible_candidate"
    CAPACITY = "capacity"
    TEAM_INCOMPLETE = "team_incomplete"
    COST = "cost"
    WINDOW_PASSED = "window_passed"  # the service's own: left out of the problem
    REMOVED = "removed"  # the service's own: a dispatcher took the assignment out


LABELS: dict[str, dict[str, str]] = {
    "AreaLevel": {"city": "市", "district": "区", "street": "街道", "community": "社区", "grid": "网格"},
    "Role": {
        "resident": "居民",
        "member": "在职党员",
        "unit_admin": "单位管理员",
        "dispatcher": "社区工作者",
        "auditor": "组织部门",
        "admin": "系统管理员",
    },
    "UnitKind": {"department": "职能部门", "business": "企业商户", "social_org": "社会组织"},
    "VulnerableTag": {
        "living_alone": "独居老人",
        "disabled": "残疾",
        "hardship": "困难群众",
        "seriously_ill": "重病",
        "migrant": "流动人口",
    },
    "OrderKind": {"wish": "微心愿", "service": "服务需求", "issue": "诉求", "visit": "走访"},
    "OrderSource": {
        "resident": "居民点单",
        "grid_patrol": "网格巡查",
        "phone": "电话反映",
        "hotline": "12345热线",
        "visit_plan": "走访计划",
    },
    "Triage": {"general": "一般", "coordinate": "协调", "emergency": "突发", "approval": "审批"},
    "OrderStatus": {
        "submitted": "待审核",
        "rejected": "已驳回",
        "open": "待派单",
        "offered": "已派单",
        "accepted": "已接单",
        "in_progress": "处置中",
        "completed": "已办结",
        "confirmed": "已确认",
        "reopened": "重新处理",
        "closed": "已销号",
        "cancelled": "已撤销",
    },
    "OfferStatus": {
        "offered": "待接单",
        "accepted": "已接单",
        "declined": "已婉拒",
        "expired": "已超时",
        "withdrawn": "已撤回",
    },
    "DeclineReason": {
        "busy": "工作繁忙",
        "too_far": "距离太远",
        "no_skill": "不具备相应技能",
        "time_conflict": "时间冲突",
        "other": "其他原因",
    },
    "RegistrationStatus": {"pending": "待确认", "confirmed": "已确认", "ended": "已结束"},
    "RoundStatus": {"preview": "预览（未派单）", "committed": "已派单", "failed": "失败"},
    "NotificationKind": {"offer_expired": "派单超时", "order_auto_closed": "订单自动办结", "supervision": "督办",
                         "escalation": "逐级上报", "summons": "吹哨报到", "summons_late": "报到超时",
                         "new_offer": "新派单", "visit": "上门走访", "order_accepted": "已接单",
                         "order_completed": "待评价"},
    "VisitFrequency": {"weekly": "每周", "monthly": "每月", "quarterly": "每季度"},
    "SlaLevel": {"green": "绿（正常）", "yellow": "黄（预警）", "red": "红（超时）"},
    "JobOutcome": {"running": "运行中", "ok": "完成", "error": "出错", "skipped": "跳过"},
    "UnservedReason": {
        "no_eligible_candidate": "没有符合条件的党员或单位",
        "capacity": "符合条件的党员和单位都已满额",
        "team_incomplete": "凑不齐所需人数",
        "cost": "本轮暂不派单更合适",
        "window_passed": "居民期望的时间已过，请联系居民后再派",
        "removed": "工作人员已从本轮移出",
    },
}

# Offers that still hold a slot of their order.
LIVE_OFFER_STATUSES = (OfferStatus.OFFERED, OfferStatus.ACCEPTED)
# Who holds an order, or lost it once (declined it, let it lapse), is not offered it again.
EXCLUDING_OFFER_STATUSES = (OfferStatus.DECLINED, OfferStatus.EXPIRED, *LIVE_OFFER_STATUSES)
