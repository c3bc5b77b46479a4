from hotline.models.calendar import CalendarDay, CalendarYear, SlaPolicy, WorkPeriod
from hotline.models.confirmations import PhoneConfirmation
from hotline.models.guides import ServiceGuide
from hotline.models.kpis import KpiAppeal, RankingPublication, RankingScheme
from hotline.models.integrations import Open311Key, UpstreamSystem, WebhookDelivery
from hotline.models.messages import Call, Message, SmsTemplate
from hotline.models.org import StaffProfile, Unit, Village
from hotline.models.people import Resident
from hotline.models.privacy import ErasureRecord, ResidentExport
from hotline.models.pledges import Pledge, PledgeItem, PledgeUpdate, PledgeUpdatePhoto, PledgeVote
from hotline.models.promotions import PromotionPhoto, PromotionPlacement, PromotionRequest
from hotline.models.routing import DuplicateFlag, RouterModel, RoutingRule
from hotline.models.tickets import (
    Assignment,
    Category,
    ExtensionRequest,
    Reply,
    ReturnRequest,
    Ticket,
    TicketEvent,
)

__all__ = [
    "DuplicateFlag",
    "RouterModel",
    "RoutingRule",
    "Assignment",
    "CalendarDay",
    "CalendarYear",
    "Call",
    "Category",
    "ErasureRecord",
    "ExtensionRequest",
    "KpiAppeal",
    "Message",
    "Open311Key",
    "PhoneConfirmation",
    "Pledge",
    "PledgeItem",
    "PledgeUpdate",
    "PledgeUpdatePhoto",
    "PledgeVote",
    "PromotionPhoto",
    "PromotionPlacement",
    "PromotionRequest",
    "RankingPublication",
    "RankingScheme",
    "Reply",
    "Resident",
    "ResidentExport",
    "ReturnRequest",
    "ServiceGuide",
    "SlaPolicy",
    "SmsTemplate",
    "StaffProfile",
    "Ticket",
    "TicketEvent",
    "Unit",
    "UpstreamSystem",
    "Village",
    "WebhookDelivery",
    "WorkPeriod",
]
