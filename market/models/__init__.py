"""Every table of the service, imported together so the metadata is complete."""

from market.models.accounts import Account, ResidentProfile, RoleGrant
from market.models.areas import Area
from market.models.auth import AuthSession, LoginFailure
from market.models.base import Base
from market.models.catalog import Category, Skill
from market.models.dispatch import DispatchWeights, MatchAssignment, MatchRun
from market.models.exports import ExportLog
from market.models.jobs import JobRun, SchedulerLease
from market.models.members import MemberProfile
from market.models.notifications import Notification, OutboxMessage
from market.models.orders import Offer, Order, OrderEvent, OrderPhoto, Rating
from market.models.points import LedgerEntry, PointAccount, PointRuleVersion
from market.models.policy import SlaPolicy
from market.models.privacy import RevealLog
from market.models.ratings import Objection, StarRating, StarRatingRun
from market.models.supervision import Summons, Supervision
from market.models.units import Unit, UnitCommunity
from market.models.visits import Visit, VisitPlan

__all__ = [
    "Account",
    "Area",
    "AuthSession",
    "Base",
    "Category",
    "DispatchWeights",
    "ExportLog",
    "JobRun",
    "LedgerEntry",
    "LoginFailure",
    "MatchAssignment",
    "MatchRun",
    "MemberProfile",
    "Notification",
    "Objection",
    "Offer",
    "Order",
    "OrderEvent",
    "OrderPhoto",
    "OutboxMessage",
    "PointAccount",
    "PointRuleVersion",
    "Rating",
    "ResidentProfile",
    "RevealLog",
    "RoleGrant",
    "SchedulerLease",
    "Skill",
    "SlaPolicy",
    "StarRating",
    "StarRatingRun",
    "Summons",
    "Supervision",
    "Unit",
    "UnitCommunity",
    "Visit",
    "VisitPlan",
]
